// Package goroutinewaitgroupstuck holds labelled cases for the goroutine-waitgroup-stuck rule.
package goroutinewaitgroupstuck

import (
	"errors"
	"sync"
)

var errSkip = errors.New("skip")

func work(i int) (int, error) {
	if i%3 == 0 {
		return 0, errSkip
	}
	return i, nil
}

// Early return before the trailing Done.
func sumAll(n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range n {
		wg.Add(1)
		go func() {
			v, err := work(i)
			if err != nil {
				return // want "goroutine-waitgroup-stuck"
			}
			mu.Lock()
			total += v
			mu.Unlock()
			wg.Done()
		}()
	}
	wg.Wait()
	return total
}

// A named worker with a *sync.WaitGroup parameter.
func searchShard(i int, results chan<- int, wg *sync.WaitGroup) {
	v, err := work(i)
	if err != nil {
		return // want "goroutine-waitgroup-stuck"
	}
	results <- v
	wg.Done()
}

func search(n int) []int {
	results := make(chan int, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		go searchShard(i, results, &wg)
	}
	wg.Wait()
	close(results)
	var out []int
	for r := range results {
		out = append(out, r)
	}
	return out
}

// Add with no Done anywhere.
func fireAll(fs []func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1) // want "goroutine-waitgroup-stuck"
		go func() {
			f()
		}()
	}
	wg.Wait()
}

// Done only in one branch of a switch.
func classify(items []int) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			switch {
			case it > 0:
				wg.Done()
			case it < 0:
				wg.Done()
			}
		}() // want "goroutine-waitgroup-stuck"
	}
	wg.Wait()
}

// A continue-less loop that returns early inside the worker.
func scanAll(batches [][]int) {
	var wg sync.WaitGroup
	wg.Add(len(batches))
	for _, b := range batches {
		go func() {
			for _, v := range b {
				if v < 0 {
					return // want "goroutine-waitgroup-stuck"
				}
			}
			wg.Done()
		}()
	}
	wg.Wait()
}

// Worker with a panic-free error path that forgets Done.
func process(i int, wg *sync.WaitGroup, errs chan<- error) {
	if i < 0 {
		errs <- errSkip
		return // want "goroutine-waitgroup-stuck"
	}
	defer wg.Done()
	_, _ = work(i)
}

func runAll(n int) {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go process(i-1, &wg, errs)
	}
	wg.Wait()
}
