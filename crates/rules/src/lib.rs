//! The leak taxonomy (DESIGN §3): every rule id leakscope can report, its
//! family, and a one-line summary. Run-time detectors (`detect`) and static
//! rules (`lint`) both report these ids, so a finding from `check` and one
//! from `scan` mean the same thing and `leakscope explain RULE` covers both.
//! Each rule's long doc lives in `docs/<id>.md`, embedded at build time.
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
    /// The rule's Markdown doc (`docs/<id>.md`), printed by `leakscope explain RULE`.
    /// Sections: see [`DOC_SECTIONS`].
    pub doc: &'static str,
}

/// The sections every rule doc has, in this order. A test enforces it, so
/// `explain` and the SARIF help can rely on them.
pub const DOC_SECTIONS: &[&str] = &[
    "## What it is",
    "## Why it leaks",
    "## How leakscope detects it",
    "## How to fix it",
    "## Example",
    "## References",
];

/// Every rule, in the order of DESIGN §3.
pub static RULES: &[Rule] = &[
    Rule {
        id: "goroutine-chan-blocked",
        family: Family::Goroutine,
        summary: "goroutine blocked forever on a channel send or receive nobody will serve",
        fix: "give every send a receiver that cannot leave (buffer of 1 for a single result) or select on ctx.Done() in the goroutine",
        doc: include_str!("../docs/goroutine-chan-blocked.md"),
    },
    Rule {
        id: "goroutine-ctx-never-cancelled",
        family: Family::Goroutine,
        summary: "goroutine waits on a context whose cancel function is never called",
        fix: "call the cancel function on every path (defer cancel()), or derive the context from the request's",
        doc: include_str!("../docs/goroutine-ctx-never-cancelled.md"),
    },
    Rule {
        id: "goroutine-select-forever",
        family: Family::Goroutine,
        summary: "goroutine parked in `select {}` or an exit-less loop",
        fix: "give the goroutine's loop an exit: a case <-ctx.Done() or a closed done channel that returns",
        doc: include_str!("../docs/goroutine-select-forever.md"),
    },
    Rule {
        id: "goroutine-waitgroup-stuck",
        family: Family::Goroutine,
        summary: "goroutine waits on a WaitGroup whose counter never reaches zero",
        fix: "call wg.Done() with defer at the top of every worker so no path skips it",
        doc: include_str!("../docs/goroutine-waitgroup-stuck.md"),
    },
    Rule {
        id: "goroutine-lock-stuck",
        family: Family::Goroutine,
        summary: "goroutine blocked on a mutex that is never unlocked",
        fix: "unlock with defer mu.Unlock() right after Lock so no early return keeps the lock",
        doc: include_str!("../docs/goroutine-lock-stuck.md"),
    },
    Rule {
        id: "closure-retains",
        family: Family::Retention,
        summary: "long-lived closure keeps large captured values reachable",
        fix: "capture only the small values the closure needs, not the large object they come from",
        doc: include_str!("../docs/closure-retains.md"),
    },
    Rule {
        id: "global-retains",
        family: Family::Retention,
        summary: "package-level variable accumulates references to live data",
        fix: "bound what a package-level variable keeps (ring buffer, aggregate) or drop references when done",
        doc: include_str!("../docs/global-retains.md"),
    },
    Rule {
        id: "subslice-retains-array",
        family: Family::Retention,
        summary: "small sub-slice or sub-string keeps a large backing array alive",
        fix: "copy the small part out (bytes.Clone, strings.Clone) before keeping it",
        doc: include_str!("../docs/subslice-retains-array.md"),
    },
    Rule {
        id: "cache-unbounded",
        family: Family::Cache,
        summary: "map or slice cache written on the request path with no eviction or bound",
        fix: "bound the cache: size-limited LRU, TTL eviction, or a cache library with a maximum",
        doc: include_str!("../docs/cache-unbounded.md"),
    },
    Rule {
        id: "map-no-shrink",
        family: Family::Cache,
        summary: "map keeps its buckets after its entries are deleted",
        fix: "replace the map with a fresh one after large deletions (maps never release their buckets)",
        doc: include_str!("../docs/map-no-shrink.md"),
    },
    Rule {
        id: "http-body-not-closed",
        family: Family::Resource,
        summary: "http.Response body not closed, so its connection and goroutines are never released",
        fix: "defer resp.Body.Close() right after the error check, and drain the body to reuse the connection",
        doc: include_str!("../docs/http-body-not-closed.md"),
    },
    Rule {
        id: "sql-rows-not-closed",
        family: Family::Resource,
        summary: "database/sql Rows, Stmt, Conn or Tx not closed, holding a connection",
        fix: "defer rows.Close() (and stmt/tx/conn Close or Commit/Rollback) right after the error check",
        doc: include_str!("../docs/sql-rows-not-closed.md"),
    },
    Rule {
        id: "file-not-closed",
        family: Family::Resource,
        summary: "file, listener or network connection opened and never closed",
        fix: "defer f.Close() right after the error check, or close it where ownership ends",
        doc: include_str!("../docs/file-not-closed.md"),
    },
    Rule {
        id: "conn-pool-unbounded",
        family: Family::Resource,
        summary: "connection pool without limits on open or idle connections",
        fix: "set MaxOpenConns/MaxIdleConns (sql) or MaxConnsPerHost/MaxIdleConnsPerHost/IdleConnTimeout (http)",
        doc: include_str!("../docs/conn-pool-unbounded.md"),
    },
    Rule {
        id: "client-per-request",
        family: Family::Resource,
        summary: "http.Client, Transport or sql.DB created per request instead of shared",
        fix: "create one http.Client/Transport/sql.DB at start-up and share it",
        doc: include_str!("../docs/client-per-request.md"),
    },
    Rule {
        id: "pool-hangover",
        family: Family::Pool,
        summary: "memory held by sync.Pool until two GCs have passed (not a leak)",
        fix: "nothing to fix: sync.Pool memory is released after two GCs; cap pooled buffer sizes if the peak matters",
        doc: include_str!("../docs/pool-hangover.md"),
    },
    Rule {
        id: "pool-of-resources",
        family: Family::Pool,
        summary: "sync.Pool holds closable resources that are dropped without Close",
        fix: "do not pool closable resources in sync.Pool; use a bounded pool that closes what it evicts",
        doc: include_str!("../docs/pool-of-resources.md"),
    },
    Rule {
        id: "pool-put-unbounded",
        family: Family::Pool,
        summary: "buffers of unbounded capacity put back into a sync.Pool",
        fix: "only Put buffers below a size cap, and Reset them before Put",
        doc: include_str!("../docs/pool-put-unbounded.md"),
    },
    Rule {
        id: "defer-in-loop",
        family: Family::Other,
        summary: "defer inside a loop holds every iteration's resource until the function returns",
        fix: "move the loop body into its own function so each defer runs at the end of the iteration",
        doc: include_str!("../docs/defer-in-loop.md"),
    },
    Rule {
        id: "ticker-not-stopped",
        family: Family::Other,
        summary: "time.Ticker never stopped",
        fix: "defer t.Stop() where the ticker is created, and give its goroutine an exit",
        doc: include_str!("../docs/ticker-not-stopped.md"),
    },
    Rule {
        id: "timer-in-loop",
        family: Family::Other,
        summary: "time.After in a loop allocates a timer per iteration (before Go 1.23: kept until it fires)",
        fix: "create one time.Timer outside the loop and Reset it, or move to Go ≥ 1.23 timers",
        doc: include_str!("../docs/timer-in-loop.md"),
    },
    Rule {
        id: "cgo-not-freed",
        family: Family::Other,
        summary: "C memory from C.malloc/C.CString never freed",
        fix: "free C memory with defer C.free(unsafe.Pointer(p)) right after C.CString/C.malloc",
        doc: include_str!("../docs/cgo-not-freed.md"),
    },
    Rule {
        id: "subscription-not-removed",
        family: Family::Other,
        summary: "callback or subscriber registered and never removed",
        fix: "keep the unsubscribe/cancel function and call it when the subscriber is done (defer)",
        doc: include_str!("../docs/subscription-not-removed.md"),
    },
    Rule {
        id: "runtime-caveat",
        family: Family::Other,
        summary: "runtime build or setting known to raise memory (race detector, GOGC, GOMEMLIMIT)",
        fix: "check the build and GC settings named in the finding",
        doc: include_str!("../docs/runtime-caveat.md"),
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

    /// `(heading, body)` of each `#`/`##` heading outside code fences.
    fn sections(doc: &str) -> Vec<(&str, String)> {
        let mut out: Vec<(&str, String)> = Vec::new();
        let mut in_fence = false;
        for line in doc.lines() {
            if line.starts_with("```") {
                in_fence = !in_fence;
            }
            if !in_fence && (line.starts_with("# ") || line.starts_with("## ")) {
                out.push((line, String::new()));
            } else if let Some((_, body)) = out.last_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        out
    }

    #[test]
    fn every_rule_doc_has_every_section_in_order() {
        for r in RULES {
            let secs = sections(r.doc);
            let headings: Vec<&str> = secs.iter().map(|(h, _)| *h).collect();
            let title = format!("# {}", r.id);
            let mut want = vec![title.as_str()];
            want.extend_from_slice(DOC_SECTIONS);
            assert_eq!(
                headings, want,
                "{}: headings (title, then the sections in order)",
                r.id
            );
            for (h, body) in secs.iter().skip(1) {
                assert!(body.trim().len() >= 40, "{}: section {h} is (nearly) empty", r.id);
            }
            assert_eq!(
                r.doc.matches("```").count() % 2,
                0,
                "{}: unbalanced code fence",
                r.id
            );
            let example = &secs[DOC_SECTIONS.len() - 1].1;
            assert!(
                example.matches("```go").count() >= 2,
                "{}: ## Example needs a bad and a good ```go block",
                r.id
            );
            let detects = &secs[3].1;
            assert!(
                detects.contains("At run time") && detects.contains("Statically"),
                "{}: ## How leakscope detects it covers run time and static analysis",
                r.id
            );
            for (i, _) in r.doc.match_indices("http") {
                let rest = &r.doc[i..];
                if rest.starts_with("http://") || rest.starts_with("https://") {
                    assert!(
                        rest.starts_with("https://go.dev/") || rest.starts_with("https://pkg.go.dev/"),
                        "{}: only go.dev / pkg.go.dev links: {}",
                        r.id,
                        rest.lines().next().unwrap_or_default()
                    );
                }
            }
        }
    }

    #[test]
    fn doc_files_are_exactly_the_rules() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let id = name
                .strip_suffix(".md")
                .unwrap_or_else(|| panic!("docs/{name} is not a .md file"));
            let rule = find(id).unwrap_or_else(|| panic!("docs/{name} documents an unknown rule id"));
            // The embedded text is this file: include_str! paths match the ids.
            assert_eq!(
                rule.doc,
                std::fs::read_to_string(&path).unwrap(),
                "{id}: embedded doc is not docs/{name}"
            );
            files += 1;
        }
        assert_eq!(files, RULES.len(), "one doc file per rule");
    }
}
