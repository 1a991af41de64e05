package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static size_t tag_len(const char *s) { return strlen(s); }
import "C"

import "unsafe"

// freeString is the package's own release helper.
func freeString(s *C.char) {
	C.free(unsafe.Pointer(s))
}

func tagLen(tag string) int {
	ct := C.CString(tag)
	defer freeString(ct)
	return int(C.tag_len(ct))
}
