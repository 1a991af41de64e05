package deferinloop

import (
	"io"
	"os"
)

// readFirstExisting defers the Close of the first file that opens and leaves
// the loop right away.
func readFirstExisting(paths []string) ([]byte, error) {
	var found *os.File
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		found = f
		break
	}
	if found == nil {
		return nil, os.ErrNotExist
	}
	return io.ReadAll(found)
}
