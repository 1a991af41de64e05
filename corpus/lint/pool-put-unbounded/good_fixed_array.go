package poolputunbounded

import (
	"io"
	"sync"
)

var copyBufs = sync.Pool{New: func() any { return new([32 << 10]byte) }}

// copyFixed pools a fixed-size array: its size cannot grow.
func copyFixed(dst io.Writer, src io.Reader) (int64, error) {
	buf := copyBufs.Get().(*[32 << 10]byte)
	defer copyBufs.Put(buf)
	return io.CopyBuffer(dst, src, buf[:])
}
