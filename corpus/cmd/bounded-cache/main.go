// bounded-cache (healthy control): a feed service renders each feed from
// item fragments (4–8 KiB of HTML each) and caches rendered fragments in a
// hand-written LRU (a map into a container/list) of capacity cacheSize. Every
// feed request looks up feedItems items drawn from a large catalogue, so the
// cache misses often and fills to capacity within a second; from then
// on every insert evicts the least recently used fragment. Map assignments,
// list nodes and fragments are allocated under (*lru).add all the time, but
// post-GC live heap stays flat at about cacheSize fragments in both modes.
// --mode=leaky only draws items from a bigger catalogue (more misses, more
// churn).
package main

import (
	"container/list"
	"context"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// cacheSize is the LRU's capacity in fragments.
	cacheSize = 512
	// feedItems is how many items one feed shows.
	feedItems = 12
)

func main() {
	svc.Run("bounded-cache", func(s *svc.Service) (svc.Load, error) {
		catalogue := 20_000
		if s.Leaky {
			catalogue = 200_000
		}
		c := newLRU(cacheSize)
		s.Mux.HandleFunc("GET /feed", handleFeed(c))
		return func(ctx context.Context) error {
			ids := make([]string, feedItems)
			for i := range ids {
				ids[i] = strconv.Itoa(rand.IntN(catalogue))
			}
			return s.GetLoad("/feed?items=" + strings.Join(ids, ","))(ctx)
		}, nil
	})
}

// entry is one cached fragment.
type entry struct {
	key  string
	frag []byte
}

// lru is a fixed-capacity least-recently-used cache.
type lru struct {
	mu    sync.Mutex
	cap   int
	items map[string]*list.Element
	order *list.List // front = most recently used
}

func newLRU(capacity int) *lru {
	return &lru{cap: capacity, items: make(map[string]*list.Element, capacity), order: list.New()}
}

// get returns the fragment for key and marks it recently used.
func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).frag, true
}

// add caches frag under key, evicting the least recently used fragment when full.
func (c *lru) add(key string, frag []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*entry).frag = frag
		c.order.MoveToFront(e)
		return
	}
	if c.order.Len() >= c.cap {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*entry).key)
	}
	c.items[key] = c.order.PushFront(&entry{key: key, frag: frag})
}

func handleFeed(c *lru) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ids := strings.Split(r.URL.Query().Get("items"), ",")
		if len(ids) > 100 {
			http.Error(w, "at most 100 items", http.StatusBadRequest)
			return
		}
		hits, size := 0, 0
		etag := crc32.NewIEEE()
		for _, id := range ids {
			frag, ok := c.get(id)
			if ok {
				hits++
			} else {
				frag = renderItem(id)
				c.add(id, frag)
			}
			etag.Write(frag)
			size += len(frag)
		}
		// The page itself is assembled by the edge from the fragments; the
		// origin answers with its size and ETag.
		fmt.Fprintf(w, "%d items, %d cached, %d bytes, etag %08x\n", len(ids), hits, size, etag.Sum32())
	}
}

// renderItem renders one item's HTML fragment (4–8 KiB).
func renderItem(id string) []byte {
	n, _ := strconv.Atoi(id)
	rows := 48 + n%48
	b := make([]byte, 0, 64+rows*90)
	b = append(b, `<article id="item-`...)
	b = append(b, id...)
	b = append(b, `"><h2>Item `...)
	b = append(b, id...)
	b = append(b, "</h2><ul>"...)
	for i := range rows {
		b = append(b, "<li>detail "...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, " of item "...)
		b = append(b, id...)
		b = append(b, ": lorem ipsum dolor sit amet, consectetur adipiscing</li>"...)
	}
	return append(b, "</ul></article>\n"...)
}
