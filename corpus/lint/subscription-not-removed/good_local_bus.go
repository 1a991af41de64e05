package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type stepBus struct {
	mu   sync.Mutex
	subs []func(int)
}

func (b *stepBus) Subscribe(fn func(int)) {
	b.mu.Lock()
	b.subs = append(b.subs, fn)
	b.mu.Unlock()
}

func (b *stepBus) publish(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, fn := range b.subs {
		fn(v)
	}
}

// runSteps subscribes to a bus that lives only as long as the request.
func runSteps(w http.ResponseWriter, r *http.Request) {
	bus := &stepBus{}
	total := 0
	bus.Subscribe(func(v int) { total += v })
	for i := 1; i <= 3; i++ {
		bus.publish(i)
	}
	_, _ = w.Write([]byte{byte(total)})
}
