package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static size_t pair_len(const char *a, const char *b) { return strlen(a) + strlen(b); }
import "C"

import "unsafe"

// pairLen frees both strings in one deferred func literal.
func pairLen(a, b string) int {
	ca := C.CString(a)
	cb := C.CString(b)
	defer func() {
		C.free(unsafe.Pointer(ca))
		C.free(unsafe.Pointer(cb))
	}()
	return int(C.pair_len(ca, cb))
}
