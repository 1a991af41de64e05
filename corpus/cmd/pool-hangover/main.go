// pool-hangover (healthy control): a report service renders 1–4 MiB reports
// into bytes.Buffers taken from a sync.Pool (each sized for the largest
// report) and limits concurrent renders with a semaphore. Requests arrive in
// bursts, so after every burst the pool holds one 4 MiB buffer per render slot
// and keeps them while the service idles: a GC moves the pool's contents to
// its victim cache and only the next GC frees what nobody took back. Right
// after one forced GC the live heap therefore still shows renderSlots × 4 MiB
// allocated by newReportBuffer: high, but bounded and released after two GCs
// without use. It is not a leak in either mode; --mode=leaky only makes the
// bursts wider (8 render slots instead of 4).
package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

const (
	// maxReport is the largest report and the capacity of every pooled buffer.
	maxReport = 4 << 20
	minReport = 1 << 20
	// burstEvery is how many load ticks pass between two bursts.
	burstEvery = 25
	// upload stands in for sending the finished report to object storage.
	upload = 40 * time.Millisecond
)

// reportPool recycles report buffers between requests.
var reportPool = sync.Pool{New: func() any { return newReportBuffer() }}

// newReportBuffer makes a buffer big enough for any report.
func newReportBuffer() *bytes.Buffer {
	return bytes.NewBuffer(make([]byte, 0, maxReport))
}

func main() {
	svc.Run("pool-hangover", func(s *svc.Service) (svc.Load, error) {
		slots := 4
		if s.Leaky {
			slots = 8
		}
		rs := &reportServer{slots: make(chan struct{}, slots), row: bytes.Repeat([]byte("2026-01-01,widget,42,17.50\n"), 2400)}
		s.Mux.HandleFunc("GET /report", rs.handleReport)
		return burstLoad(s, slots), nil
	})
}

type reportServer struct {
	slots chan struct{} // render semaphore
	row   []byte        // a block of CSV rows
}

func (rs *reportServer) handleReport(w http.ResponseWriter, r *http.Request) {
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size < minReport || size > maxReport {
		http.Error(w, "size must be between 1 MiB and 4 MiB", http.StatusBadRequest)
		return
	}
	rs.slots <- struct{}{}
	sum, n := rs.render(size)
	<-rs.slots
	fmt.Fprintf(w, "report of %d bytes, crc %08x\n", n, sum)
}

// render builds a report of about size bytes in a pooled buffer, "uploads"
// it and returns the buffer to the pool before giving up its render slot.
func (rs *reportServer) render(size int) (uint32, int) {
	buf := reportPool.Get().(*bytes.Buffer)
	buf.Reset()
	for buf.Len()+len(rs.row) <= size {
		buf.Write(rs.row)
	}
	sum := crc32.ChecksumIEEE(buf.Bytes())
	n := buf.Len()
	time.Sleep(upload)
	reportPool.Put(buf)
	return sum, n
}

// burstLoad fires slots concurrent report requests every burstEvery ticks.
func burstLoad(s *svc.Service, slots int) svc.Load {
	var tick atomic.Uint64
	return func(ctx context.Context) error {
		if tick.Add(1)%burstEvery != 0 {
			return nil
		}
		var wg sync.WaitGroup
		errs := make(chan error, slots)
		for range slots {
			size := minReport + rand.IntN(maxReport-minReport)
			wg.Go(func() {
				if err := s.GetLoad("/report?size=" + strconv.Itoa(size))(ctx); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		return <-errs
	}
}
