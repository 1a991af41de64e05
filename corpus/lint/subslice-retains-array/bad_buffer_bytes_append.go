package subsliceretains

import (
	"bytes"
	"io"
	"sync"
)

var (
	digestsMu sync.Mutex
	digests   [][]byte
)

// keepDigest copies a stream into a bytes.Buffer and appends a slice of its
// contents to a package slice that is trimmed elsewhere.
func keepDigest(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	all := buf.Bytes()
	if len(all) < 8 {
		return nil
	}
	digestsMu.Lock()
	digests = append(digests, all[len(all)-8:]) // want "subslice-retains-array"
	if len(digests) > 100 {
		digests = digests[1:]
	}
	digestsMu.Unlock()
	return nil
}
