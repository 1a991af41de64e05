package cacheunbounded

import (
	"net/http"
	"sync"
	"time"
)

var (
	tokensMu sync.Mutex
	tokens   = map[string]time.Time{}
)

// issueToken stores tokens that a janitor deletes once they expire.
func issueToken(w http.ResponseWriter, r *http.Request) {
	tokensMu.Lock()
	tokens[r.FormValue("token")] = time.Now().Add(time.Minute)
	tokensMu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

func expireTokens(now time.Time) {
	tokensMu.Lock()
	defer tokensMu.Unlock()
	for k, exp := range tokens {
		if now.After(exp) {
			delete(tokens, k)
		}
	}
}
