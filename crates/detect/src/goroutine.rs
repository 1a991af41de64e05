//! Goroutine leaks: groups of goroutines whose *survivors* keep accumulating.
//!
//! Goroutines are grouped by (creation site, blocking site, wait reason). With
//! goroutine ids (`debug=2` dumps) the detector follows each goroutine: a
//! leaked goroutine is the same id, blocked at the same place, in every later
//! snapshot, while in-flight work turns over. So the series judged is the
//! number of members that have been there for a while — not the head-count,
//! which also rises when load rises (DESIGN §6, "persistence beats counts").
//! Without ids (debug=1, proto) the head-count is the fallback.

use std::collections::{HashMap, HashSet};

use crate::frames::{first_user_frame, function_root, short};
use crate::growth::{Bar, Growth, judge};
use crate::snapshot::{Frame, Goroutine, Snapshot, Target};
use crate::source::Source;

/// What identifies a group.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// The `go` statement's frame, when known.
    pub created_by: Option<Frame>,
    /// First user frame of the stack (or the first non-runtime frame when there is none).
    pub blocked_at: Frame,
    /// Wait reason / state.
    pub state: String,
}

/// A group's survivor series and what the runtime said about it.
#[derive(Clone, Debug)]
pub struct GroupSeries {
    /// The group.
    pub key: GroupKey,
    /// Whether any frame of the group is user code (library-only groups feed the resource detector).
    pub user_code: bool,
    /// Seconds of each goroutine snapshot.
    pub t: Vec<f64>,
    /// Members present for at least the minimum age (with ids), or head-count (without).
    pub survivors: Vec<f64>,
    /// Head-count per snapshot.
    pub count: Vec<f64>,
    /// Whether ids were available (survivors are real survivors).
    pub tracked: bool,
    /// Longest wait the runtime printed, in minutes.
    pub longest_wait_min: u64,
    /// Members the runtime's goroutineleak profile proved leaked (last snapshot).
    pub proven_leaked: u64,
    /// A member's stack (evidence).
    pub stack: Vec<Frame>,
}

/// A group whose survivors keep growing.
#[derive(Clone, Debug)]
pub struct GroupGrowth {
    /// The group.
    pub series: GroupSeries,
    /// The judgement.
    pub growth: Growth,
    /// The rule it matches.
    pub rule: &'static str,
}

fn key_of(g: &Goroutine, vendors: &[String]) -> (GroupKey, bool) {
    let user = first_user_frame(&g.stack, vendors);
    let blocked_at = user
        .or_else(|| g.stack.iter().find(|f| !f.function.starts_with("runtime.")))
        .or(g.stack.first())
        .cloned()
        .unwrap_or_default();
    let creator_user = g
        .created_by
        .as_ref()
        .is_some_and(|c| leakscope_profile::attribution::is_user_function(&c.function, vendors));
    (
        GroupKey {
            created_by: g.created_by.clone(),
            blocked_at,
            state: g.state.clone(),
        },
        user.is_some() || creator_user,
    )
}

/// One goroutine snapshot: time, goroutines, ids proven leaked.
type Dump<'a> = (f64, &'a Vec<Goroutine>, Option<&'a Vec<u64>>);

/// Builds the survivor series of every group. `min_age_s`: how long a member
/// must have been seen before it counts as a survivor.
pub fn group_series(snapshots: &[Snapshot], target: &Target, min_age_s: f64) -> Vec<GroupSeries> {
    let vendors = &target.vendor_prefixes;
    let dumps: Vec<Dump> = snapshots
        .iter()
        .filter_map(|s| s.goroutines.as_ref().map(|g| (s.at_s, g, s.leaked_ids.as_ref())))
        .collect();
    let n = dumps.len();
    let mut index: HashMap<GroupKey, usize> = HashMap::new();
    let mut out: Vec<GroupSeries> = Vec::new();
    // First time each (id, group) was seen; members of the first dump count as old.
    let mut first_seen: HashMap<(u64, usize), f64> = HashMap::new();
    for (k, (at, gs, leaked)) in dumps.iter().enumerate() {
        let leaked: HashSet<u64> = leaked.map(|l| l.iter().copied().collect()).unwrap_or_default();
        for g in gs.iter() {
            let (key, user_code) = key_of(g, vendors);
            let i = *index.entry(key.clone()).or_insert_with(|| {
                out.push(GroupSeries {
                    key,
                    user_code,
                    t: dumps.iter().map(|d| d.0).collect(),
                    survivors: vec![0.0; n],
                    count: vec![0.0; n],
                    tracked: true,
                    longest_wait_min: 0,
                    proven_leaked: 0,
                    stack: g.stack.clone(),
                });
                out.len() - 1
            });
            let group = &mut out[i];
            group.count[k] += g.count as f64;
            group.longest_wait_min = group.longest_wait_min.max(g.wait_minutes);
            match g.id {
                Some(id) => {
                    let seen =
                        *first_seen
                            .entry((id, i))
                            .or_insert(if k == 0 { f64::NEG_INFINITY } else { *at });
                    if at - seen >= min_age_s {
                        group.survivors[k] += 1.0;
                    }
                    if k + 1 == n && leaked.contains(&id) {
                        group.proven_leaked += 1;
                    }
                }
                None => {
                    group.tracked = false;
                    group.survivors[k] += g.count as f64;
                }
            }
        }
    }
    out
}

