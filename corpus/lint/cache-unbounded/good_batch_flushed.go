package cacheunbounded

import (
	"net/http"
	"sync"
)

var (
	batchMu sync.Mutex
	pending []string
)

// enqueue appends to a batch that flush hands off and resets.
func enqueue(w http.ResponseWriter, r *http.Request) {
	batchMu.Lock()
	pending = append(pending, r.FormValue("event"))
	batchMu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func flush(send func([]string)) {
	batchMu.Lock()
	out := pending
	pending = nil
	batchMu.Unlock()
	send(out)
}
