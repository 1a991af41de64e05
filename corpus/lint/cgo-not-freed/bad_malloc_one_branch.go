package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static int zero(void *p, size_t n) { memset(p, 0, n); return 0; }
import "C"

// scratch frees its buffer only when zeroing fails.
func scratch(n int) bool {
	p := C.malloc(C.size_t(n)) // want "cgo-not-freed"
	if C.zero(p, C.size_t(n)) != 0 {
		C.free(p)
		return false
	}
	return true
}
