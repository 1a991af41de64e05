package cacheunbounded

import (
	"net/http"
	"sync"
	"time"
)

type auditEntry struct {
	at   time.Time
	path string
}

var (
	auditMu  sync.Mutex
	auditLog []auditEntry
)

// audited appends to a log that only grows.
func audited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auditMu.Lock()
		auditLog = append(auditLog, auditEntry{at: time.Now(), path: r.URL.Path}) // want "cache-unbounded"
		auditMu.Unlock()
		next.ServeHTTP(w, r)
	})
}
