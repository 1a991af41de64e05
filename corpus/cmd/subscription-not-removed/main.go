// subscription-not-removed: an in-process event bus fans price updates out to
// subscribers. Each request to /watch is a long poll: it subscribes a callback
// that forwards events into the request's own buffered channel, waits a short
// while for one, and answers. In leaky mode the handler drops the unsubscribe
// function that Subscribe returns. The bus is long-lived and its subscriber
// map holds every callback, each callback's closure holds the request's
// channel, and the channel holds its 256-event buffer (~18 KiB): nothing the
// finished request allocated for the watch can be collected, so the live heap
// grows by one subscription per request, and every publish walks an ever
// longer list.
//
// The fixed mode keeps the cancel function and calls it when the request ends
// (`defer unsubscribe()`), which deletes the callback from the bus.
package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

// watchBuffer is how many events a watcher may have pending.
const watchBuffer = 256

// pollWait is how long a long poll waits for an event before answering.
const pollWait = 20 * time.Millisecond

func main() {
	svc.Run("subscription-not-removed", func(s *svc.Service) (svc.Load, error) {
		bus := newBus()
		go publishPrices(bus, time.Second)
		s.Mux.HandleFunc("/watch", watchHandler(bus, s.Leaky))
		return s.GetLoad("/watch?symbol=ACME"), nil
	})
}

// Event is one price update.
type Event struct {
	Seq    uint64
	Symbol string
	Price  float64
	At     time.Time
	Source string
}

// Bus is a minimal in-process publish/subscribe hub.
type Bus struct {
	mu   sync.Mutex
	next uint64
	subs map[uint64]func(Event)
}

func newBus() *Bus {
	return &Bus{subs: make(map[uint64]func(Event))}
}

// Subscribe registers fn for every later event and returns the function that
// removes it again.
func (b *Bus) Subscribe(fn func(Event)) (unsubscribe func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	id := b.next
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

// Publish calls every subscriber with ev.
func (b *Bus) Publish(ev Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, fn := range b.subs {
		fn(ev)
	}
}

// publishPrices publishes one price update per period, for the life of the process.
func publishPrices(b *Bus, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	var seq uint64
	for now := range t.C {
		seq++
		b.Publish(Event{Seq: seq, Symbol: "ACME", Price: 100 + float64(seq%50)/10, At: now, Source: "feed"})
	}
}

func watchHandler(bus *Bus, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var ev Event
		var ok bool
		if leaky {
			ev, ok = watchOnce(r.Context(), bus)
		} else {
			ev, ok = watchOnceFixed(r.Context(), bus)
		}
		if !ok {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		fmt.Fprintf(w, "%s %d %.2f\n", ev.Symbol, ev.Seq, ev.Price)
	}
}

// subscribe forwards bus events into a new buffered channel, dropping them
// when the watcher is behind.
func subscribe(bus *Bus) (<-chan Event, func()) {
	events := make(chan Event, watchBuffer)
	unsubscribe := bus.Subscribe(func(ev Event) {
		select {
		case events <- ev:
		default:
		}
	})
	return events, unsubscribe
}

// watchOnce is the leaky version: the subscription outlives the request.
func watchOnce(ctx context.Context, bus *Bus) (Event, bool) {
	events, _ := subscribe(bus) // want "subscription-not-removed"
	return waitEvent(ctx, events)
}

// watchOnceFixed removes the subscription when the request is done.
func watchOnceFixed(ctx context.Context, bus *Bus) (Event, bool) {
	events, unsubscribe := subscribe(bus)
	defer unsubscribe()
	return waitEvent(ctx, events)
}

// waitEvent waits up to pollWait for the next event.
func waitEvent(ctx context.Context, events <-chan Event) (Event, bool) {
	t := time.NewTimer(pollWait)
	defer t.Stop()
	select {
	case ev := <-events:
		return ev, true
	case <-t.C:
	case <-ctx.Done():
	}
	return Event{}, false
}
