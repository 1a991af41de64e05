package cgonotfreed

// #include <stdlib.h>
// static void sum_chunk2(void *p, size_t n) { (void)p; (void)n; }
import "C"

// feedFreed frees each chunk at the end of its iteration.
func feedFreed(chunks [][]byte) {
	for _, c := range chunks {
		p := C.CBytes(c)
		C.sum_chunk2(p, C.size_t(len(c)))
		C.free(p)
	}
}
