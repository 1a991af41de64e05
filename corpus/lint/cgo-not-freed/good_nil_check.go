package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static void fill(void *p, size_t n) { memset(p, 1, n); }
import "C"

import "errors"

var errNoMemory = errors.New("C heap exhausted")

// fillN returns early only when malloc failed, which needs no free.
func fillN(n int) error {
	p := C.malloc(C.size_t(n))
	if p == nil {
		return errNoMemory
	}
	defer C.free(p)
	C.fill(p, C.size_t(n))
	return nil
}
