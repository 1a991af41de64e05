package cacheunbounded

import (
	"net/http"
	"sync"
)

var (
	recentMu  sync.Mutex
	recentIPs = map[string]struct{}{}
)

// trackIP records addresses in a set that rotate empties every interval.
func trackIP(w http.ResponseWriter, r *http.Request) {
	recentMu.Lock()
	recentIPs[r.RemoteAddr] = struct{}{}
	recentMu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func rotate() int {
	recentMu.Lock()
	defer recentMu.Unlock()
	n := len(recentIPs)
	clear(recentIPs)
	return n
}
