//! The leak taxonomy (DESIGN §3): every rule id leakscope can report, its
//! family, and a one-line summary. Run-time detectors (`detect`) and static
//! rules (`lint`) both report these ids, so a finding from `check` and one
//! from `scan` mean the same thing and `leakscope explain RULE` covers both.
//!
//! ```
//! let rule = leakscope_rules::find("http-body-not-closed").unwrap();
//! assert_eq!(rule.family, leakscope_rules::Family::Resource);
//! ```

use std::fmt;

/// The six families of the research report; a rule id starts with its family's
/// theme so users can group findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// Goroutines that block forever.
    Goroutine,
    /// Live objects kept reachable by closures, globals or sub-slices.
    Retention,
    /// Maps and slices that only grow.
    Cache,
    /// Connections, files, rows and clients not released.
    Resource,
    /// `sync.Pool` misuse and pool hangover.
    Pool,
    /// defer-in-loop, tickers, timers, cgo, callbacks, runtime caveats.
    Other,
}

impl Family {
    /// The lowercase name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Goroutine => "goroutine",
            Family::Retention => "retention",
            Family::Cache => "cache",
            Family::Resource => "resource",
            Family::Pool => "pool",
            Family::Other => "other",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One kind of leak.
#[derive(Debug)]
pub struct Rule {
    /// Kebab-case id, stable across releases (used in JSON, SARIF and `//leakscope:ignore`).
    pub id: &'static str,
    /// The family the rule belongs to.
    pub family: Family,
    /// One line: what leaks.
    pub summary: &'static str,
}

/// Every rule, in the order of DESIGN §3.
pub static RULES: &[Rule] = &[
    Rule { id: "goroutine-chan-blocked", family: Family::Goroutine, summary: "goroutine blocked forever on a channel send or receive nobody will serve" },
    Rule { id: "goroutine-ctx-never-cancelled", family: Family::Goroutine, summary: "goroutine waits on a context whose cancel function is never called" },
    Rule { id: "goroutine-select-forever", family: Family::Goroutine, summary: "goroutine parked in `select {}` or an exit-less loop" },
    Rule { id: "goroutine-waitgroup-stuck", family: Family::Goroutine, summary: "goroutine waits on a WaitGroup whose counter never reaches zero" },
    Rule { id: "goroutine-lock-stuck", family: Family::Goroutine, summary: "goroutine blocked on a mutex that is never unlocked" },
    Rule { id: "closure-retains", family: Family::Retention, summary: "long-lived closure keeps large captured values reachable" },
    Rule { id: "global-retains", family: Family::Retention, summary: "package-level variable accumulates references to live data" },
    Rule { id: "subslice-retains-array", family: Family::Retention, summary: "small sub-slice or sub-string keeps a large backing array alive" },
    Rule { id: "cache-unbounded", family: Family::Cache, summary: "map or slice cache written on the request path with no eviction or bound" },
    Rule { id: "map-no-shrink", family: Family::Cache, summary: "map keeps its buckets after its entries are deleted" },
    Rule { id: "http-body-not-closed", family: Family::Resource, summary: "http.Response body not closed, so its connection and goroutines are never released" },
    Rule { id: "sql-rows-not-closed", family: Family::Resource, summary: "database/sql Rows, Stmt, Conn or Tx not closed, holding a connection" },
    Rule { id: "file-not-closed", family: Family::Resource, summary: "file, listener or network connection opened and never closed" },
    Rule { id: "conn-pool-unbounded", family: Family::Resource, summary: "connection pool without limits on open or idle connections" },
    Rule { id: "client-per-request", family: Family::Resource, summary: "http.Client, Transport or sql.DB created per request instead of shared" },
    Rule { id: "pool-hangover", family: Family::Pool, summary: "memory held by sync.Pool until two GCs have passed (not a leak)" },
    Rule { id: "pool-of-resources", family: Family::Pool, summary: "sync.Pool holds closable resources that are dropped without Close" },
    Rule { id: "pool-put-unbounded", family: Family::Pool, summary: "buffers of unbounded capacity put back into a sync.Pool" },
    Rule { id: "defer-in-loop", family: Family::Other, summary: "defer inside a loop holds every iteration's resource until the function returns" },
    Rule { id: "ticker-not-stopped", family: Family::Other, summary: "time.Ticker never stopped" },
    Rule { id: "timer-in-loop", family: Family::Other, summary: "time.After in a loop allocates a timer per iteration (before Go 1.23: kept until it fires)" },
    Rule { id: "cgo-not-freed", family: Family::Other, summary: "C memory from C.malloc/C.CString never freed" },
    Rule { id: "subscription-not-removed", family: Family::Other, summary: "callback or subscriber registered and never removed" },
    Rule { id: "runtime-caveat", family: Family::Other, summary: "runtime build or setting known to raise memory (race detector, GOGC, GOMEMLIMIT)" },
];

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !r.id.starts_with('-'),
                "malformed rule id {}",
                r.id
            );
            assert!(!r.summary.is_empty(), "{} has no summary", r.id);
        }
    }
}
