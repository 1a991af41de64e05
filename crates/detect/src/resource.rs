//! Resources: file descriptors, sockets and the goroutines that serve them.
//!
//! A leaked connection or file shows as open fds that keep growing. Which
//! resource it is comes from the machinery around it: HTTP client connections
//! have `net/http.(*persistConn)` goroutines, and *where those goroutines wait*
//! tells an unclosed body (the read loop waits in `select` for the body to be
//! consumed) from a connection idling in a pool nobody will reuse (the read
//! loop waits in `IO wait` for the next response: many transports, one per
//! request).

use crate::finding::{Finding, Location, Rate, Series, Severity};
use crate::goroutine::GroupGrowth;
use crate::growth::Growth;
use crate::heap::SiteGrowth;
use crate::mechanism::Mechanism;
use crate::snapshot::{Goroutine, Snapshot};
use crate::source::Source;

/// The fd series: from `/proc` when local, else the process's own `process_open_fds`.
pub fn fd_series(snapshots: &[Snapshot]) -> (Vec<f64>, Vec<f64>, &'static str) {
    let proc: (Vec<f64>, Vec<f64>) = snapshots
        .iter()
        .filter_map(|s| s.proc.as_ref().map(|p| (s.at_s, p.fds as f64)))
        .unzip();
    if proc.0.len() >= 2 {
        return (proc.0, proc.1, "/proc/PID/fd");
    }
    let metric: (Vec<f64>, Vec<f64>) = snapshots
        .iter()
        .filter_map(|s| s.mem.open_fds.map(|v| (s.at_s, v)))
        .unzip();
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
        if !g
            .stack
            .iter()
            .any(|f| f.function == "net/http.(*persistConn).readLoop")
        {
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
                    .filter(|g| {
                        g.stack
                            .iter()
                            .any(|f| f.function.starts_with("net/http.(*persistConn)."))
                    })
                    .map(|g| g.count)
                    .sum();
                (s.at_s, n as f64)
            })
        })
        .unzip()
}

/// Which HTTP rule the read loops point to.
pub fn http_rule(loops: ReadLoops) -> &'static str {
    if loops.idle > loops.awaiting_body {
        "client-per-request"
    } else {
        "http-body-not-closed"
    }
}

/// Non-Go memory per snapshot: resident memory minus what the Go runtime holds
/// (`Sys − HeapReleased`: released heap pages are mapped but not resident, and
/// the runtime maps heap in 4 MiB steps, so plain `Sys` jumps).
pub fn non_go_series(snapshots: &[Snapshot]) -> (Vec<f64>, Vec<f64>) {
    snapshots
        .iter()
        .filter_map(|s| {
            let rss = s.proc.as_ref().map(|p| p.rss_bytes as f64).or(s.mem.rss_bytes)?;
            let sys = s.mem.sys_bytes?;
            let released = s.mem.heap_released_bytes.unwrap_or(0.0);
            Some((s.at_s, rss - (sys - released)))
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

/// Which kinds of descriptors grew over the run (from `/proc`): (sockets, regular files).
pub fn fd_kinds(snapshots: &[Snapshot]) -> (bool, bool) {
    let procs: Vec<&crate::snapshot::ProcStats> = snapshots.iter().filter_map(|s| s.proc.as_ref()).collect();
    let (Some(first), Some(last)) = (procs.first(), procs.last()) else {
        return (false, false);
    };
    (
        last.socket_fds > first.socket_fds + 2,
        last.file_fds > first.file_fds + 2,
    )
}

/// Everything that can show a resource leak, gathered by the engine.
pub struct Evidence<'a> {
    /// Open fds keep growing: (judgement, where read, t, v).
    pub fds: Option<(&'a Growth, &'static str, &'a [f64], &'a [f64])>,
    /// HTTP client connection goroutines keep growing.
    pub persist_conns: Option<&'a Growth>,
    /// How the HTTP read loops wait.
    pub loops: ReadLoops,
    /// (sockets grew, regular files grew).
    pub kinds: (bool, bool),
    /// User goroutines parked in I/O that never leave.
    pub io_groups: &'a [&'a GroupGrowth],
    /// Heap sites of resource machinery that keep growing.
    pub growing_sites: &'a [SiteGrowth],
    /// Heap sites that grow weakly (location hints).
    pub supporting: &'a [SiteGrowth],
    /// Descriptors the forced GCs closed.
    pub reclaimed: u64,
    /// TCP sockets (ESTABLISHED, CLOSE_WAIT) at the first and the last sample, from /proc.
    pub sockets: Option<((u64, u64), (u64, u64))>,
}

/// ESTABLISHED and CLOSE_WAIT sockets of the process at the first and last sample.
pub fn socket_states(snapshots: &[Snapshot]) -> Option<((u64, u64), (u64, u64))> {
    let procs: Vec<&crate::snapshot::ProcStats> = snapshots.iter().filter_map(|s| s.proc.as_ref()).collect();
    let (first, last) = (procs.first()?, procs.last()?);
    Some((
        (first.established, first.close_wait),
        (last.established, last.close_wait),
    ))
}

impl Evidence<'_> {
    /// Whether anything says a resource leaks.
    pub fn any(&self) -> bool {
        self.fds.is_some()
            || self.persist_conns.is_some()
            || !self.io_groups.is_empty()
            || !self.growing_sites.is_empty()
    }
}

/// The resource rules, most specific first.
const RESOURCE_RULES: &[&str] = &[
    "pool-of-resources",
    "sql-rows-not-closed",
    "http-body-not-closed",
    "client-per-request",
    "file-not-closed",
];

