package poolputunbounded

import (
	"io"
	"strconv"
	"sync"
)

var floatBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 24)
	return &b
}}

// writeFloat formats one number into a reset pooled slice: each use adds a
// bounded amount, so the pooled slice stays a few dozen bytes (the
// prometheus expfmt pattern).
func writeFloat(w io.Writer, f float64) (int, error) {
	bp := floatBufs.Get().(*[]byte)
	*bp = strconv.AppendFloat((*bp)[:0], f, 'g', -1, 64)
	*bp = append(*bp, '\n')
	n, err := w.Write(*bp)
	floatBufs.Put(bp)
	return n, err
}
