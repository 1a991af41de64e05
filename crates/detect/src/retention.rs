//! Turning growing heap sites into leaks: which sites belong to one leak, and
//! which rule that leak breaks.
//!
//! A leak usually shows at two neighbouring places: where the data is
//! allocated (a handler reading a body, rendering a page) and where it is kept
//! (a map assignment, an `append` to a global, a subscriber list). Sites are
//! clustered when they are in the same function or one's function is the
//! other's direct caller or they share a direct caller. The allocating
//! machinery of the cluster's sites then names the rule; for pure retention,
//! the code at the sites (static rules, naming conventions) decides.

use crate::finding::Location;
use crate::frames::function_root;
use crate::heap::SiteGrowth;
use crate::mechanism::Mechanism;
use crate::resource::{self, ReadLoops};
use crate::source::Source;

/// Rules whose mechanism heap profiles cannot show (the retaining reference
/// is not an allocation) but the static scanner can, at or next to a growing site.
const CODE_ONLY_RULES: &[&str] = &[
    "subslice-retains-array",
    "closure-retains",
    "subscription-not-removed",
    "defer-in-loop",
    "ticker-not-stopped",
    "timer-in-loop",
];

/// How far (in lines) a static finding may be from a growing site in the same file to explain it.
const NEARBY_LINES: u32 = 40;

/// What the statement at a growing site stores into, read from its source line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// `m[k] = v`: an index assignment that allocates is map storage growing.
    MapEntry,
    /// `s = append(s, …)`: a slice's backing array growing.
    Append,
}

/// Reads a statement: `x.m[k] = T{…}` → (MapEntry, "m"); `log = append(log, e)` → (Append, "log").
pub fn store_kind(line: &str) -> Option<(Store, String)> {
    let code = line.split("//").next().unwrap_or(line).trim();
    if let Some((lhs, rhs)) = code.split_once(" = ")
        && lhs.ends_with(']')
        && !lhs.contains(' ')
        && !rhs.trim_start().starts_with('&')
        && !rhs.contains("make(")
    {
        let base = lhs.split('[').next().unwrap_or(lhs);
        let name = base.rsplit('.').next().unwrap_or(base);
        return Some((Store::MapEntry, name.to_string()));
    }
    if let Some((lhs, rhs)) = code.split_once('=')
        && rhs.trim_start().starts_with("append(")
    {
        let name = lhs
            .trim_end_matches([':', ' '])
            .rsplit('.')
            .next()
            .unwrap_or(lhs)
            .trim();
        return Some((Store::Append, name.to_string()));
    }
    None
}

/// Sites that make up one leak.
#[derive(Debug)]
pub struct Cluster {
    /// Sites that pass the finding bar.
    pub growing: Vec<SiteGrowth>,
    /// Weaker sites linked to them (location and mechanism hints).
    pub related: Vec<SiteGrowth>,
}

impl Cluster {
    /// The function roots of the cluster's growing sites.
    pub fn roots(&self) -> Vec<&str> {
        self.growing.iter().map(|s| s.series.root()).collect()
    }
}

/// The root of a site's function and of its nearest user caller in another function.
fn neighbourhood(s: &SiteGrowth) -> (&str, Option<&str>) {
    let root = s.series.root();
    let caller = s
        .series
        .user_frames
        .iter()
        .map(|f| function_root(&f.function))
        .find(|r| *r != root);
    (root, caller)
}

fn linked(a: &SiteGrowth, b: &SiteGrowth) -> bool {
    let (ra, ca) = neighbourhood(a);
    let (rb, cb) = neighbourhood(b);
    ra == rb || Some(ra) == cb || ca == Some(rb) || (ca.is_some() && ca == cb)
}

