package goroutineselectforever

import (
	"context"
	"net/http"
	"time"
)

// The fix: the pump returns when the request ends.
func pumpUntil(ctx context.Context, progress <-chan int) {
	for {
		select {
		case <-progress:
		case <-ctx.Done():
			return
		}
	}
}

func uploadFixed(w http.ResponseWriter, r *http.Request) {
	progress := make(chan int)
	go pumpUntil(r.Context(), progress)
	progress <- 1
}

// A daemon started once from main lives as long as the process by design.
func main() {
	go func() {
		for {
			handleEvent(<-events)
		}
	}()
	go func() { select {} }()
}

// Background loop started once by a constructor (not per request).
type server struct{ quit chan struct{} }

func newServer() *server {
	s := &server{quit: make(chan struct{})}
	go func() {
		for {
			handleEvent(<-events)
		}
	}()
	return s
}

// Ranging over a channel ends when it is closed.
func consume(w http.ResponseWriter, r *http.Request) {
	ch := make(chan string)
	go func() {
		for e := range ch {
			handleEvent(e)
		}
	}()
	ch <- "x"
	close(ch)
}

// A labelled break leaves the loop.
func labelled(w http.ResponseWriter, r *http.Request) {
	go func() {
	loop:
		for {
			select {
			case e := <-events:
				if e == "" {
					break loop
				}
			case <-r.Context().Done():
				break loop
			}
		}
	}()
}

// A stoppable ticker loop per request.
func ticking(w http.ResponseWriter, r *http.Request) {
	t := time.NewTicker(time.Second)
	go func() {
		defer t.Stop()
		for {
			select {
			case <-t.C:
				handleEvent("tick")
			case <-r.Context().Done():
				return
			}
		}
	}()
}

// A retry loop with a bounded exit inside a loop.
func retryAll(items []string) {
	for _, it := range items {
		go func() {
			for attempt := 0; attempt < 3; attempt++ {
				handleEvent(it)
			}
		}()
	}
}

var _ = newServer
