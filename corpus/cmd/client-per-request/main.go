// client-per-request: /checkout asks an upstream fraud-scoring service (a
// real net/http server on another loopback port) to score every large order.
// The call is made correctly, the body read and closed, but in leaky mode
// scoreOrder builds a new http.Client with a new http.Transport for each call.
//
// Closing the body hands the connection back to *that* transport's idle pool,
// and nobody ever uses that transport again. A Transport's zero
// IdleConnTimeout means "keep idle connections forever", and the upstream,
// like many servers, has no idle timeout either, so the connection lives on:
// its persistConn keeps a readLoop goroutine parked in
// net/http.(*persistConn).readLoop (peeking at the idle socket) and a
// writeLoop goroutine, and those goroutines keep the persistConn, its bufio
// buffers, the socket's fd and the whole Transport reachable. Per large
// order: one more client socket (and the upstream's end of it, with its
// net/http.(*conn).serve goroutine), two more transport goroutines, a few KiB
// of heap.
//
// The fixed mode creates the client once at start-up and shares it, so its
// transport reuses the same few idle connections.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

// largeOrderCents is the amount from which an order is scored; about one
// order in five of the generated load is that large.
const largeOrderCents = 40_000

func main() {
	svc.Run("client-per-request", func(s *svc.Service) (svc.Load, error) {
		scoringURL, err := startScoringUpstream()
		if err != nil {
			return nil, err
		}
		s.Mux.HandleFunc("/checkout", checkoutHandler(scoringURL, s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			i := n.Add(1)
			cents := 1_000 + (i*7919)%50_000 // one in five ≥ largeOrderCents
			return s.GetLoad(fmt.Sprintf("/checkout?order=%d&cents=%d", i, cents))(ctx)
		}, nil
	})
}

// startScoringUpstream runs the fraud-scoring service on its own loopback
// port. Like many servers it never closes idle keep-alive connections.
func startScoringUpstream() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/score", func(w http.ResponseWriter, r *http.Request) {
		cents, _ := strconv.Atoi(r.URL.Query().Get("cents"))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(fraudScore{Score: float64(cents%997) / 997})
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

type fraudScore struct {
	Score float64 `json:"score"`
}

// newScoringClient builds a client with short timeouts for the scoring
// service. Its transport sets no IdleConnTimeout, as most hand-built ones.
func newScoringClient() *http.Client {
	return &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{
			DialContext:           (&net.Dialer{Timeout: time.Second}).DialContext,
			ResponseHeaderTimeout: time.Second,
			MaxIdleConnsPerHost:   8,
		},
	}
}

func checkoutHandler(scoringURL string, leaky bool) http.HandlerFunc {
	var shared *http.Client
	if !leaky {
		shared = newScoringClient()
	}
	return func(w http.ResponseWriter, r *http.Request) {
		cents, err := strconv.Atoi(r.URL.Query().Get("cents"))
		if err != nil {
			http.Error(w, "bad amount", http.StatusBadRequest)
			return
		}
		if cents >= largeOrderCents {
			var score float64
			if leaky {
				score, err = scoreOrder(r.Context(), scoringURL, cents)
			} else {
				score, err = scoreOrderShared(r.Context(), shared, scoringURL, cents)
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			if score > 0.98 {
				http.Error(w, "order held for review", http.StatusConflict)
				return
			}
		}
		fmt.Fprintf(w, "order %s accepted\n", r.URL.Query().Get("order"))
	}
}

// scoreOrder asks the scoring service about one order through a client
// made for this call alone: the leak.
func scoreOrder(ctx context.Context, scoringURL string, cents int) (float64, error) {
	client := newScoringClient() // want "client-per-request"
	return fetchScore(ctx, client, scoringURL, cents)
}

// scoreOrderShared is scoreOrder with the process-wide client.
func scoreOrderShared(ctx context.Context, client *http.Client, scoringURL string, cents int) (float64, error) {
	return fetchScore(ctx, client, scoringURL, cents)
}

// fetchScore makes the call by the book: the body is read to the end and closed.
func fetchScore(ctx context.Context, client *http.Client, scoringURL string, cents int) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		scoringURL+"/score?cents="+url.QueryEscape(strconv.Itoa(cents)), nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return 0, fmt.Errorf("scoring: %s", resp.Status)
	}
	var s fraudScore
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return s.Score, nil
}
