package subsliceretains

import (
	"bytes"
	"io"
)

type importer struct {
	header []byte
}

// load splits the whole input and keeps its first line in the receiver.
func (im *importer) load(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	lines := bytes.Split(data, []byte("\n"))
	im.header = lines[0] // want "subslice-retains-array"
	return nil
}