/// One finding from all resource evidence: the run-time machinery picks the
/// rule where it can (pooled objects, HTTP read loops, database/sql frames);
/// otherwise the service's code, scanned statically, names the resource
/// among those consistent with the descriptors that grew.
pub fn finding(ev: &Evidence, files: &[String], source: &dyn Source) -> Option<Finding> {
    if !ev.any() {
        return None;
    }
    let sites: Vec<&SiteGrowth> = ev.growing_sites.iter().chain(ev.supporting.iter()).collect();
    let site_with = |pred: &dyn Fn(&SiteGrowth) -> bool| sites.iter().copied().find(|s| pred(s));
    let pooled =
        site_with(&|s| s.series.pooled && matches!(s.series.mechanism, Mechanism::Net | Mechanism::File));
    let http = site_with(&|s| s.series.mechanism == Mechanism::Http);
    let sql = site_with(&|s| s.series.mechanism == Mechanism::Sql);
    let (sockets, regular) = ev.kinds;
    // Locally, /proc says which descriptors grew: HTTP connections are sockets.
    let http_possible = sockets || !regular;
    let consistent: Vec<&str> = if http_possible && (ev.persist_conns.is_some() || http.is_some()) {
        vec![http_rule(ev.loops)]
    } else if pooled.is_some() {
        vec!["pool-of-resources"]
    } else if sql.is_some() {
        vec!["sql-rows-not-closed"]
    } else {
        RESOURCE_RULES
            .iter()
            .copied()
            .filter(|r| match *r {
                "http-body-not-closed" | "client-per-request" | "pool-of-resources" => sockets || !regular,
                _ => true,
            })
            .collect()
    };
    // The code's own resource findings, in the packages the stacks run through.
    let static_hit = consistent.iter().find_map(|rule| {
        let mut hits = source.find_rule_in_packages(files, rule);
        if hits.is_empty() && (rule.ends_with("-request") || rule.starts_with("http-")) {
            // Run time tells body-not-closed from client-per-request; the code may phrase it as either.
            hits = source.find_rule_in_packages(files, other_http_rule(rule));
        }
        hits.into_iter().next().map(|h| (*rule, h))
    });
    let rule = static_hit
        .as_ref()
        .map(|(r, _)| *r)
        .or(consistent.first().copied())
        .unwrap_or("file-not-closed");
    let rule_site = match rule {
        "pool-of-resources" => pooled,
        "http-body-not-closed" | "client-per-request" => http,
        "sql-rows-not-closed" => sql,
        _ => site_with(&|s| matches!(s.series.mechanism, Mechanism::File | Mechanism::Net)),
    };

    let (what, growth, unit) = if let Some((g, _, _, _)) = ev.fds {
        ("open file descriptors", Some(g), "fds")
    } else if let Some(g) = ev.persist_conns {
        ("HTTP client connections", Some(g), "goroutines")
    } else if let Some(g) = ev.io_groups.first() {
        ("goroutines parked in I/O", Some(&g.growth), "goroutines")
    } else {
        (
            "resource heap",
            ev.growing_sites.first().map(|s| &s.growth),
            "bytes",
        )
    };
    let mut f = Finding::new(
        rule,
        Severity::Leak,
        format!("{what} keep growing and are never released"),
    );
    if let Some(g) = growth {
        f.confidence = g.confidence();
        f.rate = Some(Rate {
            per_minute: g.per_minute(),
            unit,
        });
    }
    f.location = if let Some(s) = rule_site {
        Some((&s.series.site).into())
    } else if let Some((_, (file, line, function))) = &static_hit {
        Some(Location {
            function: function.clone(),
            file: file.clone(),
            line: *line,
        })
    } else {
        ev.io_groups.first().map(|g| (&g.series.key.blocked_at).into())
    };
    if let Some((g, from, t, v)) = ev.fds {
        f.evidence
            .facts
            .push(g.describe(&format!("open fds ({from})"), |v| format!("{v:.0}")));
        f.evidence.series.push(Series {
            name: "open fds".into(),
            unit: "fds",
            t: t.to_vec(),
            v: v.to_vec(),
        });
        let kinds = match ev.kinds {
            (true, true) => "sockets and regular files",
            (true, false) => "sockets",
            (false, true) => "regular files",
            (false, false) => "descriptors",
        };
        f.evidence
            .facts
            .push(format!("the growing descriptors are {kinds}"));
    }
    if let Some(g) = ev.persist_conns {
        f.evidence
            .facts
            .push(g.describe("net/http persistConn goroutines", |v| format!("{v:.0}")));
    }
    if ev.loops.awaiting_body + ev.loops.idle > 0 {
        f.evidence.facts.push(format!(
            "HTTP client read loops: {} waiting for a body to be read or closed, {} idle in a pool",
            ev.loops.awaiting_body, ev.loops.idle
        ));
    }
    for g in ev.io_groups.iter().take(3) {
        f.evidence.facts.push(crate::goroutine::describe(g));
        f.evidence.stacks.push(g.series.stack.clone());
    }
    for s in ev.growing_sites.iter().take(3) {
        f.evidence.facts.push(crate::heap::describe_site(s));
        f.evidence.stacks.push(s.series.stack.clone());
    }
    if let Some((_, (file, line, _))) = &static_hit {
        f.evidence.facts.push(format!(
            "the static scanner finds {rule} in the service's code at {file}:{line}"
        ));
    }
    if ev.reclaimed > 0 {
        f.evidence.facts.push(format!(
            "forced GCs closed {} descriptors: unreferenced files or connections nobody closed",
            ev.reclaimed
        ));
    }
    Some(f)
}

fn other_http_rule(rule: &str) -> &'static str {
    if rule == "client-per-request" {
        "http-body-not-closed"
    } else {
        "client-per-request"
    }
}
