//! Goroutines grouped by (creation site, blocking site, wait reason), with
//! counts, longest wait and a `stuck` judgement — the unit in which goroutine
//! leaks are reported and diffed.
//!
//! The creation site is the `go` statement (`created by`) when the format
//! names it, else the goroutine's entry function. The blocking site is the
//! first frame from the leaf in user code (see [`crate::attribution`]), else
//! the first frame outside the runtime. The most common full stack of the
//! group is kept as evidence.

use crate::attribution::is_user_function;
use crate::fx_hash::FxHashMap;
use crate::goroutine::{CountProfile, Frame, GoroutineDump, StackCount, Truncation};
use crate::profile::{LabelValue, Profile};
use crate::wait_reason::{WaitKind, classify, infer};

/// Thresholds of the `stuck` judgement and the user-code boundary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupOptions {
    /// Function prefixes that are not the user's code though they look like it (vendored modules).
    pub vendor_prefixes: Vec<String>,
    /// A group needs at least this many members to look stuck...
    pub stuck_min_members: u64,
    /// ...whose longest wait is at least this many minutes.
    pub stuck_min_minutes: u32,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions {
            vendor_prefixes: Vec::new(),
            stuck_min_members: 10,
            stuck_min_minutes: 1,
        }
    }
}

/// Which format the groups were built from: what they can say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupSource {
    /// `debug=2` dump: ids, wait reasons, minutes, creators.
    Debug2,
    /// Panic or SIGQUIT traceback: as `Debug2`.
    Traceback,
    /// `debug=1` text: counts per stack (runtime frames at the top hidden).
    Debug1,
    /// `debug=0` proto: counts per stack, wait reason inferred from runtime frames.
    Proto,
}

impl GroupSource {
    /// Per-goroutine formats know ids, wait reasons, minutes and creators.
    pub fn per_goroutine(self) -> bool {
        matches!(self, GroupSource::Debug2 | GroupSource::Traceback)
    }
}

/// One group of goroutines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineGroup {
    /// `created by` site when known, else the entry function.
    pub creation: Frame,
    /// True when `creation` is the `go` statement (`created by`), false when it is the entry frame.
    pub creation_is_go_statement: bool,
    /// The goroutines' outermost frame (the function the `go` statement started).
    pub entry: Frame,
    /// Where the goroutines wait: first user-code frame from the leaf.
    pub blocking: Frame,
    /// Whether `blocking` is user code (else the first non-runtime frame).
    pub blocking_is_user: bool,
    /// The wait reason or status (`chan send`, `IO wait`, `running`), if the format says or implies it.
    pub wait: Option<String>,
    /// True when `wait` was inferred from runtime frames rather than printed by Go.
    pub wait_inferred: bool,
    /// The family of `wait` ([`WaitKind::Other`] when unknown).
    pub kind: WaitKind,
    /// How many goroutines.
    pub count: u64,
    /// The longest `N minutes` of a member (per-goroutine formats only).
    pub longest_wait_minutes: Option<u32>,
    /// Members the runtime marked `(leaked)` (or all, for a `goroutineleak` profile).
    pub leaked: u64,
    /// Members locked to their thread.
    pub locked: u64,
    /// Why the group looks stuck, if it does.
    pub stuck: Option<String>,
    /// The most common full stack of the group, leaf first.
    pub stack: Vec<Frame>,
    /// How many different stacks the group merges.
    pub distinct_stacks: usize,
    /// Member goroutine ids, ascending (per-goroutine formats only).
    pub ids: Vec<u64>,
}

/// All groups of one snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineGroups {
    /// The format they came from.
    pub source: GroupSource,
    /// Total goroutines.
    pub total: u64,
    /// Groups, largest first.
    pub groups: Vec<GoroutineGroup>,
    /// Set when the dump was cut short: `total` is then too low.
    pub truncation: Option<Truncation>,
}

/// Builds one group from its members.
struct Builder {
    group: GoroutineGroup,
    best_stack_count: u64,
}

/// The identity of a group.
type Key = (Frame, Frame, Option<String>);

