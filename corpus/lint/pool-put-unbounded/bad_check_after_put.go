package poolputunbounded

import (
	"bytes"
	"log"
	"sync"
)

var logBufs sync.Pool

const maxLogBuf = 64 << 10

// logLine measures the buffer only after it is back in the pool.
func logLine(msg string) {
	b, _ := logBufs.Get().(*bytes.Buffer)
	if b == nil {
		b = new(bytes.Buffer)
	}
	b.Reset()
	b.WriteString(msg)
	log.Print(b.String())
	logBufs.Put(b) // want "pool-put-unbounded"
	if b.Cap() > maxLogBuf {
		log.Printf("large log buffer: %d", b.Cap())
	}
}
