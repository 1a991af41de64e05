// goroutine-select-forever: every upload request starts an event pump, a
// background goroutine that loops over a select receiving progress and
// warning events from the handler and folding them into the service's totals.
// In leaky mode the loop has no exit case and the handler never closes the
// channels, so when the request is over the pump stays parked in its select
// (wait reason "select") forever: one goroutine per request. The fixed mode
// gives the loop a `case <-ctx.Done(): return` on the request's context, which
// net/http cancels when the handler returns.
package main

import (
	"context"
	"expvar"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"

	"leakscope.dev/corpus/internal/svc"
)

// Totals the pumps fold events into, served on /debug/vars.
var (
	uploadedBytes  = expvar.NewInt("uploaded_bytes")
	uploadWarnings = expvar.NewInt("upload_warnings")
)

func main() {
	svc.Run("goroutine-select-forever", func(s *svc.Service) (svc.Load, error) {
		s.Mux.HandleFunc("/upload", uploadHandler(s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			return s.GetLoad("/upload?chunks=" + strconv.FormatUint(4+n.Add(1)%5, 10))(ctx)
		}, nil
	})
}

// pumpEvents folds progress and warning events into the totals. The loop has
// no way out: once the handler stops sending, it waits in select forever.
func pumpEvents(progress <-chan int, warnings <-chan string) {
	for {
		select {
		case n := <-progress:
			uploadedBytes.Add(int64(n))
		case <-warnings:
			uploadWarnings.Add(1)
		}
	}
}

// pumpEventsUntil is pumpEvents with an exit: it returns when ctx is done.
func pumpEventsUntil(ctx context.Context, progress <-chan int, warnings <-chan string) {
	for {
		select {
		case n := <-progress:
			uploadedBytes.Add(int64(n))
		case <-warnings:
			uploadWarnings.Add(1)
		case <-ctx.Done():
			return
		}
	}
}

func uploadHandler(leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		chunks, err := strconv.Atoi(r.URL.Query().Get("chunks"))
		if err != nil || chunks < 0 || chunks > 64 {
			http.Error(w, "bad chunks", http.StatusBadRequest)
			return
		}
		progress := make(chan int)
		warnings := make(chan string)
		if leaky {
			go pumpEvents(progress, warnings) // want "goroutine-select-forever"
		} else {
			go pumpEventsUntil(r.Context(), progress, warnings)
		}
		for i := range chunks {
			progress <- 4096
			if i%3 == 2 {
				warnings <- "slow chunk " + strconv.Itoa(i)
			}
		}
		fmt.Fprintf(w, "stored %d chunks\n", chunks)
	}
}
