// http-body-not-closed: every /price request looks its symbol up in a price
// feed served by an upstream HTTP service (a real net/http server on another
// loopback port), through one shared http.Client. lookupPrice scans the
// newline-delimited feed and returns as soon as it finds the symbol.
//
// In leaky mode lookupPrice never closes resp.Body. The rest of the feed is
// never read, so the transport never sees io.EOF and never learns the
// connection is free: its persistConn stays checked out for good. Its
// readLoop goroutine waits forever on the body (net/http.(*persistConn).readLoop
// in a select), its writeLoop goroutine waits for a request that never comes,
// and the socket (an fd, CLOSE_WAIT once the upstream times the idle side out),
// the bufio.Reader/Writer of the connection and the unread bytes stay with it.
// The next request finds no idle connection and dials a new one, so open fds
// and goroutines grow by one connection per request. The request carries no
// cancellable context and the client has no Timeout, as in most code that
// calls client.Get: either would make the transport tear the connection down.
//
// The fixed mode does what every response needs: `defer` draining the body
// and closing it, so the connection goes back to the idle pool and is reused.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

// symbols is the price feed's universe; the feed is large enough (~30 KiB)
// that a lookup near its head leaves most of it unread.
var symbols = func() []string {
	s := make([]string, 600)
	for i := range s {
		s[i] = fmt.Sprintf("SYM%03d", i)
	}
	return s
}()

// feedClient is the process-wide client for the upstream feed, shared by all
// requests as it should be.
var feedClient = &http.Client{
	Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second},
}

func main() {
	svc.Run("http-body-not-closed", func(s *svc.Service) (svc.Load, error) {
		feedURL, err := startFeedUpstream()
		if err != nil {
			return nil, err
		}
		s.Mux.HandleFunc("/price", priceHandler(feedURL, s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			sym := symbols[n.Add(1)%16]
			return s.GetLoad("/price?symbol=" + sym)(ctx)
		}, nil
	})
}

// startFeedUpstream runs the upstream price feed on its own loopback port. It
// stands in for a remote service: like most servers it closes connections
// that stay idle, which is why leaked client sockets end up in CLOSE_WAIT.
func startFeedUpstream() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		for i, sym := range symbols {
			fmt.Fprintf(&b, "%s %d.%02d %s\n", sym, 100+i, i%100, "NASDAQ     ")
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(b.Len()))
		_, _ = io.WriteString(w, b.String())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), nil
}

func priceHandler(feedURL string, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lookup := lookupPriceFixed
		if leaky {
			lookup = lookupPrice
		}
		price, err := lookup(feedURL, r.URL.Query().Get("symbol"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, price)
	}
}

var errUnknownSymbol = errors.New("unknown symbol")

// lookupPrice returns the price of symbol from the upstream feed. It returns
// from the middle of the body and never closes it: the leak.
func lookupPrice(feedURL, symbol string) (string, error) {
	resp, err := feedClient.Get(feedURL + "/feed") // want "http-body-not-closed"
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("feed: %s", resp.Status)
	}
	return scanFeed(resp.Body, symbol)
}

// lookupPriceFixed is lookupPrice with the body drained and closed on every
// path, so the connection is reused.
func lookupPriceFixed(feedURL, symbol string) (string, error) {
	resp, err := feedClient.Get(feedURL + "/feed")
	if err != nil {
		return "", err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("feed: %s", resp.Status)
	}
	return scanFeed(resp.Body, symbol)
}

// scanFeed reads "SYMBOL PRICE EXCHANGE" lines until it meets symbol.
func scanFeed(body io.Reader, symbol string) (string, error) {
	lines := bufio.NewScanner(body)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) >= 2 && fields[0] == symbol {
			return fields[1], nil
		}
	}
	if err := lines.Err(); err != nil {
		return "", err
	}
	return "", errUnknownSymbol
}
