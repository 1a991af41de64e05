package deferinloop

import (
	"os"
	"sync"
)

// startCopier runs a goroutine whose own loop defers one Close per job: the
// goroutine only returns when jobs is closed.
func startCopier(jobs <-chan string, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for name := range jobs {
			f, err := os.Create(name)
			if err != nil {
				continue
			}
			defer f.Close() // want "defer-in-loop"
			_, _ = f.WriteString("ok\n")
		}
	}()
}
