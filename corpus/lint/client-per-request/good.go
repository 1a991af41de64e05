package clientperrequest

import (
	"database/sql"
	"net/http"
	"sync"
	"time"
)

// Shared client created once.
var shared = &http.Client{Transport: &http.Transport{MaxIdleConns: 10}}

func proxyShared(w http.ResponseWriter, r *http.Request) {
	resp, err := shared.Get(backend)
	if err != nil {
		return
	}
	resp.Body.Close()
}

// A Client without its own Transport shares http.DefaultTransport: no pool per request.
func timeoutHandler(w http.ResponseWriter, r *http.Request) {
	c := &http.Client{Timeout: 2 * time.Second}
	if resp, err := c.Get(backend); err == nil {
		resp.Body.Close()
	}
}

// Keep-alives disabled: nothing idles.
func oneShot(w http.ResponseWriter, r *http.Request) {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := c.Get(backend); err == nil {
		resp.Body.Close()
	}
}

// Idle connections closed before returning.
func closedIdle(w http.ResponseWriter, r *http.Request) {
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	if resp, err := c.Get(backend); err == nil {
		resp.Body.Close()
	}
}

// Lazily initialised once into a field.
type svc struct {
	once   sync.Once
	client *http.Client
	db     *sql.DB
}

func (s *svc) handle(w http.ResponseWriter, r *http.Request) {
	s.once.Do(func() {
		s.client = &http.Client{Transport: &http.Transport{}}
	})
	if resp, err := s.client.Get(backend); err == nil {
		resp.Body.Close()
	}
}

// sql.Open in main, shared.
func main() {
	db, err := sql.Open("postgres", "dsn")
	if err != nil {
		return
	}
	defer db.Close()
	s := &svc{db: db}
	http.HandleFunc("/", s.handle)
}

// Opened per item but always closed: wasteful, not a leak.
func pingEach(dsns []string) error {
	for _, d := range dsns {
		db, err := sql.Open("postgres", d)
		if err != nil {
			return err
		}
		err = db.Ping()
		db.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// A constructor not on a request path.
func newAPIClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
}
