package cacheunbounded

import (
	"net/http"
	"sync"
)

var (
	hitsMu     sync.Mutex
	hitsByPath = make(map[string]int)
)

func countHit(path string) {
	hitsMu.Lock()
	hitsByPath[path]++ // want "cache-unbounded"
	hitsMu.Unlock()
}

// anyPath counts hits per URL path: any client can add keys.
func anyPath(w http.ResponseWriter, r *http.Request) {
	countHit(r.URL.Path)
	w.WriteHeader(http.StatusOK)
}
