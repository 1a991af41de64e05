package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static size_t label_len(const char *s) { return strlen(s); }
import "C"

import "unsafe"

// labelLen reuses the variable for a second C string and frees only that one.
func labelLen(first, second string) int {
	cs := C.CString(first) // want "cgo-not-freed"
	n := int(C.label_len(cs))
	cs = C.CString(second)
	n += int(C.label_len(cs))
	C.free(unsafe.Pointer(cs))
	return n
}
