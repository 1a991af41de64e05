package subsliceretains

import (
	"bytes"
	"io"
	"strconv"
)

// headerLength returns a sub-slice to its caller, which only parses it.
func headerLength(data []byte) []byte {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[:i]
	}
	return data
}

func declaredLength(r io.Reader) (int, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(headerLength(data)))
}

// countFields looks at sub-slices of the buffer without keeping any.
func countFields(r io.Reader) (int, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range bytes.Fields(data) {
		if len(f) > 3 {
			n++
		}
	}
	return n, nil
}
