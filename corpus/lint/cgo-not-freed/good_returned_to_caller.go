package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static size_t host_len(const char *s) { return strlen(s); }
import "C"

import "unsafe"

// toC hands the C string to its caller, which frees it.
func toC(s string) *C.char {
	return C.CString(s)
}

func hostLen(h string) int {
	ch := toC(h)
	defer C.free(unsafe.Pointer(ch))
	return int(C.host_len(ch))
}
