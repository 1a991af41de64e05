package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static size_t path_len(const char *s) { return strlen(s); }
import "C"

import "unsafe"

// pathLen frees its C string with a defer right after allocating it.
func pathLen(p string) int {
	cs := C.CString(p)
	defer C.free(unsafe.Pointer(cs))
	return int(C.path_len(cs))
}
