package cgonotfreed

// #include <string.h>
// static size_t name_len(const char *s) { return strlen(s); }
import "C"

// nameLen copies name to the C heap on every call and never frees it.
func nameLen(name string) int {
	cs := C.CString(name) // want "cgo-not-freed"
	return int(C.name_len(cs))
}
