// ticker-not-stopped: a job runner (think of a queue consumer) gives every job
// a lease-renewal ticker, so a job that runs longer than its lease keeps it.
// Most jobs finish in well under one period. In leaky mode runJob returns
// without calling Stop on the ticker.
//
// Since Go 1.23 an unstopped ticker that nothing references is garbage
// collected: a timer with a channel only sits in a P's timer heap while a
// goroutine is blocked on that channel. This service runs with the pre-1.23
// timer semantics, as every binary whose main module's go.mod says `go 1.22`
// or older does by default, and as services that pinned
// `godebug asynctimerchan=1` to keep 1.22's buffered timer channels when
// they upgraded (here the //go:debug line in godebug.go stands in for that
// go.mod). With asynctimerchan=1 the time package does not tell the runtime
// that the timer feeds a channel, so the runtime treats it like any other
// timer: it is put in the timer heap of the P that created it as soon as it
// starts and stays there, firing every period, until Stop removes it. The
// heap is a GC root, so each abandoned ticker (its runtime timer and its
// buffered channel, ~270 bytes) is never freed and the timer heap grows
// without bound (measured on go1.26.8: 265 B per ticker kept with
// asynctimerchan=1, 0 B with the default asynctimerchan=0 or with =2).
// The build info records it: `go version -m` shows
// `DefaultGODEBUG=asynctimerchan=1`.
//
// The other way a ticker outlives its use on Go 1.23+ is a goroutine that
// keeps it referenced, e.g. `for range t.C` without an exit path; that leaks
// the goroutine (~2.9 KB each with its stack) and is a goroutine leak first.
//
// Go 1.27 removed the asynctimerchan setting, so godebug.go is built only
// before Go 1.27; a Go 1.27 build collects the abandoned tickers and does not
// leak.
//
// The fixed mode stops the ticker when the job ends (`defer renew.Stop()`),
// which takes the timer out of the heap.
package main

import (
	"context"
	"hash/fnv"
	"log"
	"sync/atomic"
	"time"

	"leakscope.dev/corpus/internal/svc"
)

// leasePeriod is how often a running job renews its lease.
const leasePeriod = 30 * time.Second

// jobsPerTick is how many queued jobs each load tick drains.
const jobsPerTick = 32

func main() {
	svc.Run("ticker-not-stopped", func(s *svc.Service) (svc.Load, error) {
		r := &runner{leaky: s.Leaky}
		return r.drain, nil
	})
}

// runner executes jobs taken from a queue.
type runner struct {
	leaky bool
	seq   atomic.Uint64
	done  atomic.Uint64
	sum   atomic.Uint64
}

// drain runs a batch of jobs, as a consumer does after a poll of its queue.
func (r *runner) drain(ctx context.Context) error {
	for range jobsPerTick {
		id := r.seq.Add(1)
		if r.leaky {
			r.runJob(ctx, id)
		} else {
			r.runJobFixed(ctx, id)
		}
	}
	return nil
}

// runJob is the leaky version: the ticker is never stopped.
func (r *runner) runJob(ctx context.Context, id uint64) {
	renew := time.NewTicker(leasePeriod) // want "ticker-not-stopped"
	r.work(ctx, id, renew.C)
}

// runJobFixed stops the ticker when the job is over.
func (r *runner) runJobFixed(ctx context.Context, id uint64) {
	renew := time.NewTicker(leasePeriod)
	defer renew.Stop()
	r.work(ctx, id, renew.C)
}

// work does the job in steps, renewing the lease whenever the ticker fires.
func (r *runner) work(ctx context.Context, id uint64, renew <-chan time.Time) {
	h := fnv.New64a()
	var b [8]byte
	for step := range 64 {
		select {
		case <-ctx.Done():
			return
		case <-renew:
			log.Printf("job %d: lease renewed at step %d", id, step)
		default:
		}
		for i := range b {
			b[i] = byte(id >> (8 * i))
		}
		b[0] ^= byte(step)
		h.Write(b[:])
	}
	r.sum.Add(h.Sum64())
	r.done.Add(1)
}
