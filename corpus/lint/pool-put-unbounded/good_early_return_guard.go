package poolputunbounded

import "sync"

var frameBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

const maxFrame = 32 << 10

// putFrame drops oversized frames instead of pooling them, like fmt's
// printer free list.
func putFrame(bp *[]byte) {
	if cap(*bp) > maxFrame {
		return
	}
	*bp = (*bp)[:0]
	frameBufs.Put(bp)
}

func frame(payload []byte) []byte {
	bp := frameBufs.Get().(*[]byte)
	b := append((*bp)[:0], byte(len(payload)))
	b = append(b, payload...)
	out := append([]byte(nil), b...)
	*bp = b
	putFrame(bp)
	return out
}
