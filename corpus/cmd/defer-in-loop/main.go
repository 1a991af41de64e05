// defer-in-loop: requests to /ingest queue a record for a single background
// worker that runs for the life of the process. In leaky mode the worker takes
// a 32 KiB scratch buffer for each record and releases it with a defer inside
// its `for rec := range queue` loop. A deferred call runs when the surrounding
// function returns, not at the end of the iteration, and this function never
// returns: every iteration pushes one more defer record onto the goroutine's
// defer chain (heap-allocated by runtime.deferproc, since a defer in a loop
// cannot be open-coded), together with the closure that captures the buffer.
// The chain is reachable from the goroutine, so the GC keeps every buffer alive
// and the live heap grows by ~32 KiB per record. The free list also stays
// empty, so each record allocates a fresh buffer.
//
// The fixed mode moves the loop body into its own function, so the defer runs
// at the end of every record and the buffer goes back to the free list.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"sync/atomic"

	"leakscope.dev/corpus/internal/svc"
)

const scratchSize = 32 << 10

func main() {
	svc.Run("defer-in-loop", func(s *svc.Service) (svc.Load, error) {
		queue := make(chan record, 64)
		w := &worker{free: make(chan []byte, 4)}
		if s.Leaky {
			go w.run(queue)
		} else {
			go w.runFixed(queue)
		}
		s.Mux.HandleFunc("/ingest", ingestHandler(queue))
		return s.GetLoad("/ingest?n=400"), nil
	})
}

// record is one unit of work for the background worker.
type record struct {
	id   uint64
	rows int
}

// worker encodes records into a scratch buffer taken from a small free list.
type worker struct {
	free chan []byte
	done uint64
	sum  uint32
}

func ingestHandler(queue chan<- record) http.HandlerFunc {
	var next atomic.Uint64
	return func(w http.ResponseWriter, r *http.Request) {
		rows, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || rows <= 0 || rows > 1000 {
			http.Error(w, "bad n", http.StatusBadRequest)
			return
		}
		select {
		case queue <- record{id: next.Add(1), rows: rows}:
			fmt.Fprintln(w, "queued")
		case <-r.Context().Done():
		}
	}
}

func (w *worker) getBuffer() []byte {
	select {
	case b := <-w.free:
		return b
	default:
		return make([]byte, scratchSize)
	}
}

func (w *worker) putBuffer(b []byte) {
	select {
	case w.free <- b:
	default:
	}
}

// run is the leaky worker: the defer belongs to run, which never returns.
func (w *worker) run(queue <-chan record) {
	for rec := range queue {
		buf := w.getBuffer()
		defer w.putBuffer(buf) // want "defer-in-loop"
		w.encode(rec, buf)
	}
}

// runFixed gives every record its own function, so the defer runs per record.
func (w *worker) runFixed(queue <-chan record) {
	for rec := range queue {
		w.handle(rec)
	}
}

func (w *worker) handle(rec record) {
	buf := w.getBuffer()
	defer w.putBuffer(buf)
	w.encode(rec, buf)
}

// encode writes the record's rows into buf and checksums the result.
func (w *worker) encode(rec record, buf []byte) {
	n := 0
	for i := 0; i < rec.rows && n+16 <= len(buf); i++ {
		binary.LittleEndian.PutUint64(buf[n:], rec.id)
		binary.LittleEndian.PutUint64(buf[n+8:], uint64(i))
		n += 16
	}
	w.sum ^= crc32.ChecksumIEEE(buf[:n])
	w.done++
}
