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
    /// One line: how to fix it (printed as a finding's advice).
    pub fix: &'static str,
}

/// Every rule, in the order of DESIGN §3.
pub static RULES: &[Rule] = &[
    Rule {
        id: "goroutine-chan-blocked",
        family: Family::Goroutine,
        summary: "goroutine blocked forever on a channel send or receive nobody will serve",
        fix: "give every send a receiver that cannot leave (buffer of 1 for a single result) or select on ctx.Done() in the goroutine",
    },
    Rule {
        id: "goroutine-ctx-never-cancelled",
        family: Family::Goroutine,
        summary: "goroutine waits on a context whose cancel function is never called",
        fix: "call the cancel function on every path (defer cancel()), or derive the context from the request's",
    },
    Rule {
        id: "goroutine-select-forever",
        family: Family::Goroutine,
        summary: "goroutine parked in `select {}` or an exit-less loop",
        fix: "give the goroutine's loop an exit: a case <-ctx.Done() or a closed done channel that returns",
    },
    Rule {
        id: "goroutine-waitgroup-stuck",
        family: Family::Goroutine,
        summary: "goroutine waits on a WaitGroup whose counter never reaches zero",
        fix: "call wg.Done() with defer at the top of every worker so no path skips it",
    },
    Rule {
        id: "goroutine-lock-stuck",
        family: Family::Goroutine,
        summary: "goroutine blocked on a mutex that is never unlocked",
        fix: "unlock with defer mu.Unlock() right after Lock so no early return keeps the lock",
    },
    Rule {
        id: "closure-retains",
        family: Family::Retention,
        summary: "long-lived closure keeps large captured values reachable",
        fix: "capture only the small values the closure needs, not the large object they come from",
    },
    Rule {
        id: "global-retains",
        family: Family::Retention,
        summary: "package-level variable accumulates references to live data",
        fix: "bound what a package-level variable keeps (ring buffer, aggregate) or drop references when done",
    },
    Rule {
        id: "subslice-retains-array",
        family: Family::Retention,
        summary: "small sub-slice or sub-string keeps a large backing array alive",
        fix: "copy the small part out (bytes.Clone, strings.Clone) before keeping it",
    },
    Rule {
        id: "cache-unbounded",
        family: Family::Cache,
        summary: "map or slice cache written on the request path with no eviction or bound",
        fix: "bound the cache: size-limited LRU, TTL eviction, or a cache library with a maximum",
    },
    Rule {
        id: "map-no-shrink",
        family: Family::Cache,
        summary: "map keeps its buckets after its entries are deleted",
        fix: "replace the map with a fresh one after large deletions (maps never release their buckets)",
    },
    Rule {
        id: "http-body-not-closed",
        family: Family::Resource,
        summary: "http.Response body not closed, so its connection and goroutines are never released",
        fix: "defer resp.Body.Close() right after the error check, and drain the body to reuse the connection",
    },
    Rule {
        id: "sql-rows-not-closed",
        family: Family::Resource,
        summary: "database/sql Rows, Stmt, Conn or Tx not closed, holding a connection",
        fix: "defer rows.Close() (and stmt/tx/conn Close or Commit/Rollback) right after the error check",
    },
    Rule {
        id: "file-not-closed",
        family: Family::Resource,
        summary: "file, listener or network connection opened and never closed",
        fix: "defer f.Close() right after the error check, or close it where ownership ends",
    },
    Rule {
        id: "conn-pool-unbounded",
        family: Family::Resource,
        summary: "connection pool without limits on open or idle connections",
        fix: "set MaxOpenConns/MaxIdleConns (sql) or MaxConnsPerHost/MaxIdleConnsPerHost/IdleConnTimeout (http)",
    },
    Rule {
        id: "client-per-request",
        family: Family::Resource,
        summary: "http.Client, Transport or sql.DB created per request instead of shared",
        fix: "create one http.Client/Transport/sql.DB at start-up and share it",
    },
    Rule {
        id: "pool-hangover",
        family: Family::Pool,
        summary: "memory held by sync.Pool until two GCs have passed (not a leak)",
        fix: "nothing to fix: sync.Pool memory is released after two GCs; cap pooled buffer sizes if the peak matters",
    },
    Rule {
        id: "pool-of-resources",
        family: Family::Pool,
        summary: "sync.Pool holds closable resources that are dropped without Close",
        fix: "do not pool closable resources in sync.Pool; use a bounded pool that closes what it evicts",
    },
    Rule {
        id: "pool-put-unbounded",
        family: Family::Pool,
        summary: "buffers of unbounded capacity put back into a sync.Pool",
        fix: "only Put buffers below a size cap, and Reset them before Put",
    },
    Rule {
        id: "defer-in-loop",
        family: Family::Other,
        summary: "defer inside a loop holds every iteration's resource until the function returns",
        fix: "move the loop body into its own function so each defer runs at the end of the iteration",
    },
    Rule {
        id: "ticker-not-stopped",
        family: Family::Other,
        summary: "time.Ticker never stopped",
        fix: "defer t.Stop() where the ticker is created, and give its goroutine an exit",
    },
    Rule {
        id: "timer-in-loop",
        family: Family::Other,
        summary: "time.After in a loop allocates a timer per iteration (before Go 1.23: kept until it fires)",
        fix: "create one time.Timer outside the loop and Reset it, or move to Go ≥ 1.23 timers",
    },
    Rule {
        id: "cgo-not-freed",
        family: Family::Other,
        summary: "C memory from C.malloc/C.CString never freed",
        fix: "free C memory with defer C.free(unsafe.Pointer(p)) right after C.CString/C.malloc",
    },
    Rule {
        id: "subscription-not-removed",
        family: Family::Other,
        summary: "callback or subscriber registered and never removed",
        fix: "keep the unsubscribe/cancel function and call it when the subscriber is done (defer)",
    },
    Rule {
        id: "runtime-caveat",
        family: Family::Other,
        summary: "runtime build or setting known to raise memory (race detector, GOGC, GOMEMLIMIT)",
        fix: "check the build and GC settings named in the finding",
    },
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
            assert!(!r.fix.is_empty(), "{} has no fix", r.id);
        }
    }
}
