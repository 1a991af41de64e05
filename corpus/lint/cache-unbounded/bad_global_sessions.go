package cacheunbounded

import (
	"net/http"
	"sync"
	"time"
)

type session struct {
	user    string
	created time.Time
}

var (
	sessionsMu sync.Mutex
	sessions   = map[string]*session{}
)

// login stores one session per login and never forgets any.
func login(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("sid")
	sessionsMu.Lock()
	sessions[id] = &session{user: r.FormValue("user"), created: time.Now()} // want "cache-unbounded"
	sessionsMu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
