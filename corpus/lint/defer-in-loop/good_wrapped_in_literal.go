package deferinloop

import (
	"io"
	"os"
)

// sizeAll closes each file at the end of its own iteration: the defer belongs
// to the func literal, which returns every time round the loop.
func sizeAll(names []string) (int64, error) {
	var total int64
	for _, name := range names {
		n, err := func() (int64, error) {
			f, err := os.Open(name)
			if err != nil {
				return 0, err
			}
			defer f.Close()
			return io.Copy(io.Discard, f)
		}()
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
