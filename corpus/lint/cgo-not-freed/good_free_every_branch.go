package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static int clear_buf(void *p, size_t n) { memset(p, 0, n); return 0; }
import "C"

// clearN frees on both branches.
func clearN(n int) bool {
	p := C.malloc(C.size_t(n))
	if C.clear_buf(p, C.size_t(n)) != 0 {
		C.free(p)
		return false
	}
	C.free(p)
	return true
}
