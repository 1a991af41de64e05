package cgonotfreed

// #include <string.h>
// static size_t msg_len(const char *s) { return strlen(s); }
import "C"

// msgLen passes a fresh C string straight to C; nothing can free it.
func msgLen(msg string) int {
	return int(C.msg_len(C.CString(msg))) // want "cgo-not-freed"
}
