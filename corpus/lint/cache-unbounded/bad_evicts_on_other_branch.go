package cacheunbounded

import (
	"net/http"
	"sync"
)

var (
	quotesMu sync.Mutex
	quotes   = map[string]string{}
	order    []string
)

const maxQuotes = 512

func putQuote(k, v string) {
	quotesMu.Lock()
	quotes[k] = v // want "cache-unbounded"
	quotesMu.Unlock()
}

func putQuoteEvicting(k, v string) {
	quotesMu.Lock()
	defer quotesMu.Unlock()
	if _, ok := quotes[k]; !ok {
		order = append(order, k)
	}
	quotes[k] = v
	if len(order) > maxQuotes {
		delete(quotes, order[0])
		order = order[1:]
	}
}

// quote evicts only on the slow path: the fast path's inserts are never
// bounded, because the evicting function runs instead of, not alongside, it.
func quote(w http.ResponseWriter, r *http.Request) {
	k := r.URL.Query().Get("sym")
	if r.URL.Query().Get("fast") != "" {
		putQuote(k, "1.0")
	} else {
		putQuoteEvicting(k, "1.0")
	}
	w.WriteHeader(http.StatusOK)
}
