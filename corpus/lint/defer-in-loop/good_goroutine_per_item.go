package deferinloop

import "sync"

// fanOut defers Done inside each goroutine's own function.
func fanOut(items []int, work func(int)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(v int) {
			defer wg.Done()
			work(v)
		}(it)
	}
	wg.Wait()
}
