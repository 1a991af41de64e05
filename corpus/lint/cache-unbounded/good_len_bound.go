package cacheunbounded

import (
	"net/http"
	"sync"
)

const maxThumbs = 1024

type thumbCache struct {
	mu     sync.Mutex
	thumbs map[string][]byte
}

// put refuses new keys once the cache is full.
func (c *thumbCache) put(k string, v []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.thumbs) >= maxThumbs {
		return
	}
	c.thumbs[k] = v
}

type thumbServer struct{ cache *thumbCache }

func (s *thumbServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.cache.put(r.URL.Path, []byte("thumb"))
	w.WriteHeader(http.StatusOK)
}
