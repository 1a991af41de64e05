// global-retains: a telemetry collector decodes each posted batch of events
// and, so that /debug/recent can show what came in, appends the decoded
// *batch to the package-level slice received. In leaky mode nothing ever
// trims it: the slice is a GC root for the life of the process, so every
// batch, its []event and every event's strings stay reachable. Post-GC live
// heap grows by one decoded batch (~20 KB, allocated by encoding/json under
// handleIngest) per request, forever. The fixed mode keeps only the last
// recentSize batches in a ring buffer and folds everything older into
// per-kind counters, so the retained data is bounded.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// recentSize is how many batches the fixed mode keeps for /debug/recent.
	recentSize = 32
	// eventsPerBatch is how many events the load puts in one batch.
	eventsPerBatch = 64
)

// event is one decoded telemetry event.
type event struct {
	TS    int64   `json:"ts"`
	Kind  string  `json:"kind"`
	Host  string  `json:"host"`
	Msg   string  `json:"msg"`
	Value float64 `json:"value"`
}

// batch is one decoded POST /ingest body.
type batch struct {
	Source   string    `json:"source"`
	Events   []event   `json:"events"`
	Received time.Time `json:"-"`
}

var (
	mu sync.Mutex
	// received is every batch ever ingested (leaky mode).
	received []*batch
	// recent is a ring of the last recentSize batches (fixed mode).
	recent [recentSize]*batch
	next   int
	// totals aggregates what the fixed mode no longer keeps.
	totals = map[string]int64{}
)

func main() {
	svc.Run("global-retains", func(s *svc.Service) (svc.Load, error) {
		s.Mux.HandleFunc("POST /ingest", handleIngest(s.Leaky))
		s.Mux.HandleFunc("GET /debug/recent", handleRecent)
		return ingestLoad(s)
	})
}

func handleIngest(leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b := new(batch)
		if err := json.NewDecoder(r.Body).Decode(b); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b.Received = time.Now()
		if leaky {
			keepBatch(b)
		} else {
			keepRecent(b)
		}
		fmt.Fprintf(w, "accepted %d events from %s\n", len(b.Events), b.Source)
	}
}

// keepBatch remembers b for /debug/recent by appending it to the global slice.
func keepBatch(b *batch) {
	mu.Lock()
	received = append(received, b) // want "cache-unbounded"
	mu.Unlock()
}

// keepRecent remembers b in the ring and counts its events.
func keepRecent(b *batch) {
	mu.Lock()
	defer mu.Unlock()
	recent[next] = b
	next = (next + 1) % recentSize
	for _, e := range b.Events {
		totals[e.Kind]++ // want "cache-unbounded" (keyed by client-sent kinds, never evicted)
	}
}

func handleRecent(w http.ResponseWriter, r *http.Request) {
	mu.Lock()
	defer mu.Unlock()
	n := 0
	if len(received) > 0 {
		n = len(received)
		last := received[len(received)-1]
		fmt.Fprintf(w, "last batch from %s with %d events\n", last.Source, len(last.Events))
	}
	for kind, c := range totals {
		fmt.Fprintf(w, "%s %d\n", kind, c)
	}
	fmt.Fprintf(w, "%d batches kept\n", n)
}

// ingestLoad posts one batch of events per tick, cycling through a few
// pre-encoded bodies (the server decodes each into fresh objects anyway).
func ingestLoad(s *svc.Service) (svc.Load, error) {
	kinds := []string{"http", "db", "cache", "queue"}
	msg := strings.Repeat("request finished without error; ", 6)
	bodies := make([][]byte, 16)
	for n := range bodies {
		b := batch{Source: "agent-" + strconv.Itoa(n), Events: make([]event, eventsPerBatch)}
		for i := range b.Events {
			b.Events[i] = event{
				TS:    time.Now().UnixNano(),
				Kind:  kinds[i%len(kinds)],
				Host:  "host-" + strconv.Itoa((n+i)%256),
				Msg:   msg + strconv.Itoa(n*eventsPerBatch+i),
				Value: float64(i) / 7,
			}
		}
		body, err := json.Marshal(&b)
		if err != nil {
			return nil, err
		}
		bodies[n] = body
	}
	var tick atomic.Uint64
	return func(ctx context.Context) error {
		body := bodies[tick.Add(1)%uint64(len(bodies))]
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL+"/ingest", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.Client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}, nil
}
