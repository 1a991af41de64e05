//! What the detectors see: a condensed, format-independent view of one sample
//! of a running service. The collector fills it from whatever the service
//! exposes; every part is optional because missing endpoints degrade the
//! evidence, they never stop a run.

use serde::Serialize;

/// One stack frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Frame {
    /// Fully qualified Go function name, e.g. `main.(*Cache).Put`.
    pub function: String,
    /// Source file as recorded in the binary.
    pub file: String,
    /// Line number (0 when unknown).
    pub line: u32,
}

/// One stack of the post-GC heap profile with its in-use values.
#[derive(Clone, Debug)]
pub struct HeapSample {
    /// Frames, leaf (the allocator) first.
    pub stack: Vec<Frame>,
    /// `inuse_space` in bytes (already scaled as `go tool pprof` scales it).
    pub inuse_bytes: f64,
    /// `inuse_objects`.
    pub inuse_objects: f64,
}

/// One goroutine (from a `debug=2` dump) or one group of identical goroutines
/// (from `debug=1`/proto, where `id` is `None` and `count` > 1).
#[derive(Clone, Debug)]
pub struct Goroutine {
    /// Goroutine id, when the source has ids.
    pub id: Option<u64>,
    /// How many goroutines this entry stands for.
    pub count: u64,
    /// Wait reason or state: `chan receive`, `select`, `IO wait`, `running`, …
    pub state: String,
    /// Minutes blocked as printed by the runtime (0 when under a minute or unknown).
    pub wait_minutes: u64,
    /// Frames, leaf first.
    pub stack: Vec<Frame>,
    /// The `go` statement's frame (`created by …`), when known.
    pub created_by: Option<Frame>,
}

/// `/proc` figures of a local process, read *before* the forced GC of a tick.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProcStats {
    /// Open file descriptors.
    pub fds: u64,
    /// Of those, sockets.
    pub socket_fds: u64,
    /// Of those, regular files.
    pub file_fds: u64,
    /// Open fds right after the forced GC (cleanups of unreferenced files close fds).
    pub fds_after_gc: Option<u64>,
    /// TCP sockets of the process in ESTABLISHED.
    pub established: u64,
    /// TCP sockets of the process in CLOSE_WAIT (peer closed, we did not).
    pub close_wait: u64,
    /// Resident set size in bytes.
    pub rss_bytes: u64,
}

/// Go runtime memory figures (from `/metrics`, `/debug/vars` or the heap profile's MemStats).
#[derive(Clone, Debug, Default, Serialize)]
pub struct RuntimeMem {
    /// Total bytes the Go runtime obtained from the OS (`MemStats.Sys`).
    pub sys_bytes: Option<f64>,
    /// Heap memory returned to the OS (`MemStats.HeapReleased`): counted in Sys, not resident.
    pub heap_released_bytes: Option<f64>,
    /// Resident set size as the process reports it (`process_resident_memory_bytes`).
    pub rss_bytes: Option<f64>,
    /// Open fds as the process reports it (`process_open_fds`).
    pub open_fds: Option<f64>,
    /// Goroutine count as the process reports it.
    pub goroutines: Option<f64>,
}

/// One sample of the service.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Seconds since the first snapshot.
    pub at_s: f64,
    /// Post-GC heap profile (`/debug/pprof/heap?gc=1`).
    pub heap: Option<Vec<HeapSample>>,
    /// Goroutines; `None` when no goroutine endpoint answered.
    pub goroutines: Option<Vec<Goroutine>>,
    /// Goroutine ids reported leaked by the runtime's `goroutineleak` profile.
    pub leaked_ids: Option<Vec<u64>>,
    /// `/proc` figures for a local process.
    pub proc: Option<ProcStats>,
    /// Runtime memory figures.
    pub mem: RuntimeMem,
}

/// Result of the end-of-run hangover probe: two forced GCs back to back.
#[derive(Clone, Debug, Default)]
pub struct HangoverProbe {
    /// Post-GC heap after the first forced GC.
    pub first: Vec<HeapSample>,
    /// Post-GC heap after the second forced GC (sync.Pool's victim cache is gone).
    pub second: Vec<HeapSample>,
}

/// Everything known about the target besides the samples.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// Go version of the service, e.g. `go1.26.8`, when it could be read.
    pub go_version: Option<String>,
    /// Extra function-name prefixes to treat as library code.
    pub vendor_prefixes: Vec<String>,
}
