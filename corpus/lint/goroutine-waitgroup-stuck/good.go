package goroutinewaitgroupstuck

import "sync"

// defer wg.Done() first.
func sumDeferred(n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := work(i)
			if err != nil {
				return
			}
			mu.Lock()
			total += v
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total
}

// Done on every path, explicitly.
func explicit(i int, wg *sync.WaitGroup) {
	if _, err := work(i); err != nil {
		wg.Done()
		return
	}
	wg.Done()
}

func runExplicit(n int) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go explicit(i, &wg)
	}
	wg.Wait()
}

// wg.Go cannot forget Done.
func withGo(fs []func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(f)
	}
	wg.Wait()
}

// A field group whose Done is in another method.
type pool struct {
	wg sync.WaitGroup
}

func (p *pool) start(f func()) {
	p.wg.Add(1)
	go p.run(f)
}

func (p *pool) run(f func()) {
	defer p.wg.Done()
	f()
}

func (p *pool) wait() { p.wg.Wait() }

// Done in a deferred closure that also recovers.
func safe(fs []func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer func() {
				_ = recover()
				wg.Done()
			}()
			f()
		}()
	}
	wg.Wait()
}

// Done on every switch branch (default included).
func classifyAll(items []int) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			switch {
			case it > 0:
				wg.Done()
			default:
				wg.Done()
			}
		}()
	}
	wg.Wait()
}

// A worker that panics on bad input: the process dies, nothing waits forever.
func strict(i int, wg *sync.WaitGroup) {
	if i < 0 {
		panic("negative")
	}
	wg.Done()
}

func runStrict(n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		go strict(i, &wg)
	}
	wg.Wait()
}
