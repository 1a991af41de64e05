package subsliceretains

import (
	"bytes"
	"io"
	"strings"
)

type manifest struct {
	kind    string
	version []byte
}

// parse keeps clones, not views, of the input.
func (m *manifest) parse(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	text := string(data)
	if i := strings.IndexByte(text, ':'); i > 0 {
		m.kind = strings.Clone(text[:i])
	}
	if j := bytes.IndexByte(data, '\n'); j > 0 {
		m.version = bytes.Clone(data[:j])
	}
	return nil
}
