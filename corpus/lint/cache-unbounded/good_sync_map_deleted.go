package cacheunbounded

import (
	"net/http"
	"sync"
)

var inflight sync.Map

// track marks a request in flight and removes it when the handler ends.
func track(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	inflight.Store(id, r.URL.Path)
	defer inflight.Delete(id)
	w.WriteHeader(http.StatusOK)
}
