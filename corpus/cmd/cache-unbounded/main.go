// cache-unbounded: a product-page service caches rendered pages in a
// package-level map keyed by the request URI. The clients (like real
// browsers behind ad campaigns) add a per-request tracking parameter, so
// every key is new: the cache never hits and, in leaky mode, never evicts.
// The map is a GC root, so every rendered page (~20 KiB, allocated by
// renderPage) stays reachable; post-GC live heap grows by one page per
// request, under runtime.mapassign_faststr / bytes.growSlice called from
// handleProduct. The fixed mode gives entries a time to live: insertion order
// is expiry order, so a FIFO of keys lets every insert evict what has expired
// and the cache holds at most rate×ttl pages.
package main

import (
	"bytes"
	"container/list"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

// pageTTL is how long the fixed mode keeps a rendered page.
const pageTTL = 2 * time.Second

type cachedPage struct {
	body    []byte
	expires time.Time
}

var (
	cacheMu sync.Mutex
	// pageCache maps a request URI to its rendered page.
	pageCache = map[string]cachedPage{}
	// expiry lists the keys of pageCache in insertion (= expiry) order; fixed mode only.
	expiry = list.New()
)

func main() {
	svc.Run("cache-unbounded", func(s *svc.Service) (svc.Load, error) {
		s.Mux.HandleFunc("GET /product", handleProduct(s.Leaky))
		var n atomic.Uint64
		return func(ctx context.Context) error {
			i := n.Add(1)
			path := "/product?id=" + strconv.FormatUint(i%500, 10) + "&utm_source=newsletter&rid=" + strconv.FormatUint(i, 36)
			return s.GetLoad(path)(ctx)
		}, nil
	})
}

func handleProduct(leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.RequestURI()
		now := time.Now()
		if page, ok := lookup(key, now); ok {
			w.Write(page)
			return
		}
		page := renderPage(r.URL.Query().Get("id"))
		if leaky {
			storePage(key, page)
		} else {
			storePageTTL(key, page, now)
		}
		w.Write(page)
	}
}

func lookup(key string, now time.Time) ([]byte, bool) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	p, ok := pageCache[key]
	if !ok || now.After(p.expires) {
		return nil, false
	}
	return p.body, true
}

// storePage caches page under key; nothing ever removes it.
func storePage(key string, page []byte) {
	cacheMu.Lock()
	pageCache[key] = cachedPage{body: page, expires: time.Now().Add(pageTTL)} // want "cache-unbounded"
	cacheMu.Unlock()
}

// storePageTTL caches page under key and evicts every entry that has expired.
func storePageTTL(key string, page []byte, now time.Time) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	for e := expiry.Front(); e != nil; e = expiry.Front() {
		k := e.Value.(string)
		if p, ok := pageCache[k]; ok && now.Before(p.expires) {
			break
		}
		delete(pageCache, k)
		expiry.Remove(e)
	}
	if _, ok := pageCache[key]; !ok {
		expiry.PushBack(key)
	}
	pageCache[key] = cachedPage{body: page, expires: now.Add(pageTTL)}
}

// renderPage builds the product page (~20 KiB of HTML).
func renderPage(id string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<html><head><title>Product %s</title></head><body><h1>Product %s</h1><table>\n", id, id)
	for i := range 160 {
		fmt.Fprintf(&b, "<tr><td>variant %d of product %s</td><td>in stock</td><td>%d.%02d EUR</td></tr>\n", i, id, 10+i, i%100)
	}
	b.WriteString("</table></body></html>\n")
	return b.Bytes()
}
