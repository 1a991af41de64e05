package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type quoteFeed struct {
	mu   sync.Mutex
	next int
	subs map[int]chan<- string
}

func (f *quoteFeed) Subscribe(ch chan<- string) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.next
	f.next++
	f.subs[id] = ch
	return func() {
		f.mu.Lock()
		delete(f.subs, id)
		f.mu.Unlock()
	}
}

var quotes = &quoteFeed{subs: map[int]chan<- string{}}

// streamQuote removes its subscription when the request ends.
func streamQuote(w http.ResponseWriter, r *http.Request) {
	ch := make(chan string, 1)
	cancel := quotes.Subscribe(ch)
	defer cancel()
	select {
	case q := <-ch:
		_, _ = w.Write([]byte(q))
	case <-r.Context().Done():
	}
}
