package subsliceretains

import (
	"bytes"
	"os"
	"sync"
)

var (
	magicMu sync.Mutex
	magics  = map[string][]byte{}
)

// firstWord returns a sub-slice of its argument.
func firstWord(b []byte) []byte {
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		return b[:i]
	}
	return b
}

// rememberMagic stores firstWord's result, which aliases the whole file.
func rememberMagic(path string) error {
	content, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	magicMu.Lock()
	magics[path] = firstWord(content) // want "subslice-retains-array"
	magicMu.Unlock()
	return nil
}

func dropMagic(path string) {
	magicMu.Lock()
	delete(magics, path)
	magicMu.Unlock()
}
