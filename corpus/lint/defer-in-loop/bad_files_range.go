package deferinloop

import (
	"io"
	"os"
)

// countBytes opens every file before closing any: the deferred Close calls
// pile up until the function returns.
func countBytes(names []string) (int64, error) {
	var total int64
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		defer f.Close() // want "defer-in-loop"
		n, err := io.Copy(io.Discard, f)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
