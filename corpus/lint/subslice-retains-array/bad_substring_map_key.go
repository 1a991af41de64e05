package subsliceretains

import (
	"os"
	"strings"
	"sync"
)

var (
	titlesMu sync.Mutex
	titles   = map[string]string{}
)

// indexTitle keys a package map by a sub-string of the whole file.
func indexTitle(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(data)
	end := strings.IndexByte(text, '\n')
	if end < 0 {
		end = len(text)
	}
	title := text[:end]
	titlesMu.Lock()
	titles[title] = path // want "subslice-retains-array"
	titlesMu.Unlock()
	return nil
}

func forgetTitle(t string) {
	titlesMu.Lock()
	delete(titles, t)
	titlesMu.Unlock()
}
