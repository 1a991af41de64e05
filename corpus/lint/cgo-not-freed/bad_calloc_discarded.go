package cgonotfreed

// #include <stdlib.h>
import "C"

// reserve allocates C memory and drops the pointer on the floor.
func reserve(n int) {
	_ = C.calloc(C.size_t(n), 1) // want "cgo-not-freed"
}
