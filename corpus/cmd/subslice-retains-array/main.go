// subslice-retains-array: a document store accepts uploads whose first line
// is a 16-character document id, converts the body to a string to parse it,
// and records each document's metadata in a long-lived index keyed by that
// id. In leaky mode the key is the sub-string text[:16] produced by
// strings.Cut: a string header pointing into the 128 KiB string that
// string(body) allocated, so the index keeps every upload's whole text alive
// to remember 16 bytes of it. Post-GC live heap grows by ~136 KiB per upload,
// all allocated at the string(body) conversion in handleUpload. The fixed mode
// stores strings.Clone(id), a fresh 16-byte copy, and the upload becomes
// garbage when the handler returns.
package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// docSize is the size of an uploaded document.
	docSize = 128 << 10
	// uploadEvery is how many load ticks make one upload; the others look documents up.
	uploadEvery = 8
	idLen       = 16
)

// docMeta is what the index remembers about a document.
type docMeta struct {
	Size     int
	Lines    int
	CRC      uint32
	Uploaded time.Time
}

// index maps document ids to their metadata for the life of the process.
type index struct {
	mu   sync.RWMutex
	docs map[string]docMeta
}

func main() {
	svc.Run("subslice-retains-array", func(s *svc.Service) (svc.Load, error) {
		idx := &index{docs: map[string]docMeta{}}
		s.Mux.HandleFunc("POST /docs", handleUpload(idx, s.Leaky))
		s.Mux.HandleFunc("GET /docs/meta", handleMeta(idx))
		return docLoad(s), nil
	})
}

func handleUpload(idx *index, leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		text := string(body)
		id, content, ok := strings.Cut(text, "\n")
		if !ok || len(id) != idLen {
			http.Error(w, "first line must be a 16-character document id", http.StatusBadRequest)
			return
		}
		meta := docMeta{
			Size:     len(content),
			Lines:    strings.Count(content, "\n"),
			CRC:      crc32.ChecksumIEEE(body[len(id)+1:]),
			Uploaded: time.Now(),
		}
		if leaky {
			idx.put(id, meta) // want "subslice-retains-array"
		} else {
			idx.put(strings.Clone(id), meta)
		}
		fmt.Fprintf(w, "stored %s: %d bytes, %d lines\n", id, meta.Size, meta.Lines)
	}
}

// put records meta under id.
func (idx *index) put(id string, meta docMeta) {
	idx.mu.Lock()
	idx.docs[id] = meta // want "cache-unbounded" (one entry per uploaded id, never evicted)
	idx.mu.Unlock()
}

func handleMeta(idx *index) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		idx.mu.RLock()
		meta, ok := idx.docs[id]
		idx.mu.RUnlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "%s: %d bytes, %d lines, crc %08x, uploaded %s\n",
			id, meta.Size, meta.Lines, meta.CRC, meta.Uploaded.Format(time.RFC3339))
	}
}

// docLoad uploads a document every uploadEvery ticks and looks up a
// previously uploaded one on the others.
func docLoad(s *svc.Service) svc.Load {
	line := []byte("lorem ipsum dolor sit amet, consectetur adipiscing elit\n")
	content := bytes.Repeat(line, docSize/len(line)+1)[:docSize]
	var tick atomic.Uint64
	return func(ctx context.Context) error {
		n := tick.Add(1)
		if n%uploadEvery != 0 {
			uploads := n / uploadEvery
			if uploads == 0 {
				return nil
			}
			id := fmt.Sprintf("%016x", (rand.Uint64N(uploads)+1)*uploadEvery)
			return s.GetLoad("/docs/meta?id=" + id)(ctx)
		}
		header := fmt.Sprintf("%016x\n", n)
		body := io.MultiReader(strings.NewReader(header), bytes.NewReader(content))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL+"/docs", body)
		if err != nil {
			return err
		}
		req.ContentLength = int64(len(header) + len(content))
		resp, err := s.Client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
}
