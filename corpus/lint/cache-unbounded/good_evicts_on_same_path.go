package cacheunbounded

import (
	"net/http"
	"sync"
	"time"
)

var (
	rateMu   sync.Mutex
	lastSeen = map[string]time.Time{}
)

func dropStale(now time.Time) {
	for ip, t := range lastSeen {
		if now.Sub(t) > time.Minute {
			delete(lastSeen, ip)
		}
	}
}

func touch(ip string, now time.Time) {
	lastSeen[ip] = now
}

// limit evicts stale entries on every request before inserting: the bound
// runs on the same path as the insert.
func limit(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	rateMu.Lock()
	dropStale(now)
	touch(r.RemoteAddr, now)
	rateMu.Unlock()
	w.WriteHeader(http.StatusOK)
}
