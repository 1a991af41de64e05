package poolputunbounded

import (
	"bytes"
	"sync"
)

var rowBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxRowBuf = 8 << 10

// poolable is the package's own size check.
func poolable(b *bytes.Buffer) bool {
	return b.Cap() <= maxRowBuf
}

func renderRow(cells []string) string {
	b := rowBufs.Get().(*bytes.Buffer)
	b.Reset()
	for _, c := range cells {
		b.WriteString(c)
		b.WriteByte('\t')
	}
	s := b.String()
	if poolable(b) {
		rowBufs.Put(b)
	}
	return s
}
