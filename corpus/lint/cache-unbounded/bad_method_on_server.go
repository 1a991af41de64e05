package cacheunbounded

import (
	"net/http"
	"strconv"
	"sync"
)

type profile struct {
	id   int
	name string
}

type profileCache struct {
	mu   sync.Mutex
	byID map[int]profile
}

func (c *profileCache) remember(p profile) {
	c.mu.Lock()
	c.byID[p.id] = p // want "cache-unbounded"
	c.mu.Unlock()
}

type profileServer struct {
	cache *profileCache
}

func newProfileServer() *profileServer {
	return &profileServer{cache: &profileCache{byID: make(map[int]profile)}}
}

// ServeHTTP remembers every profile it has ever served.
func (s *profileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	p := profile{id: id, name: "user-" + strconv.Itoa(id)}
	s.cache.remember(p)
	_, _ = w.Write([]byte(p.name))
}
