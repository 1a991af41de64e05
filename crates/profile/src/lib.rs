//! Go's memory and goroutine evidence, parsed into one model: pprof profiles
//! (proto, legacy text), goroutine dumps (debug=1, debug=2, tracebacks) and
//! metric snapshots (Prometheus text, expvar JSON, gctrace lines).
//!
//! Pure: bytes in, model out — no files, no network, no terminal.

pub mod attribution;
