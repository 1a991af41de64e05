// Package poolofresources holds labelled cases for the pool-of-resources
// rule: sync.Pool drops idle items at garbage collection without calling
// Close, so pooled files and connections leak their descriptors (and the
// peer's resources) instead of being reused.
package poolofresources
