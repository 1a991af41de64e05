package cacheunbounded

import (
	"net/http"
	"sync"
	"time"
)

var seenNonces sync.Map

// replayGuard records every nonce forever.
func replayGuard(w http.ResponseWriter, r *http.Request) {
	nonce := r.Header.Get("X-Nonce")
	if _, dup := seenNonces.LoadOrStore(nonce, time.Now()); dup { // want "cache-unbounded"
		http.Error(w, "replayed", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
