// Package cgonotfreed holds labelled cases for the cgo-not-freed rule: memory
// from C.CString, C.CBytes or C.malloc lives on the C heap, which the Go
// garbage collector never frees.
package cgonotfreed
