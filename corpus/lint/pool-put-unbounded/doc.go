// Package poolputunbounded holds labelled cases for the pool-put-unbounded
// rule: a buffer that grew to fit one huge request and is put back into a
// sync.Pool keeps its capacity for every later, small request; Reset empties
// it but keeps the capacity, so only a size cap before Put bounds the pool.
package poolputunbounded
