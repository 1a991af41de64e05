//! The few figures leak judgement needs — goroutines, live heap, fds, RSS,
//! GC cycles — read from whichever metric source a service exposes.
//!
//! client_golang's default Go collector publishes `go_goroutines` and
//! `go_memstats_*`; with runtime/metrics collection on, names are derived from
//! runtime/metrics (`/gc/heap/live:bytes` → `go_gc_heap_live_bytes`,
//! `/sched/goroutines:goroutines` → `go_sched_goroutines_goroutines`). The
//! process collector adds `process_*`. expvar publishes `runtime.MemStats`,
//! gctrace the live heap of each cycle.

use crate::expvar::Expvar;
use crate::gctrace::GcTrace;
use crate::prometheus::Exposition;

/// One metrics snapshot of a Go process, whatever its format.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuntimeFigures {
    /// Live goroutines.
    pub goroutines: Option<f64>,
    /// OS threads.
    pub threads: Option<f64>,
    /// Heap marked live by the last GC (`/gc/heap/live:bytes`, gctrace): what leaks are judged on.
    pub heap_live_bytes: Option<f64>,
    /// Heap allocated now (`HeapAlloc`): saw-tooths with GC pacing.
    pub heap_alloc_bytes: Option<f64>,
    /// Heap spans in use.
    pub heap_inuse_bytes: Option<f64>,
    /// Live heap objects.
    pub heap_objects: Option<f64>,
    /// The next GC's heap goal.
    pub heap_goal_bytes: Option<f64>,
    /// Memory obtained from the OS by the Go runtime (`Sys`).
    pub runtime_sys_bytes: Option<f64>,
    /// Completed GC cycles.
    pub gc_cycles: Option<f64>,
    /// GC cycles forced by the program.
    pub gc_forced_cycles: Option<f64>,
    /// Open file descriptors of the process.
    pub open_fds: Option<f64>,
    /// The fd limit.
    pub max_fds: Option<f64>,
    /// Resident set size.
    pub resident_bytes: Option<f64>,
    /// Go version (`go_info{version}`).
    pub go_version: Option<String>,
}

impl RuntimeFigures {
    /// Figures from a Prometheus page (runtime/metrics names preferred over memstats).
    pub fn from_prometheus(page: &Exposition) -> RuntimeFigures {
        let first = |names: &[&str]| names.iter().find_map(|n| page.value(n)).filter(|v| v.is_finite());
        RuntimeFigures {
            goroutines: first(&["go_sched_goroutines_goroutines", "go_goroutines"]),
            threads: first(&["go_threads", "go_sched_threads_total_threads"]),
            heap_live_bytes: first(&["go_gc_heap_live_bytes"]),
            heap_alloc_bytes: first(&[
                "go_memstats_heap_alloc_bytes",
                "go_memory_classes_heap_objects_bytes",
            ]),
            heap_inuse_bytes: first(&["go_memstats_heap_inuse_bytes"]),
            heap_objects: first(&["go_gc_heap_objects_objects", "go_memstats_heap_objects"]),
            heap_goal_bytes: first(&["go_gc_heap_goal_bytes", "go_memstats_next_gc_bytes"]),
            runtime_sys_bytes: first(&["go_memstats_sys_bytes", "go_memory_classes_total_bytes"]),
            gc_cycles: first(&[
                "go_gc_cycles_total_gc_cycles_total",
                "go_gc_duration_seconds_count",
            ]),
            gc_forced_cycles: first(&["go_gc_cycles_forced_gc_cycles_total"]),
            open_fds: first(&["process_open_fds"]),
            max_fds: first(&["process_max_fds"]),
            resident_bytes: first(&["process_resident_memory_bytes"]),
            go_version: page
                .samples
                .iter()
                .find(|s| s.name == "go_info")
                .and_then(|s| s.label("version"))
                .map(str::to_string),
        }
    }

    /// Figures from a `/debug/vars` page (`runtime.MemStats` only: no goroutines or fds).
    pub fn from_expvar(page: &Expvar) -> RuntimeFigures {
        RuntimeFigures {
            heap_alloc_bytes: page.memstat("HeapAlloc"),
            heap_inuse_bytes: page.memstat("HeapInuse"),
            heap_objects: page.memstat("HeapObjects"),
            heap_goal_bytes: page.memstat("NextGC"),
            runtime_sys_bytes: page.memstat("Sys"),
            gc_cycles: page.memstat("NumGC"),
            gc_forced_cycles: page.memstat("NumForcedGC"),
            ..RuntimeFigures::default()
        }
    }

    /// Figures after the last cycle of a gctrace.
    pub fn from_gctrace(trace: &GcTrace) -> RuntimeFigures {
        let last = trace.cycles.last();
        let mib = |v: u64| v as f64 * f64::from(1u32 << 20);
        RuntimeFigures {
            heap_live_bytes: last.map(|c| mib(c.live_mb)),
            heap_goal_bytes: last.map(|c| mib(c.goal_mb)),
            gc_cycles: last.map(|c| c.number as f64),
            gc_forced_cycles: Some(trace.cycles.iter().filter(|c| c.forced).count() as f64),
            ..RuntimeFigures::default()
        }
    }

    /// `(name, value)` of every figure present, for renderers.
    pub fn present(&self) -> Vec<(&'static str, f64)> {
        [
            ("goroutines", self.goroutines),
            ("threads", self.threads),
            ("heap_live_bytes", self.heap_live_bytes),
            ("heap_alloc_bytes", self.heap_alloc_bytes),
            ("heap_inuse_bytes", self.heap_inuse_bytes),
            ("heap_objects", self.heap_objects),
            ("heap_goal_bytes", self.heap_goal_bytes),
            ("runtime_sys_bytes", self.runtime_sys_bytes),
            ("gc_cycles", self.gc_cycles),
            ("gc_forced_cycles", self.gc_forced_cycles),
            ("open_fds", self.open_fds),
            ("max_fds", self.max_fds),
            ("resident_bytes", self.resident_bytes),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
    }
}

/// A metrics input of any of the three formats.
#[derive(Clone, Debug, PartialEq)]
pub enum Metrics {
    /// A Prometheus text page (`/metrics`).
    Prometheus(Exposition),
    /// An expvar page (`/debug/vars`).
    Expvar(Expvar),
    /// `GODEBUG=gctrace=1` output.
    GcTrace(GcTrace),
}

impl Metrics {
    /// The format's name, for reports.
    pub fn format_name(&self) -> &'static str {
        match self {
            Metrics::Prometheus(_) => "prometheus",
            Metrics::Expvar(_) => "expvar",
            Metrics::GcTrace(_) => "gctrace",
        }
    }

    /// The runtime figures of this snapshot.
    pub fn figures(&self) -> RuntimeFigures {
        match self {
            Metrics::Prometheus(p) => RuntimeFigures::from_prometheus(p),
            Metrics::Expvar(e) => RuntimeFigures::from_expvar(e),
            Metrics::GcTrace(t) => RuntimeFigures::from_gctrace(t),
        }
    }
}
