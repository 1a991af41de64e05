// goroutine-chan-blocked: each request starts a worker that sends its result on
// an unbuffered channel, but the handler gives up after a short timeout. In
// leaky mode nobody ever receives, so every abandoned worker blocks on its
// send forever. The fixed mode gives the channel a buffer of one, so the
// worker's send always completes and the worker exits.
package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

func main() {
	svc.Run("goroutine-chan-blocked", func(s *svc.Service) (svc.Load, error) {
		s.Mux.HandleFunc("/lookup", lookupHandler(s.Leaky))
		return s.GetLoad("/lookup"), nil
	})
}

// slowLookup stands in for a backend call that is slower than the caller's patience.
func slowLookup(key string) string {
	time.Sleep(20 * time.Millisecond)
	return "value-of-" + key
}

func lookupHandler(leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var results chan string
		if leaky {
			results = make(chan string) // want "goroutine-chan-blocked"
		} else {
			results = make(chan string, 1)
		}
		go func() {
			results <- slowLookup(r.URL.Query().Get("key"))
		}()
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Millisecond)
		defer cancel()
		select {
		case v := <-results:
			fmt.Fprintln(w, v)
		case <-ctx.Done():
			http.Error(w, "lookup timed out", http.StatusGatewayTimeout)
		}
	}
}
