package subscriptionnotremoved

import (
	"net/http"
	"sync"
)

type emitter struct {
	mu       sync.Mutex
	handlers map[string][]func(string)
}

func (e *emitter) On(event string, fn func(string)) {
	e.mu.Lock()
	e.handlers[event] = append(e.handlers[event], fn)
	e.mu.Unlock()
}

func (e *emitter) Off(event string) {
	e.mu.Lock()
	delete(e.handlers, event)
	e.mu.Unlock()
}

var configEvents = &emitter{handlers: map[string][]func(string){}}

// watchConfig adds a listener per request; the request's writer stays
// reachable from the emitter forever.
func watchConfig(w http.ResponseWriter, r *http.Request) {
	done := make(chan string, 1)
	configEvents.On("reload", func(v string) { // want "subscription-not-removed"
		select {
		case done <- v:
		default:
		}
	})
	_, _ = w.Write([]byte(<-done))
}
