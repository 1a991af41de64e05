// Package goroutinechanblocked holds labelled cases for the goroutine-chan-blocked rule.
package goroutinechanblocked

import (
	"context"
	"errors"
	"time"
)

func lookup(key string) string {
	time.Sleep(10 * time.Millisecond)
	return "v:" + key
}

// The classic: unbuffered result channel, parent gives up on timeout.
func lookupWithTimeout(ctx context.Context, key string) (string, error) {
	results := make(chan string) // want "goroutine-chan-blocked"
	go func() {
		results <- lookup(key)
	}()
	select {
	case v := <-results:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// time.After instead of a context: same abandonment.
func lookupOrDefault(key string) string {
	ch := make(chan string) // want "goroutine-chan-blocked"
	go func() { ch <- lookup(key) }()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Millisecond):
		return "default"
	}
}

var errBadKey = errors.New("bad key")

// Early return between spawning and receiving.
func validateThenWait(key string) (string, error) {
	done := make(chan string) // want "goroutine-chan-blocked"
	go func() { done <- lookup(key) }()
	if key == "" {
		return "", errBadKey
	}
	return <-done, nil
}

// A named worker receiving the channel as a parameter.
func compute(out chan<- int, n int) {
	out <- n * n
}

func squareWithDeadline(ctx context.Context, n int) (int, error) {
	out := make(chan int) // want "goroutine-chan-blocked"
	go compute(out, n)
	select {
	case v := <-out:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Many senders, the receiver returns at the first error.
func firstError(tasks []func() error) error {
	errc := make(chan error) // want "goroutine-chan-blocked"
	for _, t := range tasks {
		go func() { errc <- t() }()
	}
	for range tasks {
		if err := <-errc; err != nil {
			return err
		}
	}
	return nil
}

// A goroutine waiting for a signal the parent only sends on success.
func withCleanup(work func() error) error {
	stop := make(chan struct{})
	go func() { // want "goroutine-chan-blocked"
		<-stop
		time.Sleep(time.Millisecond)
	}()
	if err := work(); err != nil {
		return err
	}
	stop <- struct{}{}
	return nil
}

// A consumer ranging over a channel the producer never closes.
func sum(vals []int) int {
	ch := make(chan int)
	total := make(chan int, 1)
	go func() { // want "goroutine-chan-blocked"
		s := 0
		for v := range ch {
			s += v
		}
		total <- s
	}()
	for _, v := range vals {
		ch <- v
	}
	return len(vals)
}
