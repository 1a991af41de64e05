package poolputunbounded

import (
	"bytes"
	"sync"
)

var msgBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxMsgBuf = 16 << 10

// recycle swaps an oversized buffer for a fresh one before pooling.
func recycle(b *bytes.Buffer) {
	if b.Cap() > maxMsgBuf {
		b = new(bytes.Buffer)
	}
	b.Reset()
	msgBufs.Put(b)
}

func message(parts ...string) string {
	b := msgBufs.Get().(*bytes.Buffer)
	for _, p := range parts {
		b.WriteString(p)
	}
	s := b.String()
	recycle(b)
	return s
}
