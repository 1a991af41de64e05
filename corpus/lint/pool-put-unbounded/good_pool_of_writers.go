package poolputunbounded

import (
	"bufio"
	"compress/gzip"
	"io"
	"sync"
)

var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}

var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(io.Discard, 8192) }}

// compressTo pools gzip and bufio writers, whose buffers have a fixed size.
func compressTo(dst io.Writer, data []byte) error {
	bw := bufWriters.Get().(*bufio.Writer)
	bw.Reset(dst)
	defer bufWriters.Put(bw)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(bw)
	defer gzipWriters.Put(zw)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}
