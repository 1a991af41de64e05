package goroutinechanblocked

import (
	"context"
	"time"
)

// The fix: a buffer of one, the send always completes.
func lookupBuffered(ctx context.Context, key string) (string, error) {
	results := make(chan string, 1)
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

// The sender itself selects on the context.
func lookupCancellable(ctx context.Context, key string) (string, error) {
	results := make(chan string)
	go func() {
		select {
		case results <- lookup(key):
		case <-ctx.Done():
		}
	}()
	select {
	case v := <-results:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// The parent always receives.
func lookupBlocking(key string) string {
	ch := make(chan string)
	go func() { ch <- lookup(key) }()
	return <-ch
}

// Every sender drained.
func allErrors(tasks []func() error) []error {
	errc := make(chan error)
	for _, t := range tasks {
		go func() { errc <- t() }()
	}
	var errs []error
	for range tasks {
		if err := <-errc; err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Closed with defer: the waiting goroutine is always released.
func withStop(work func() error) error {
	stop := make(chan struct{})
	go func() {
		<-stop
		time.Sleep(time.Millisecond)
	}()
	defer close(stop)
	return work()
}

// The channel is returned: the caller serves it.
func start(key string) <-chan string {
	ch := make(chan string)
	go func() { ch <- lookup(key) }()
	return ch
}

// Producer closes the channel the consumer ranges over.
func total(vals []int) int {
	ch := make(chan int)
	res := make(chan int)
	go func() {
		s := 0
		for v := range ch {
			s += v
		}
		res <- s
	}()
	for _, v := range vals {
		ch <- v
	}
	close(ch)
	return <-res
}

// Handed to a function that consumes it.
func drain(ch <-chan string) {
	for range ch {
	}
}

func produce(keys []string) {
	ch := make(chan string)
	go func() {
		for _, k := range keys {
			ch <- lookup(k)
		}
		close(ch)
	}()
	drain(ch)
}
