package subsliceretains

import (
	"os"
	"sync"
)

var (
	pagesMu sync.Mutex
	pages   = map[string][]byte{}
)

// loadPage caches the whole file on purpose: nothing is hidden behind a
// small view.
func loadPage(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	pagesMu.Lock()
	pages[path] = data
	pagesMu.Unlock()
	return nil
}

func evictPage(path string) {
	pagesMu.Lock()
	delete(pages, path)
	pagesMu.Unlock()
}
