package goroutinectxnevercancelled

import (
	"context"
	"testing"
	"time"
)

// defer right away.
func deferred(parent context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return fetch(ctx, "a")
}

// Cancel passed to t.Cleanup.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

// Returned to the caller.
func withStop(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	return ctx, cancel
}

// Stored in a struct whose Close calls it.
type worker struct {
	cancel context.CancelFunc
}

func newWorker(parent context.Context) *worker {
	ctx, cancel := context.WithCancel(parent)
	w := &worker{}
	w.cancel = cancel
	go fetch(ctx, "w")
	return w
}

func (w *worker) Close() { w.cancel() }

// Called on every branch.
func both(parent context.Context, quick bool) error {
	ctx, cancel := context.WithCancel(parent)
	if quick {
		cancel()
		return nil
	}
	_, err := fetch(ctx, "slow")
	cancel()
	return err
}

// Cancelled in a deferred closure.
func closure(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer func() {
		cancel()
	}()
	_, err := fetch(ctx, "c")
	return err
}

// Session closed on every path.
func handleClosed(parent context.Context, key string) error {
	s := openSession(parent)
	defer s.Close()
	if key == "" {
		return errMiss
	}
	_, err := fetch(s.ctx, key)
	return err
}

// Cancelled in every iteration.
func eachItem(parent context.Context, keys []string) {
	for _, k := range keys {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		_, _ = fetch(ctx, k)
		cancel()
	}
}