/// Groups of user goroutines whose survivors keep growing, fastest first.
pub fn growing_groups(series: &[GroupSeries], bar: &Bar, source: &dyn Source) -> Vec<GroupGrowth> {
    let mut out: Vec<GroupGrowth> = series
        .iter()
        .filter(|s| s.user_code)
        .filter_map(|s| {
            let growth = judge(&s.t, &s.survivors, bar)?;
            Some(GroupGrowth {
                rule: classify(s, source),
                series: s.clone(),
                growth,
            })
        })
        .collect();
    out.sort_by(|a, b| b.growth.trend.slope.total_cmp(&a.growth.trend.slope));
    out
}

/// Which goroutine rule a stuck group matches: the wait reason says what it
/// blocks on; the code at the blocking line (when readable) tells a context's
/// Done channel from any other channel.
pub fn classify(s: &GroupSeries, source: &dyn Source) -> &'static str {
    let state = s.key.state.as_str();
    let frames = &s.stack;
    let has = |p: &str| frames.iter().any(|f| f.function.starts_with(p));
    let at = &s.key.blocked_at;
    let line = source.line(&at.file, at.line).unwrap_or_default();
    let waits_on_done = line.contains(".Done()");
    if has("sync.(*WaitGroup).Wait") || state.contains("WaitGroup") {
        return "goroutine-waitgroup-stuck";
    }
    if has("sync.(*Mutex).Lock")
        || has("sync.(*RWMutex).")
        || has("sync.(*Cond).Wait")
        || state.starts_with("sync.Mutex")
        || state.starts_with("sync.RWMutex")
        || state.starts_with("sync.Cond")
    {
        return "goroutine-lock-stuck";
    }
    if state.starts_with("select (no cases)") {
        return "goroutine-select-forever";
    }
    if state.starts_with("select") {
        // Stuck in a select that has a `<-ctx.Done()` case: that context is never cancelled.
        let block = source.block(&at.file, at.line).unwrap_or_default();
        if waits_on_done || block.contains(".Done()") {
            return "goroutine-ctx-never-cancelled";
        }
        return "goroutine-select-forever";
    }
    if state.starts_with("chan receive") || state.starts_with("chan send") {
        if waits_on_done {
            return "goroutine-ctx-never-cancelled";
        }
        return "goroutine-chan-blocked";
    }
    if state.starts_with("sleep") || state == "running" || state == "runnable" {
        return "goroutine-select-forever";
    }
    if state.starts_with("IO wait") || state.starts_with("syscall") {
        return "file-not-closed";
    }
    "goroutine-chan-blocked"
}

/// Evidence line for a group.
pub fn describe(g: &GroupGrowth) -> String {
    let what = if g.series.tracked {
        format!(
            "goroutines blocked [{}] at {} that never left",
            g.series.key.state,
            short(&g.series.key.blocked_at)
        )
    } else {
        format!(
            "goroutines blocked [{}] at {}",
            g.series.key.state,
            short(&g.series.key.blocked_at)
        )
    };
    g.growth.describe(&what, |v| format!("{v:.0}"))
}

/// The function a group's goroutines were started from, for matching with heap sites.
pub fn creator_root(s: &GroupSeries) -> Option<&str> {
    s.key.created_by.as_ref().map(|f| function_root(&f.function))
}
