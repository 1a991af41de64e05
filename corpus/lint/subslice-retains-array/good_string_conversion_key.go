package subsliceretains

import (
	"bytes"
	"os"
	"sync"
)

var (
	namesMu sync.Mutex
	names   = map[string]bool{}
)

// indexName converts the sub-slice to a string, which copies it.
func indexName(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	end := bytes.IndexByte(data, '\n')
	if end < 0 {
		end = len(data)
	}
	namesMu.Lock()
	names[string(data[:end])] = true
	namesMu.Unlock()
	return nil
}

func resetNames() {
	namesMu.Lock()
	clear(names)
	namesMu.Unlock()
}
