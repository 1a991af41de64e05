// Package cacheunbounded holds labelled cases for the cache-unbounded rule: a
// package-level or long-lived map or slice that request handlers write to and
// that nothing in the package ever deletes from, clears, bounds or replaces.
package cacheunbounded
