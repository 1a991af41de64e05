package cacheunbounded

import (
	"net/http"
	"strings"
	"sync"
)

// upperHandler memoises in a map captured by the handler, which lives as long
// as the handler is registered.
func upperHandler() http.HandlerFunc {
	var mu sync.Mutex
	memo := map[string]string{}
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("q")
		mu.Lock()
		v, ok := memo[q]
		if !ok {
			v = strings.ToUpper(q)
			memo[q] = v // want "cache-unbounded"
		}
		mu.Unlock()
		_, _ = w.Write([]byte(v))
	}
}
