package cacheunbounded

import (
	"net/http"
	"sync"
)

var (
	statsMu sync.Mutex
	stats   = map[string]int{}
)

// countMethod only ever uses a fixed set of keys.
func countMethod(w http.ResponseWriter, r *http.Request) {
	statsMu.Lock()
	if r.Method == http.MethodGet {
		stats["get"]++
	} else {
		stats["other"]++
	}
	statsMu.Unlock()
	w.WriteHeader(http.StatusOK)
}
