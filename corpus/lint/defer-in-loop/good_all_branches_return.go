package deferinloop

import (
	"errors"
	"os"
)

var errEmpty = errors.New("empty file")

// statFirst returns on every branch after the defer, including a switch with
// a default and a panic.
func statFirst(paths []string) (int64, error) {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		defer f.Close()
		st, err := f.Stat()
		switch {
		case err != nil:
			return 0, err
		case st.Size() == 0:
			return 0, errEmpty
		case st.IsDir():
			panic("directory in file list: " + p)
		default:
			return st.Size(), nil
		}
	}
	return 0, os.ErrNotExist
}
