package poolofresources

import (
	"bufio"
	"io"
	"sync"
)

var lineReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// firstLine pools bufio readers; the stream itself is owned by the caller.
func firstLine(r io.Reader) (string, error) {
	br := lineReaders.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		lineReaders.Put(br)
	}()
	return br.ReadString('\n')
}
