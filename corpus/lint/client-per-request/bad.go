// Package clientperrequest holds labelled cases for the client-per-request rule.
package clientperrequest

import (
	"database/sql"
	"net/http"
	"time"
)

const backend = "http://127.0.0.1:9/"

// A Transport (its own pool) per request.
func proxy(w http.ResponseWriter, r *http.Request) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 10}} // want "client-per-request"
	resp, err := client.Get(backend)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
}

// A transport value built in a handler.
func fetchHandler(w http.ResponseWriter, r *http.Request) {
	tr := &http.Transport{IdleConnTimeout: time.Minute} // want "client-per-request"
	c := &http.Client{Transport: tr, Timeout: time.Second}
	if resp, err := c.Get(backend); err == nil {
		resp.Body.Close()
	}
}

// A cloned DefaultTransport per call, in a function handlers call.
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 4
	c := &http.Client{Transport: t}
	return c
}

func callHandler(w http.ResponseWriter, r *http.Request) {
	if resp, err := newClient().Get(backend); err == nil { // want "client-per-request"
		resp.Body.Close()
	}
}

// sql.Open per request, never closed.
func usersHandler(w http.ResponseWriter, r *http.Request) {
	db, err := sql.Open("postgres", "dsn") // want "client-per-request"
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var n int
	_ = db.QueryRowContext(r.Context(), "SELECT count(*) FROM users").Scan(&n)
}

// A new transport per loop iteration.
func pollAll(urls []string) {
	for _, u := range urls {
		c := http.Client{Transport: new(http.Transport)} // want "client-per-request"
		if resp, err := c.Get(u); err == nil {
			resp.Body.Close()
		}
	}
}

// A DB opened in a loop and closed only on success.
func checkAll(dsns []string) error {
	for _, d := range dsns {
		db, err := sql.Open("postgres", d) // want "client-per-request"
		if err != nil {
			return err
		}
		if err := db.Ping(); err != nil {
			return err
		}
		db.Close()
	}
	return nil
}

// A handler method with a transport literal.
type api struct{}

func (api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var tr http.RoundTripper = &http.Transport{} // want "client-per-request"
	_ = tr
}
