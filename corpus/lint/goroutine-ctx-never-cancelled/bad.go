// Package goroutinectxnevercancelled holds labelled cases for the goroutine-ctx-never-cancelled rule.
package goroutinectxnevercancelled

import (
	"context"
	"errors"
	"time"
)

var errMiss = errors.New("miss")

func fetch(ctx context.Context, key string) (string, error) {
	<-ctx.Done()
	return key, ctx.Err()
}

// Cancel function thrown away.
func discard(parent context.Context) {
	ctx, _ := context.WithCancel(parent) // want "goroutine-ctx-never-cancelled"
	go fetch(ctx, "k")
}

// Not called on the early-return path.
func cached(parent context.Context, cache map[string]string, key string) (string, error) {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "goroutine-ctx-never-cancelled"
	if v, ok := cache[key]; ok {
		return v, nil
	}
	defer cancel()
	return fetch(ctx, key)
}

// Called on one branch only.
func maybe(parent context.Context, quick bool) error {
	ctx, cancel := context.WithCancel(parent) // want "goroutine-ctx-never-cancelled"
	if quick {
		cancel()
		return nil
	}
	_, err := fetch(ctx, "slow")
	return err
}

// A new context per iteration, cancelled only after the loop (only the last one).
func perItem(parent context.Context, keys []string) {
	var cancel context.CancelFunc
	for _, k := range keys {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(parent, time.Second) // want "goroutine-ctx-never-cancelled"
		go fetch(ctx, k)
	}
	if cancel != nil {
		cancel()
	}
}

// A deadline whose cancel is discarded.
func deadline(parent context.Context) (string, error) {
	ctx, _ := context.WithDeadline(parent, time.Now().Add(time.Second)) // want "goroutine-ctx-never-cancelled"
	return fetch(ctx, "d")
}

// A session owning a context; the handler closes it only on success.
type session struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func openSession(parent context.Context) *session {
	ctx, cancel := context.WithCancel(parent)
	s := &session{ctx: ctx, cancel: cancel}
	go fetch(ctx, "watch")
	return s
}

func (s *session) Close() { s.cancel() }

func handle(parent context.Context, key string) error {
	s := openSession(parent) // want "goroutine-ctx-never-cancelled"
	if key == "" {
		return errMiss
	}
	defer s.Close()
	_, err := fetch(s.ctx, key)
	return err
}

// Cause variant, cancel never used after an error.
func withCause(parent context.Context) error {
	ctx, cancel := context.WithCancelCause(parent) // want "goroutine-ctx-never-cancelled"
	if _, err := fetch(ctx, "x"); err != nil {
		return err
	}
	cancel(nil)
	return nil
}
