package poolputunbounded

import (
	"bytes"
	"io"
	"sync"
)

type compressor struct {
	scratch sync.Pool
}

func newCompressor() *compressor {
	c := &compressor{}
	c.scratch.New = func() any { return new(bytes.Buffer) }
	return c
}

// copyThrough stages a whole stream in a pooled buffer.
func (c *compressor) copyThrough(dst io.Writer, src io.Reader) error {
	buf := c.scratch.Get().(*bytes.Buffer)
	buf.Reset()
	defer c.scratch.Put(buf) // want "pool-put-unbounded"
	if _, err := buf.ReadFrom(src); err != nil {
		return err
	}
	_, err := dst.Write(buf.Bytes())
	return err
}
