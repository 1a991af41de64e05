package cgonotfreed

// #include <stdlib.h>
import "C"

import "unsafe"

// cName owns a C string stored in a field and frees it in Close.
type cName struct {
	ptr *C.char
}

func newCName(s string) *cName {
	n := &cName{}
	n.ptr = C.CString(s)
	return n
}

func (n *cName) Close() {
	C.free(unsafe.Pointer(n.ptr))
	n.ptr = nil
}