/// One distinct stack with its members, before grouping.
struct Member<'a> {
    frames: Vec<&'a Frame>,
    created_by: Option<&'a Frame>,
    wait: Option<&'a str>,
    wait_inferred: bool,
    count: u64,
    longest: Option<u32>,
    leaked: u64,
    locked: u64,
    ids: Vec<u64>,
}

/// Groups the goroutines of a `debug=2` dump or traceback.
pub fn group_dump(dump: &GoroutineDump, options: &GroupOptions) -> GoroutineGroups {
    // First by (stack, state): few distinct pairs even for millions of goroutines.
    let mut pairs: FxHashMap<(u32, u16), Member<'_>> = FxHashMap::default();
    for g in &dump.goroutines {
        let member = pairs.entry((g.stack, g.state)).or_insert_with(|| {
            let stack = dump.stack(g);
            Member {
                frames: stack.map(|s| dump.stack_frames(s).collect()).unwrap_or_default(),
                created_by: stack.and_then(|s| s.created_by).and_then(|i| dump.frame(i)),
                wait: Some(dump.state(g)),
                wait_inferred: false,
                count: 0,
                longest: Some(0),
                leaked: 0,
                locked: 0,
                ids: Vec::new(),
            }
        });
        member.count += 1;
        member.longest = member.longest.max(Some(g.minutes));
        member.leaked += u64::from(g.flags.leaked);
        member.locked += u64::from(g.flags.locked);
        member.ids.push(g.id);
    }
    let source = match dump.kind {
        crate::goroutine::DumpKind::Debug2 => GroupSource::Debug2,
        crate::goroutine::DumpKind::Traceback => GroupSource::Traceback,
    };
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort_by_key(|((stack, state), _)| (*stack, *state));
    let total = dump.goroutines.len() as u64;
    build(
        source,
        total,
        dump.truncation.clone(),
        pairs.into_iter().map(|(_, m)| m),
        options,
    )
}

/// Groups a `debug=1` profile or the counts of a proto (see [`count_profile_from_proto`]).
pub fn group_counts(profile: &CountProfile, source: GroupSource, options: &GroupOptions) -> GoroutineGroups {
    let all_leaked = profile.name == "goroutineleak";
    let members = profile.stacks.iter().map(|s: &StackCount| {
        let frames: Vec<&Frame> = s.frames.iter().collect();
        let inferred = infer(frames.iter().copied());
        Member {
            frames,
            created_by: None,
            wait: inferred,
            wait_inferred: inferred.is_some(),
            count: s.count,
            longest: None,
            leaked: if all_leaked { s.count } else { 0 },
            locked: 0,
            ids: Vec::new(),
        }
    });
    build(source, profile.total, None, members, options)
}

/// The counts of a goroutine, goroutineleak or threadcreate proto, as a
/// [`CountProfile`]; `None` for other profiles.
pub fn count_profile_from_proto(profile: &Profile) -> Option<CountProfile> {
    let first = profile.sample_types.first()?;
    if !matches!(first.ty.as_str(), "goroutine" | "goroutineleak" | "threadcreate") {
        return None;
    }
    let mut total: u64 = 0;
    let stacks = profile
        .samples
        .iter()
        .map(|s| {
            let count = u64::try_from(s.values.first().copied().unwrap_or(0)).unwrap_or(0);
            total = total.saturating_add(count);
            StackCount {
                count,
                frames: profile
                    .frames(s)
                    .map(|f| Frame {
                        function: f.display_name(),
                        file: f.file.to_string(),
                        line: u32::try_from(f.line).unwrap_or(0),
                    })
                    .collect(),
                pcs: Vec::new(),
                labels: s
                    .labels
                    .iter()
                    .filter_map(|l| match &l.value {
                        LabelValue::Str(v) => Some((l.key.clone(), v.clone())),
                        LabelValue::Num { .. } => None,
                    })
                    .collect(),
            }
        })
        .collect();
    Some(CountProfile {
        name: first.ty.clone(),
        total,
        stacks,
    })
}

