package poolputunbounded

import (
	"strconv"
	"sync"
)

var numBufs = sync.Pool{New: func() any { return new([]byte) }}

// formatAll appends numbers into a pooled slice without bounding it.
func formatAll(nums []int64) string {
	p := numBufs.Get().(*[]byte)
	b := (*p)[:0]
	for _, n := range nums {
		b = strconv.AppendInt(b, n, 10)
		b = append(b, ',')
	}
	s := string(b)
	*p = b
	numBufs.Put(p) // want "pool-put-unbounded"
	return s
}