/// Clusters growing sites; weaker sites join the clusters they link to.
pub fn clusters(growing: Vec<SiteGrowth>, supporting: &[SiteGrowth]) -> Vec<Cluster> {
    let n = growing.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for i in 0..n {
        for j in i + 1..n {
            if linked(&growing[i], &growing[j]) {
                let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut out: Vec<(usize, Cluster)> = Vec::new();
    for (i, site) in growing.into_iter().enumerate() {
        let r = find(&mut parent, i);
        match out.iter_mut().find(|(root, _)| *root == r) {
            Some((_, c)) => c.growing.push(site),
            None => out.push((
                r,
                Cluster {
                    growing: vec![site],
                    related: Vec::new(),
                },
            )),
        }
    }
    for (_, c) in &mut out {
        c.related = supporting
            .iter()
            .filter(|s| {
                c.growing
                    .iter()
                    .all(|g| g.series.site != s.series.site || g.series.mechanism != s.series.mechanism)
                    && c.growing.iter().any(|g| linked(g, s))
            })
            .cloned()
            .collect();
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// The rule a cluster breaks, and where to point the user.
pub fn rule<'a>(
    c: &'a Cluster,
    loops: ReadLoops,
    source: &dyn Source,
) -> (&'static str, Location, &'a SiteGrowth) {
    let all: Vec<&SiteGrowth> = c.growing.iter().chain(c.related.iter()).collect();
    let with = |m: Mechanism| all.iter().copied().find(|s| s.series.mechanism == m);
    let at = |s: &SiteGrowth| -> Location { (&s.series.site).into() };
    let first = &c.growing[0];
    if let Some(s) = all
        .iter()
        .copied()
        .find(|s| s.series.pooled && matches!(s.series.mechanism, Mechanism::Net | Mechanism::File))
    {
        return ("pool-of-resources", at(s), s);
    }
    // Resources first: a leaked connection also keeps its request's context and timers alive.
    if let Some(s) = with(Mechanism::Http) {
        return (resource::http_rule(loops), at(s), s);
    }
    let decisive = [
        (Mechanism::Sql, "sql-rows-not-closed"),
        (Mechanism::File, "file-not-closed"),
        (Mechanism::Net, "file-not-closed"),
        (Mechanism::Defer, "defer-in-loop"),
        (Mechanism::Ticker, "ticker-not-stopped"),
        (Mechanism::Timer, "timer-in-loop"),
        (Mechanism::Context, "goroutine-ctx-never-cancelled"),
    ];
    for (m, rule) in decisive {
        if let Some(s) = with(m) {
            return (rule, at(s), s);
        }
    }
    // Retention: the code at the sites and their callers names the mechanism.
    for s in &all {
        for frame in s.series.user_frames.iter().filter(|f| is_own_code(&f.file)) {
            let found = source.static_rules(&frame.file, frame.line);
            if let Some(rule) = CODE_ONLY_RULES
                .iter()
                .find(|r| found.iter().any(|(id, _)| id == *r))
            {
                let line = found
                    .iter()
                    .find(|(id, _)| id == rule)
                    .map_or(frame.line, |(_, l)| *l);
                let loc = Location {
                    function: frame.function.clone(),
                    file: frame.file.clone(),
                    line,
                };
                return (rule, loc, s);
            }
        }
    }
    // A static finding a few lines from a growing site in the same file (the closure or
    // sub-slice that keeps the allocation, in the function next to it).
    let files: Vec<String> = all
        .iter()
        .map(|s| s.series.site.file.clone())
        .filter(|f| is_own_code(f))
        .collect();
    let mut nearest: Option<(u32, &'static str, Location, &SiteGrowth)> = None;
    for rule in CODE_ONLY_RULES {
        for (file, line, function) in source.find_rule_in_packages(&files, rule) {
            for s in all
                .iter()
                .copied()
                .filter(|s| same_path(&s.series.site.file, &file))
            {
                let d = s.series.site.line.abs_diff(line);
                if d <= NEARBY_LINES && nearest.as_ref().is_none_or(|(best, ..)| d < *best) {
                    let loc = Location {
                        function: function.clone(),
                        file: s.series.site.file.clone(),
                        line,
                    };
                    nearest = Some((d, rule, loc, s));
                }
            }
        }
    }
    if let Some((_, rule, loc, s)) = nearest {
        return (rule, loc, s);
    }
    if let Some(s) = all.iter().copied().find(|s| {
        s.series
            .user_frames
            .iter()
            .take(2)
            .any(|f| registers_callbacks(&f.function))
    }) {
        return ("subscription-not-removed", at(s), s);
    }
    // Heap profiles hide the runtime's map machinery; the statement at the site shows it.
    let stores: Vec<(&SiteGrowth, Store, String)> = all
        .iter()
        .filter_map(|s| {
            let text = source.line(&s.series.site.file, s.series.site.line)?;
            store_kind(&text).map(|(k, name)| (*s, k, name))
        })
        .collect();
    if let Some((s, _, name)) = stores.iter().find(|(_, k, _)| *k == Store::MapEntry) {
        // Entries removed while the storage keeps growing: the map never shrinks.
        let deletes = source.package_contains(&s.series.site.file, &format!("{name}, "))
            && source.package_contains(&s.series.site.file, "delete(");
        let values_elsewhere = c.growing.iter().any(|g| g.series.site != s.series.site);
        let rule = if deletes && !values_elsewhere {
            "map-no-shrink"
        } else {
            "cache-unbounded"
        };
        return (rule, at(s), s);
    }
    if let Some(s) = with(Mechanism::Map) {
        let values_grow = all.iter().any(|s| s.series.mechanism != Mechanism::Map);
        return (
            if values_grow {
                "cache-unbounded"
            } else {
                "map-no-shrink"
            },
            at(s),
            s,
        );
    }
    if let Some((s, _, _)) = stores.iter().find(|(_, k, _)| *k == Store::Append) {
        return ("global-retains", at(s), s);
    }
    // Where the allocated data goes: the caller that received it stores it, itself or
    // through a function it calls (`page := render(id); put(key, page)`).
    for s in &c.growing {
        if let Some((kind, _, loc)) = follow_store(s, source) {
            // The growing bytes are the stored values themselves: entries are kept, not just buckets.
            let rule = match kind {
                Store::MapEntry => "cache-unbounded",
                Store::Append => "global-retains",
            };
            return (rule, loc, s);
        }
    }
    let lead = with(Mechanism::Slice).unwrap_or(first);
    ("global-retains", at(lead), lead)
}

/// Finds the statement that stores the data allocated at `s`: in the site's
/// own function after the allocation, then in its direct caller after the call,
/// looking one call deep into package functions called there.
fn follow_store(s: &SiteGrowth, source: &dyn Source) -> Option<(Store, String, Location)> {
    let frames: Vec<&crate::snapshot::Frame> = s
        .series
        .user_frames
        .iter()
        .filter(|f| is_own_code(&f.file))
        .take(2)
        .collect();
    for frame in frames {
        let Some(text) = source.function_text(&frame.file, frame.line) else {
            continue;
        };
        let first_line = text.lines().next().unwrap_or_default().to_string();
        let start = source_line_of(source, frame, &first_line);
        for (i, line) in text.lines().enumerate() {
            let at_line = start + i as u32;
            if at_line < frame.line {
                continue;
            }
            let here = Location {
                function: frame.function.clone(),
                file: frame.file.clone(),
                line: at_line,
            };
            if let Some((kind, name)) = store_kind(line) {
                return Some((kind, name, here));
            }
            for callee in called_names(line) {
                let Some(body) = source.package_function(&frame.file, &callee) else {
                    continue;
                };
                if let Some((kind, name)) = body.lines().find_map(store_kind) {
                    return Some((kind, name, here));
                }
            }
        }
    }
    None
}

/// The line number of a function's first line, found by walking up from the frame.
fn source_line_of(source: &dyn Source, frame: &crate::snapshot::Frame, first_line: &str) -> u32 {
    let mut l = frame.line;
    while l > 1 && source.line(&frame.file, l).is_some_and(|t| t != first_line) {
        l -= 1;
    }
    l
}

/// Plain identifiers called on a line: `storePage(key, p)` → `storePage`; `c.put(k)` → `put`.
fn called_names(line: &str) -> Vec<String> {
    let code = line.split("//").next().unwrap_or(line);
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for (i, _) in code.match_indices('(') {
        let mut j = i;
        while j > 0 && (bytes[j - 1].is_ascii_alphanumeric() || bytes[j - 1] == b'_') {
            j -= 1;
        }
        let name = &code[j..i];
        if !name.is_empty()
            && !matches!(
                name,
                "if" | "for" | "func" | "make" | "len" | "append" | "new" | "cap" | "delete" | "copy"
            )
        {
            out.push(name.to_string());
        }
    }
    out
}

fn same_path(a: &str, b: &str) -> bool {
    a == b || a.ends_with(b) || b.ends_with(a)
}

/// Whether a file is the service's own code rather than a dependency in the
/// module cache (`…/pkg/mod/…`) or a vendor tree.
pub fn is_own_code(file: &str) -> bool {
    !file.is_empty() && !file.contains("/pkg/mod/") && !file.contains("/vendor/")
}

/// Function names that by Go convention register a callback or subscriber
/// (`Subscribe`, `subscribe`, `AddListener`, `OnClose`, …).
pub fn registers_callbacks(function: &str) -> bool {
    let name = function.rsplit('.').next().unwrap_or(function);
    let lower = name.to_ascii_lowercase();
    let verbs = [
        "subscribe",
        "register",
        "addlistener",
        "addhandler",
        "addobserver",
        "addcallback",
        "watch",
        "listen",
    ];
    verbs.iter().any(|v| lower.starts_with(v))
        || name
            .strip_prefix("On")
            .or_else(|| name.strip_prefix("on"))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stores() {
        assert_eq!(
            store_kind("\ts.inflight[m.seq] = delivery{msg: m}"),
            Some((Store::MapEntry, "inflight".into()))
        );
        assert_eq!(
            store_kind("pageCache[key] = cachedPage{body: page} // cache it"),
            Some((Store::MapEntry, "pageCache".into()))
        );
        assert_eq!(
            store_kind("received = append(received, b)"),
            Some((Store::Append, "received".into()))
        );
        assert_eq!(store_kind("m[k] = &T{}"), None);
        assert_eq!(store_kind("if a == b {"), None);
    }

    #[test]
    fn callback_registration_names() {
        for yes in [
            "main.subscribe",
            "x.(*Bus).Subscribe",
            "x.(*S).AddListener",
            "x.(*C).OnClose",
            "x.watchKeys",
        ] {
            assert!(registers_callbacks(yes), "{yes}");
        }
        for no in ["main.handler", "x.(*S).Once", "x.only", "x.(*S).Lookup"] {
            assert!(!registers_callbacks(no), "{no}");
        }
    }
}
