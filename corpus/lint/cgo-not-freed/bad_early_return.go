package cgonotfreed

// #include <stdlib.h>
// #include <string.h>
// static size_t key_len(const char *s) { return strlen(s); }
import "C"

import (
	"errors"
	"unsafe"
)

var errKeyTooLong = errors.New("key too long")

// keyLen frees the C string, except on the error path that returns before
// the defer is registered.
func keyLen(key string, limit int) (int, error) {
	ck := C.CString(key) // want "cgo-not-freed"
	if len(key) > limit {
		return 0, errKeyTooLong
	}
	defer C.free(unsafe.Pointer(ck))
	return int(C.key_len(ck)), nil
}
