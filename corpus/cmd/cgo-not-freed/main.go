// cgo-not-freed: each request to /sign renders a 32 KiB document and hands it
// to a C routine (a stand-in for a native signing/hashing library) through
// cgo. C.CString copies the Go string into memory from the C allocator
// (malloc), which the Go garbage collector neither sees nor frees. In leaky
// mode the handler never calls C.free, so every request leaves 32 KiB of
// touched, resident malloc memory behind: the process RSS grows while the Go
// heap, and every Go runtime statistic (runtime.MemStats.Sys included),
// stays flat. Heap and goroutine profiles show nothing; the only signal is
// RSS minus the memory the Go runtime accounts for.
//
// The fixed mode frees the copy when the call returns:
// `defer C.free(unsafe.Pointer(doc))`.
package main

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// digest is an FNV-1a hash over a NUL-terminated document.
static uint64_t digest(const char *doc) {
	uint64_t h = 1469598103934665603ULL;
	size_t n = strlen(doc);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)doc[i];
		h *= 1099511628211ULL;
	}
	return h;
}
*/
import "C"

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unsafe"

	"leakscope.dev/corpus/internal/svc"
)

// docSize is the size of the document each request signs.
const docSize = 32 << 10

func main() {
	svc.Run("cgo-not-freed", func(s *svc.Service) (svc.Load, error) {
		s.Mux.HandleFunc("/sign", signHandler(s.Leaky))
		return s.GetLoad("/sign?order=42"), nil
	})
}

func signHandler(leaky bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		order, err := strconv.Atoi(r.URL.Query().Get("order"))
		if err != nil {
			http.Error(w, "bad order", http.StatusBadRequest)
			return
		}
		doc := renderDocument(order)
		var sum uint64
		if leaky {
			sum = signDocument(doc)
		} else {
			sum = signDocumentFixed(doc)
		}
		fmt.Fprintf(w, "%016x\n", sum)
	}
}

// renderDocument builds the text to sign, docSize bytes long.
func renderDocument(order int) string {
	var b strings.Builder
	b.Grow(docSize)
	line := fmt.Sprintf("order=%d item=widget qty=1 price=9.99\n", order)
	for b.Len()+len(line) <= docSize {
		b.WriteString(line)
	}
	return b.String()
}

// signDocument is the leaky version: the C copy of doc is never freed.
func signDocument(doc string) uint64 {
	cdoc := C.CString(doc) // want "cgo-not-freed"
	return uint64(C.digest(cdoc))
}

// signDocumentFixed frees the C copy once the C call is done with it.
func signDocumentFixed(doc string) uint64 {
	cdoc := C.CString(doc)
	defer C.free(unsafe.Pointer(cdoc))
	return uint64(C.digest(cdoc))
}
