package poolputunbounded

import (
	"bytes"
	"sync"
)

var encodeBufs = sync.Pool{
	New: func() any { return bytes.NewBuffer(make([]byte, 0, 4096)) },
}

func getEncodeBuf() *bytes.Buffer { return encodeBufs.Get().(*bytes.Buffer) }

// putEncodeBuf is the package's put helper, and it never checks the size.
func putEncodeBuf(b *bytes.Buffer) {
	b.Reset()
	encodeBufs.Put(b) // want "pool-put-unbounded"
}

func encodeAll(items [][]byte) int {
	b := getEncodeBuf()
	for _, it := range items {
		b.Write(it)
	}
	n := b.Len()
	putEncodeBuf(b)
	return n
}