fn build<'a>(
    source: GroupSource,
    total: u64,
    truncation: Option<Truncation>,
    members: impl Iterator<Item = Member<'a>>,
    options: &GroupOptions,
) -> GoroutineGroups {
    let mut builders: FxHashMap<Key, Builder> = FxHashMap::default();
    let mut order: Vec<Key> = Vec::new();
    for m in members {
        let entry = entry_frame(&m.frames);
        let (blocking, blocking_is_user) = blocking_frame(&m.frames, &options.vendor_prefixes);
        let (creation, creation_is_go_statement) = match m.created_by {
            Some(c) => (c.clone(), true),
            None => (entry.clone(), false),
        };
        let key: Key = (creation.clone(), blocking.clone(), m.wait.map(str::to_string));
        let b = builders.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Builder {
                group: GoroutineGroup {
                    creation,
                    creation_is_go_statement,
                    entry,
                    blocking,
                    blocking_is_user,
                    wait: m.wait.map(str::to_string),
                    wait_inferred: m.wait_inferred,
                    kind: m.wait.map_or(WaitKind::Other, classify),
                    count: 0,
                    longest_wait_minutes: m.longest,
                    leaked: 0,
                    locked: 0,
                    stuck: None,
                    stack: Vec::new(),
                    distinct_stacks: 0,
                    ids: Vec::new(),
                },
                best_stack_count: 0,
            }
        });
        let g = &mut b.group;
        g.count += m.count;
        g.longest_wait_minutes = g.longest_wait_minutes.max(m.longest);
        g.leaked += m.leaked;
        g.locked += m.locked;
        g.distinct_stacks += 1;
        g.ids.extend_from_slice(&m.ids);
        if m.count > b.best_stack_count {
            b.best_stack_count = m.count;
            g.stack = m.frames.iter().map(|f| (*f).clone()).collect();
        }
    }
    let mut groups: Vec<GoroutineGroup> = order
        .into_iter()
        .filter_map(|k| builders.remove(&k))
        .map(|b| {
            let mut g = b.group;
            g.ids.sort_unstable();
            g.stuck = stuck_reason(&g, options);
            g
        })
        .collect();
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.blocking.function.cmp(&b.blocking.function))
    });
    GoroutineGroups {
        source,
        total,
        groups,
        truncation,
    }
}

/// Why a group looks stuck, judged from Go's wait reasons only.
fn stuck_reason(g: &GoroutineGroup, options: &GroupOptions) -> Option<String> {
    let wait = g.wait.as_deref().unwrap_or("");
    if g.leaked > 0 {
        return Some(format!(
            "the runtime's leak detector marked {} of {} goroutines (leaked)",
            g.leaked, g.count
        ));
    }
    if g.kind == WaitKind::Forever {
        return Some(format!("'{wait}' can never proceed"));
    }
    let minutes = g.longest_wait_minutes?;
    if g.kind.can_leak() && g.count >= options.stuck_min_members && minutes >= options.stuck_min_minutes {
        return Some(format!(
            "{} goroutines blocked on '{wait}', the longest for {minutes} minute{}",
            g.count,
            if minutes == 1 { "" } else { "s" }
        ));
    }
    None
}

/// The outermost frame, skipping `runtime.goexit` (present in protos only).
fn entry_frame(frames: &[&Frame]) -> Frame {
    frames
        .iter()
        .rev()
        .find(|f| f.function != "runtime.goexit")
        .map_or_else(unknown_frame, |f| (*f).clone())
}

/// The first user frame from the leaf, else the first one outside the runtime, else the leaf.
fn blocking_frame(frames: &[&Frame], vendor: &[String]) -> (Frame, bool) {
    if let Some(f) = frames.iter().find(|f| is_user_function(&f.function, vendor)) {
        return ((*f).clone(), true);
    }
    let outside_runtime = frames
        .iter()
        .find(|f| !f.function.starts_with("runtime.") && !f.function.starts_with("internal/runtime/"));
    (
        outside_runtime
            .or(frames.first())
            .map_or_else(unknown_frame, |f| (*f).clone()),
        false,
    )
}

fn unknown_frame() -> Frame {
    Frame {
        function: "(no frames)".to_string(),
        file: String::new(),
        line: 0,
    }
}

#[cfg(test)]
#[path = "goroutine_group_tests.rs"]
mod tests;
