package poolofresources

import (
	"bytes"
	"sync"
)

var scratch = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// greet pools plain memory, which the GC may drop freely.
func greet(name string) string {
	b := scratch.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString("hello ")
	b.WriteString(name)
	s := b.String()
	if b.Cap() <= 4096 {
		scratch.Put(b)
	}
	return s
}
