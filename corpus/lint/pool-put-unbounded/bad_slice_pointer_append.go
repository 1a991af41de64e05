package poolputunbounded

import "sync"

var linePool = sync.Pool{New: func() any {
	b := make([]byte, 0, 512)
	return &b
}}

// joinLines appends into a pooled slice that can grow without bound.
func joinLines(lines [][]byte, emit func([]byte)) {
	bp := linePool.Get().(*[]byte)
	b := (*bp)[:0]
	for _, l := range lines {
		b = append(b, l...)
		b = append(b, '\n')
	}
	emit(b)
	*bp = b
	linePool.Put(bp) // want "pool-put-unbounded"
}
