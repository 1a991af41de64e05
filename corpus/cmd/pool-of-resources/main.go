// pool-of-resources: /stock looks SKUs up in an upstream inventory service that
// speaks a line protocol over TCP (a real server on another loopback port),
// one connection per SKU in flight, fanned out in parallel. Connections are
// kept for reuse between requests; most requests ask for a few SKUs, a
// warehouse view now and then for many.
//
// In leaky mode the reusable connections live in a sync.Pool. A sync.Pool is
// a cache of garbage-collectable memory: at every GC it moves its contents to
// a victim cache and drops the previous victims, without calling anything on
// them. A dropped inventory connection is not garbage, though: its reader
// goroutine (started by dialInventory, parked in net.(*conn).Read via
// bufio.Scanner) still references it, so neither the connection nor the
// runtime cleanup that closes unreachable sockets ever goes away. After every
// burst the extra connections are dropped two GCs later and stay open for
// good: open fds (both ends, the upstream's end with its own goroutine), the
// reader goroutines and their buffers grow with each burst, as fast as the
// service allocates (GC frequency) and as bursty as its load is.
//
// The fixed mode keeps idle connections in a bounded channel-based pool and
// closes what it cannot keep (closing ends the reader goroutine too).
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// warehouseEvery is how many requests apart the load asks for a full
	// warehouse view (warehouseSKUs at once) instead of a cart's few SKUs.
	warehouseEvery = 50
	warehouseSKUs  = 16
	// idleConns is how many idle connections the fixed pool keeps.
	idleConns = 8
)

func main() {
	svc.Run("pool-of-resources", func(s *svc.Service) (svc.Load, error) {
		addr, err := startInventoryUpstream()
		if err != nil {
			return nil, err
		}
		var conns connPool = &syncConnPool{addr: addr}
		if !s.Leaky {
			conns = &boundedConnPool{addr: addr, idle: make(chan *inventoryConn, idleConns)}
		}
		s.Mux.HandleFunc("/stock", stockHandler(conns))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			i := n.Add(1)
			k := 1 + int(i%3)
			if i%warehouseEvery == 0 {
				k = warehouseSKUs
			}
			skus := make([]string, k)
			for j := range skus {
				skus[j] = fmt.Sprintf("SKU-%d", (int(i)+j*13)%1000)
			}
			return s.GetLoad("/stock?skus=" + strings.Join(skus, ","))(ctx)
		}, nil
	})
}

// startInventoryUpstream runs the inventory service: per line "GET SKU" it
// answers "SKU QTY". Like many such services it keeps a connection for as
// long as the client does.
func startInventoryUpstream() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				log.Printf("inventory accept: %v", err)
				return
			}
			go serveInventory(c)
		}
	}()
	return ln.Addr().String(), nil
}

func serveInventory(c net.Conn) {
	defer c.Close()
	lines := bufio.NewScanner(c)
	w := bufio.NewWriter(c)
	for lines.Scan() {
		sku, ok := strings.CutPrefix(lines.Text(), "GET ")
		if !ok {
			return
		}
		qty := 0
		for _, b := range []byte(sku) {
			qty = (qty*31 + int(b)) % 500
		}
		fmt.Fprintf(w, "%s %d\n", sku, qty)
		if err := w.Flush(); err != nil {
			return
		}
	}
}

// inventoryConn is one connection to the inventory service with the
// goroutine that reads its replies.
type inventoryConn struct {
	c       net.Conn
	replies chan string
}

var errConnClosed = errors.New("inventory connection closed")

// dialInventory connects and starts the connection's reader goroutine.
func dialInventory(addr string) (*inventoryConn, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return nil, err
	}
	ic := &inventoryConn{c: c, replies: make(chan string, 1)}
	go ic.readReplies()
	return ic, nil
}

// readReplies forwards each reply line until the connection is closed.
func (ic *inventoryConn) readReplies() {
	defer close(ic.replies)
	lines := bufio.NewScanner(ic.c)
	for lines.Scan() {
		ic.replies <- lines.Text()
	}
}

func (ic *inventoryConn) quantity(sku string) (int, error) {
	if _, err := fmt.Fprintf(ic.c, "GET %s\n", sku); err != nil {
		return 0, err
	}
	timeout := time.NewTimer(time.Second)
	defer timeout.Stop()
	select {
	case line, ok := <-ic.replies:
		if !ok {
			return 0, errConnClosed
		}
		_, qty, _ := strings.Cut(line, " ")
		return strconv.Atoi(qty)
	case <-timeout.C:
		return 0, fmt.Errorf("inventory: no reply for %s", sku)
	}
}

func (ic *inventoryConn) Close() error { return ic.c.Close() }

// connPool hands out inventory connections and takes them back.
type connPool interface {
	get() (*inventoryConn, error)
	put(*inventoryConn)
}

// syncConnPool keeps idle connections in a sync.Pool: the leak, since the
// pool drops them at GC without closing them.
type syncConnPool struct {
	addr string
	pool sync.Pool
}

func (p *syncConnPool) get() (*inventoryConn, error) {
	if ic, ok := p.pool.Get().(*inventoryConn); ok {
		return ic, nil
	}
	return dialInventory(p.addr)
}

func (p *syncConnPool) put(ic *inventoryConn) { p.pool.Put(ic) } // want "pool-of-resources"

// boundedConnPool keeps at most cap(idle) idle connections and closes the rest.
type boundedConnPool struct {
	addr string
	idle chan *inventoryConn
}

func (p *boundedConnPool) get() (*inventoryConn, error) {
	select {
	case ic := <-p.idle:
		return ic, nil
	default:
		return dialInventory(p.addr)
	}
}

func (p *boundedConnPool) put(ic *inventoryConn) {
	select {
	case p.idle <- ic:
	default:
		_ = ic.Close()
	}
}

// reportSize is what a stock report buffer is sized for up front (the
// largest warehouse view), so rendering never regrows it.
const reportSize = 256 << 10

func stockHandler(conns connPool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		skus := strings.Split(r.URL.Query().Get("skus"), ",")
		qty := make([]int, len(skus))
		errs := make([]error, len(skus))
		var wg sync.WaitGroup
		for i, sku := range skus {
			wg.Go(func() { qty[i], errs[i] = lookupQuantity(conns, sku) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		report := bytes.NewBuffer(make([]byte, 0, reportSize))
		for i, sku := range skus {
			fmt.Fprintf(report, "%s\t%d\n", sku, qty[i])
		}
		_, _ = report.WriteTo(w)
	}
}

// lookupQuantity asks the inventory service about one SKU on a pooled
// connection and gives the connection back.
func lookupQuantity(conns connPool, sku string) (int, error) {
	ic, err := conns.get()
	if err != nil {
		return 0, err
	}
	q, err := ic.quantity(sku)
	if err != nil {
		_ = ic.Close()
		return 0, err
	}
	conns.put(ic)
	return q, nil
}
