package subscriptionnotremoved

import (
	"errors"
	"net/http"
	"sync"
)

type orderBook struct {
	mu        sync.Mutex
	listeners map[*chan int]struct{}
}

// SubscribeUpdates returns the unsubscribe function.
func (b *orderBook) SubscribeUpdates(ch *chan int) func() {
	b.mu.Lock()
	b.listeners[ch] = struct{}{}
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.listeners, ch)
		b.mu.Unlock()
	}
}

var book = &orderBook{listeners: map[*chan int]struct{}{}}

var errNoSymbol = errors.New("no symbol")

// followOrders unsubscribes, except when the request has no symbol.
func followOrders(w http.ResponseWriter, r *http.Request) {
	ch := make(chan int, 1)
	unsubscribe := book.SubscribeUpdates(&ch) // want "subscription-not-removed"
	if r.URL.Query().Get("symbol") == "" {
		http.Error(w, errNoSymbol.Error(), http.StatusBadRequest)
		return
	}
	defer unsubscribe()
	select {
	case v := <-ch:
		_, _ = w.Write([]byte{byte(v)})
	case <-r.Context().Done():
	}
}
