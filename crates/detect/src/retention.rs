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

/// Retention-like rules the static scanner can name at a growing site.
const RETENTION_RULES: &[&str] = &[
    "subslice-retains-array",
    "closure-retains",
    "subscription-not-removed",
    "defer-in-loop",
    "ticker-not-stopped",
    "timer-in-loop",
    "cache-unbounded",
    "map-no-shrink",
    "global-retains",
];

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
    let caller = s.series.user_frames.iter().map(|f| function_root(&f.function)).find(|r| *r != root);
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
            None => out.push((r, Cluster { growing: vec![site], related: Vec::new() })),
        }
    }
    for (_, c) in &mut out {
        c.related = supporting
            .iter()
            .filter(|s| {
                c.growing.iter().all(|g| g.series.site != s.series.site || g.series.mechanism != s.series.mechanism)
                    && c.growing.iter().any(|g| linked(g, s))
            })
            .cloned()
            .collect();
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// The rule a cluster breaks, and where to point the user.
pub fn rule<'a>(c: &'a Cluster, loops: ReadLoops, source: &dyn Source) -> (&'static str, Location, &'a SiteGrowth) {
    let all: Vec<&SiteGrowth> = c.growing.iter().chain(c.related.iter()).collect();
    let with = |m: Mechanism| all.iter().copied().find(|s| s.series.mechanism == m);
    let at = |s: &SiteGrowth| -> Location { (&s.series.site).into() };
    let first = &c.growing[0];
    if let Some(s) = all.iter().copied().find(|s| s.series.pooled && matches!(s.series.mechanism, Mechanism::Net | Mechanism::File)) {
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
            if let Some(rule) = RETENTION_RULES.iter().find(|r| found.iter().any(|(id, _)| id == *r)) {
                let line = found.iter().find(|(id, _)| id == rule).map_or(frame.line, |(_, l)| *l);
                let loc = Location { function: frame.function.clone(), file: frame.file.clone(), line };
                return (rule, loc, s);
            }
        }
    }
    if let Some(s) = all.iter().copied().find(|s| s.series.user_frames.iter().take(2).any(|f| registers_callbacks(&f.function))) {
        return ("subscription-not-removed", at(s), s);
    }
    if let Some(s) = with(Mechanism::Map) {
        // Entries that grow bring their values along; a map that only grows its
        // storage holds buckets for entries long deleted.
        let values_grow = all.iter().any(|s| s.series.mechanism != Mechanism::Map);
        return (if values_grow { "cache-unbounded" } else { "map-no-shrink" }, at(s), s);
    }
    let lead = with(Mechanism::Slice).unwrap_or(first);
    ("global-retains", at(lead), lead)
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
    let verbs = ["subscribe", "register", "addlistener", "addhandler", "addobserver", "addcallback", "watch", "listen"];
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
    fn callback_registration_names() {
        for yes in ["main.subscribe", "x.(*Bus).Subscribe", "x.(*S).AddListener", "x.(*C).OnClose", "x.watchKeys"] {
            assert!(registers_callbacks(yes), "{yes}");
        }
        for no in ["main.handler", "x.(*S).Once", "x.only", "x.(*S).Lookup"] {
            assert!(!registers_callbacks(no), "{no}");
        }
    }
}
