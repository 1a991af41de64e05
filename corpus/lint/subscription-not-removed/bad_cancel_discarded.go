package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type priceFeed struct {
	mu   sync.Mutex
	next int
	subs map[int]chan<- float64
}

// Subscribe registers ch and returns the function that removes it.
func (f *priceFeed) Subscribe(ch chan<- float64) (cancel func()) {
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

var prices = &priceFeed{subs: map[int]chan<- float64{}}

// streamPrice subscribes per request and throws the cancel func away.
func streamPrice(w http.ResponseWriter, r *http.Request) {
	ch := make(chan float64, 1)
	prices.Subscribe(ch) // want "subscription-not-removed"
	select {
	case p := <-ch:
		_, _ = w.Write([]byte{byte(p)})
	case <-r.Context().Done():
	}
}
