// sql-rows-not-closed: every /orders/latest request asks a real SQLite
// database (modernc.org/sqlite, a file in a temp dir, through database/sql)
// for a customer's orders, newest first, and keeps the first row.
//
// In leaky mode latestOrder returns as soon as it has scanned that row and
// never calls rows.Close. Rows that are neither exhausted nor closed keep
// their driver connection checked out of the database/sql pool: the
// *sql.driverConn stays referenced by the DB's dependency table, with its
// SQLite handle, its prepared statement and the open file descriptor on the
// database file. The query runs without a cancellable context (db.Query, as in
// most older code), so nothing ever closes the rows for it: with a request
// context database/sql would close them when the context is cancelled. The
// pool has no MaxOpenConns (the default), so the next query opens a new
// connection: one more open fd (plus SQLite's page cache and schema, outside
// the Go heap) for good, each time the handler's small read-through cache
// misses (one customer's entry expires every hundred milliseconds or so).
//
// The fixed mode closes the rows with `defer rows.Close()`, which hands the
// connection back to the pool's idle list for the next query.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"leakscope.dev/corpus/internal/svc"
)

const (
	customers = 20
	// cacheTTL bounds how often one customer's latest order is read from the
	// database: about customers/cacheTTL queries a second. Each entry lives
	// cacheTTL ± 50 %, so that expiries spread out instead of stampeding.
	cacheTTL = 2 * time.Second
)

func main() {
	svc.Run("sql-rows-not-closed", func(s *svc.Service) (svc.Load, error) {
		db, err := openOrdersDB()
		if err != nil {
			return nil, err
		}
		s.Mux.HandleFunc("/orders/latest", latestOrderHandler(db, s.Leaky))
		return func(ctx context.Context) error {
			c := rand.IntN(customers)
			return s.GetLoad("/orders/latest?customer=" + strconv.Itoa(c))(ctx)
		}, nil
	})
}

// openOrdersDB creates the orders database in a fresh temp dir and fills it.
func openOrdersDB() (*sql.DB, error) {
	removeStaleDirs()
	dir, err := os.MkdirTemp("", fmt.Sprintf("orders-%d-", os.Getpid()))
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "orders.db"))
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE TABLE orders (
		id INTEGER PRIMARY KEY, customer INTEGER NOT NULL, total_cents INTEGER NOT NULL, created INTEGER NOT NULL)`); err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE INDEX orders_by_customer ON orders (customer, created)`); err != nil {
		return nil, err
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	for i := range customers * 100 {
		if _, err := tx.Exec(`INSERT INTO orders (customer, total_cents, created) VALUES (?, ?, ?)`,
			i%customers, 100+(i*37)%9000, 1_700_000_000+i*60); err != nil {
			_ = tx.Rollback()
			return nil, err
		}
	}
	return db, tx.Commit()
}

// removeStaleDirs deletes the databases of earlier runs that were killed
// before they could clean up (their pid no longer exists).
func removeStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "orders-*-*"))
	for _, d := range dirs {
		pid, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(d), "orders-"), "-")
		if !ok {
			continue
		}
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		if _, err := os.Stat("/proc/" + pid); errors.Is(err, os.ErrNotExist) {
			if err := os.RemoveAll(d); err != nil {
				log.Printf("removing stale %s: %v", d, err)
			}
		}
	}
}

type order struct {
	id, totalCents, created int64
}

// orderCache is a read-through cache of each customer's latest order. It
// holds at most one entry per customer.
type orderCache struct {
	mu      sync.Mutex
	entries map[int]cachedOrder
}

type cachedOrder struct {
	order
	expires time.Time
}

func (c *orderCache) get(customer int, load func() (order, error)) (order, error) {
	c.mu.Lock()
	e, ok := c.entries[customer]
	c.mu.Unlock()
	if ok && time.Now().Before(e.expires) {
		return e.order, nil
	}
	o, err := load()
	if err != nil {
		return order{}, err
	}
	c.mu.Lock()
	c.entries[customer] = cachedOrder{order: o, expires: time.Now().Add(cacheTTL/2 + rand.N(cacheTTL))}
	c.mu.Unlock()
	return o, nil
}

func latestOrderHandler(db *sql.DB, leaky bool) http.HandlerFunc {
	cache := &orderCache{entries: make(map[int]cachedOrder)}
	return func(w http.ResponseWriter, r *http.Request) {
		latest := latestOrderFixed
		if leaky {
			latest = latestOrder
		}
		customer, err := strconv.Atoi(r.URL.Query().Get("customer"))
		if err != nil || customer < 0 || customer >= customers {
			http.Error(w, "bad customer", http.StatusBadRequest)
			return
		}
		o, err := cache.get(customer, func() (order, error) { return latest(db, customer) })
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "order %d: %d.%02d at %d\n", o.id, o.totalCents/100, o.totalCents%100, o.created)
	}
}

var errNoOrders = errors.New("no orders")

// latestOrder returns the customer's newest order. It returns from inside
// the rows loop without closing the rows: the leak.
func latestOrder(db *sql.DB, customer int) (order, error) {
	rows, err := db.Query(`SELECT id, total_cents, created FROM orders WHERE customer = ? ORDER BY created DESC`, customer) // want "sql-rows-not-closed"
	if err != nil {
		return order{}, err
	}
	for rows.Next() {
		var o order
		if err := rows.Scan(&o.id, &o.totalCents, &o.created); err != nil {
			return order{}, err
		}
		return o, nil
	}
	if err := rows.Err(); err != nil {
		return order{}, err
	}
	return order{}, errNoOrders
}

// latestOrderFixed is latestOrder with the rows closed on every path.
func latestOrderFixed(db *sql.DB, customer int) (order, error) {
	rows, err := db.Query(`SELECT id, total_cents, created FROM orders WHERE customer = ? ORDER BY created DESC`, customer)
	if err != nil {
		return order{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var o order
		if err := rows.Scan(&o.id, &o.totalCents, &o.created); err != nil {
			return order{}, err
		}
		return o, nil
	}
	if err := rows.Err(); err != nil {
		return order{}, err
	}
	return order{}, errNoOrders
}
