// Package svc is the scaffolding every corpus program shares: flags, an HTTP
// server with net/http/pprof, expvar and Prometheus metrics, and a steady load
// generator, so each program only has to write the code that leaks (or not).
//
// A program looks like:
//
//	func main() {
//		svc.Run("goroutine-chan-blocked", func(s *svc.Service) (svc.Load, error) {
//			s.Mux.HandleFunc("/work", handler(s.Leaky))
//			return s.GetLoad("/work"), nil
//		})
//	}
package svc

import (
	"context"
	_ "expvar" // registers /debug/vars on the default mux
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on the default mux
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Service is what a program gets to set itself up: the mux to register
// handlers on, the mode it runs in and where it can reach itself.
type Service struct {
	// Name is the program's rule id (or control name).
	Name string
	// Mux is the default mux, which already serves /debug/pprof/, /debug/vars and /metrics.
	Mux *http.ServeMux
	// Leaky is true for --mode=leaky and false for --mode=fixed.
	Leaky bool
	// Rate is the number of load ticks per second (--rate).
	Rate float64
	// BaseURL is "http://127.0.0.1:PORT" of this very server; set before the load starts.
	BaseURL string
	// Client is a well-behaved client for the load generator (it always closes bodies).
	Client *http.Client
}

// Load is one unit of work, called Rate times per second by the load generator.
type Load func(ctx context.Context) error

// GetLoad returns a Load that GETs path on this service and drains and closes
// the answer, so the generator itself never leaks.
func (s *Service) GetLoad(path string) Load {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.BaseURL+path, nil)
		if err != nil {
			return err
		}
		resp, err := s.Client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
}

// Run parses the flags, starts the server, prints "listening on ADDR" as the
// first line of stdout, runs setup and then the load until SIGINT/SIGTERM.
func Run(name string, setup func(s *Service) (Load, error)) {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	mode := flag.String("mode", "leaky", "leaky or fixed")
	rate := flag.Float64("rate", 50, "load ticks per second")
	flag.Parse()
	setProfileRates()
	log.SetPrefix(name + ": ")
	log.SetFlags(0)
	if *mode != "leaky" && *mode != "fixed" {
		log.Fatalf("--mode must be leaky or fixed, not %q", *mode)
	}
	if *rate <= 0 {
		log.Fatalf("--rate must be positive, not %v", *rate)
	}

	http.Handle("/metrics", promhttp.Handler())
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen %s: %v", *addr, err)
	}
	s := &Service{
		Name:    name,
		Mux:     http.DefaultServeMux,
		Leaky:   *mode == "leaky",
		Rate:    *rate,
		BaseURL: "http://" + ln.Addr().String(),
		Client: &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		},
	}
	load, err := setup(s)
	if err != nil {
		log.Fatalf("setup: %v", err)
	}
	srv := &http.Server{Handler: s.Mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Fatalf("serve: %v", err)
		}
	}()
	fmt.Printf("listening on %s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if load != nil {
		go generate(ctx, s.Rate, load)
	}
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
}

// generate calls load rate times per second, each call in its own goroutine
// with a deadline, so a slow tick never stalls the schedule.
func generate(ctx context.Context, rate float64, load Load) {
	interval := time.Duration(float64(time.Second) / rate)
	if interval <= 0 {
		interval = time.Microsecond
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			go func() {
				tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				if err := load(tctx); err != nil && ctx.Err() == nil {
					log.Printf("load: %v", err)
				}
			}()
		}
	}
}

// setProfileRates turns on the block and mutex profiles when the environment
// asks for it (LEAKSCOPE_CORPUS_BLOCKRATE for runtime.SetBlockProfileRate,
// LEAKSCOPE_CORPUS_MUTEXFRACTION for runtime.SetMutexProfileFraction), so
// tests can capture real block/mutex profiles without a flag every program
// would have to accept. Unset, both profiles stay off, as in Go's default.
func setProfileRates() {
	for _, p := range []struct {
		env string
		set func(int)
	}{
		{"LEAKSCOPE_CORPUS_BLOCKRATE", runtime.SetBlockProfileRate},
		{"LEAKSCOPE_CORPUS_MUTEXFRACTION", func(n int) { runtime.SetMutexProfileFraction(n) }},
	} {
		v := os.Getenv(p.env)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			log.Fatalf("%s must be a non-negative integer, not %q", p.env, v)
		}
		p.set(n)
	}
}
