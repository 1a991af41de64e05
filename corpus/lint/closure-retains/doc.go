// Package closureretains holds labelled cases for the closure-retains rule: a
// closure that outlives its function keeps every captured variable alive, so
// a closure that needs one byte of a 10 MB buffer keeps all 10 MB.
package closureretains
