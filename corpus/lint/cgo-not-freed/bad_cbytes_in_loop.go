package cgonotfreed

// #include <stddef.h>
// static void sum_chunk(void *p, size_t n) { (void)p; (void)n; }
import "C"

// feed copies every chunk to the C heap and leaks each copy.
func feed(chunks [][]byte) {
	for _, c := range chunks {
		p := C.CBytes(c) // want "cgo-not-freed"
		C.sum_chunk(p, C.size_t(len(c)))
	}
}
