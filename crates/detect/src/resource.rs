//! Resources: file descriptors, sockets and the goroutines that serve them.
//!
//! A leaked connection or file shows as open fds that keep growing. Which
//! resource it is comes from the machinery around it: HTTP client connections
//! have `net/http.(*persistConn)` goroutines, and *where those goroutines wait*
//! tells an unclosed body (the read loop waits in `select` for the body to be
//! consumed) from a connection idling in a pool nobody will reuse (the read
//! loop waits in `IO wait` for the next response: many transports, one per
//! request).

use crate::snapshot::{Goroutine, Snapshot};

/// The fd series: from `/proc` when local, else the process's own `process_open_fds`.
pub fn fd_series(snapshots: &[Snapshot]) -> (Vec<f64>, Vec<f64>, &'static str) {
    let proc: (Vec<f64>, Vec<f64>) =
        snapshots.iter().filter_map(|s| s.proc.as_ref().map(|p| (s.at_s, p.fds as f64))).unzip();
    if proc.0.len() >= 2 {
        return (proc.0, proc.1, "/proc/PID/fd");
    }
    let metric: (Vec<f64>, Vec<f64>) = snapshots.iter().filter_map(|s| s.mem.open_fds.map(|v| (s.at_s, v))).unzip();
    (metric.0, metric.1, "process_open_fds")
}

/// How the HTTP client connections' read loops wait in the latest dump.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadLoops {
    /// Waiting for the caller to read or close the body (`select` in readLoop).
    pub awaiting_body: u64,
    /// Idle in a connection pool, waiting for the next response (`IO wait`).
    pub idle: u64,
}

/// Counts persistConn read loops by what they wait for.
pub fn read_loops(goroutines: &[Goroutine]) -> ReadLoops {
    let mut out = ReadLoops::default();
    for g in goroutines {
        if !g.stack.iter().any(|f| f.function == "net/http.(*persistConn).readLoop") {
            continue;
        }
        if g.state.starts_with("select") || g.state.starts_with("chan") {
            out.awaiting_body += g.count;
        } else if g.state.starts_with("IO wait") {
            out.idle += g.count;
        }
    }
    out
}

/// Number of goroutines in the HTTP client's connection machinery per snapshot.
pub fn persist_conn_series(snapshots: &[Snapshot]) -> (Vec<f64>, Vec<f64>) {
    snapshots
        .iter()
        .filter_map(|s| {
            s.goroutines.as_ref().map(|gs| {
                let n: u64 = gs
                    .iter()
                    .filter(|g| g.stack.iter().any(|f| f.function.starts_with("net/http.(*persistConn).")))
                    .map(|g| g.count)
                    .sum();
                (s.at_s, n as f64)
            })
        })
        .unzip()
}

/// Which HTTP rule the read loops point to.
pub fn http_rule(loops: ReadLoops) -> &'static str {
    if loops.idle > loops.awaiting_body { "client-per-request" } else { "http-body-not-closed" }
}

/// Non-Go memory per snapshot: resident memory minus what the Go runtime obtained from the OS.
pub fn non_go_series(snapshots: &[Snapshot]) -> (Vec<f64>, Vec<f64>) {
    snapshots
        .iter()
        .filter_map(|s| {
            let rss = s.proc.as_ref().map(|p| p.rss_bytes as f64).or(s.mem.rss_bytes)?;
            let sys = s.mem.sys_bytes?;
            Some((s.at_s, rss - sys))
        })
        .unzip()
}

/// Descriptors a forced GC closed over the run: unreferenced files and
/// connections that nobody closed, caught by the runtime's cleanups.
pub fn fds_reclaimed_by_gc(snapshots: &[Snapshot]) -> u64 {
    snapshots
        .iter()
        .filter_map(|s| s.proc.as_ref())
        .filter_map(|p| p.fds_after_gc.map(|after| p.fds.saturating_sub(after)))
        .sum()
}
