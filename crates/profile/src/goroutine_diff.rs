//! Goroutine groups that appeared or grew between two snapshots of any format.
//!
//! Two snapshots of the same kind match groups on their full identity
//! (creation site, blocking site, wait reason). Across kinds (a `debug=2`
//! dump against a proto, say) only what both carry is compared: the entry
//! function and the blocking site. When both are `debug=2` dumps, the members
//! of a group present in both by goroutine id are counted as survivors:
//! persistence, not head-count, is what marks a leak (DESIGN §6).

use std::collections::HashSet;

use crate::fx_hash::FxHashMap;
use crate::goroutine::Frame;
use crate::goroutine_group::{GoroutineGroup, GoroutineGroups};

/// How groups of the two snapshots were matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedOn {
    /// Creation site, blocking site and wait reason.
    FullKey,
    /// Entry function and blocking site (the formats differ).
    EntryAndBlocking,
}

/// One group's change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupChange {
    /// The group as it is in the newer snapshot (or the base one, if it vanished).
    pub group: GoroutineGroup,
    /// Members in the base snapshot.
    pub base_count: u64,
    /// Members in the newer snapshot.
    pub new_count: u64,
    /// Members of the newer group that were already in the base group (same goroutine id).
    pub survivors: Option<u64>,
}

impl GroupChange {
    /// `new_count - base_count`.
    pub fn delta(&self) -> i64 {
        i64::try_from(self.new_count)
            .unwrap_or(i64::MAX)
            .saturating_sub(i64::try_from(self.base_count).unwrap_or(i64::MAX))
    }

    /// The group is new in the newer snapshot.
    pub fn appeared(&self) -> bool {
        self.base_count == 0
    }
}

/// The difference between two goroutine snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoroutineDiff {
    /// How groups were matched.
    pub matched_on: MatchedOn,
    /// Goroutines in the base snapshot.
    pub base_total: u64,
    /// Goroutines in the newer snapshot.
    pub new_total: u64,
    /// Groups that appeared or grew, largest growth first.
    pub grown: Vec<GroupChange>,
    /// Groups that shrank or vanished, largest drop first.
    pub shrunk: Vec<GroupChange>,
}

type Key = (Frame, Frame, Option<String>);

fn key(g: &GoroutineGroup, on: MatchedOn) -> Key {
    match on {
        MatchedOn::FullKey => (g.creation.clone(), g.blocking.clone(), g.wait.clone()),
        MatchedOn::EntryAndBlocking => (g.entry.clone(), g.blocking.clone(), None),
    }
}

/// Matched groups of one side, merged under the matching key.
struct Side {
    group: GoroutineGroup,
    ids: Vec<u64>,
}

fn merge(groups: &GoroutineGroups, on: MatchedOn) -> (Vec<Key>, FxHashMap<Key, Side>) {
    let mut order = Vec::new();
    let mut map: FxHashMap<Key, Side> = FxHashMap::default();
    for g in &groups.groups {
        let k = key(g, on);
        match map.get_mut(&k) {
            Some(side) => {
                side.group.count += g.count;
                side.group.leaked += g.leaked;
                side.group.longest_wait_minutes = side.group.longest_wait_minutes.max(g.longest_wait_minutes);
                side.group.distinct_stacks += g.distinct_stacks;
                side.ids.extend_from_slice(&g.ids);
            }
            None => {
                order.push(k.clone());
                map.insert(
                    k,
                    Side {
                        group: g.clone(),
                        ids: g.ids.clone(),
                    },
                );
            }
        }
    }
    (order, map)
}

/// Compares `base` with `new`.
pub fn diff_groups(base: &GoroutineGroups, new: &GoroutineGroups) -> GoroutineDiff {
    let same_kind = base.source.per_goroutine() == new.source.per_goroutine();
    let on = if same_kind {
        MatchedOn::FullKey
    } else {
        MatchedOn::EntryAndBlocking
    };
    let with_ids = base.source.per_goroutine() && new.source.per_goroutine();
    let (base_order, mut base_map) = merge(base, on);
    let (new_order, new_map) = merge(new, on);
    let mut grown = Vec::new();
    let mut shrunk = Vec::new();
    for k in &new_order {
        let Some(n) = new_map.get(k) else { continue };
        let b = base_map.remove(k);
        let base_count = b.as_ref().map_or(0, |b| b.group.count);
        let survivors = with_ids.then(|| {
            let before: HashSet<u64> = b
                .as_ref()
                .map(|b| b.ids.iter().copied().collect())
                .unwrap_or_default();
            n.ids.iter().filter(|id| before.contains(id)).count() as u64
        });
        let change = GroupChange {
            group: n.group.clone(),
            base_count,
            new_count: n.group.count,
            survivors,
        };
        match change.new_count.cmp(&base_count) {
            std::cmp::Ordering::Greater => grown.push(change),
            std::cmp::Ordering::Less => shrunk.push(change),
            std::cmp::Ordering::Equal => {}
        }
    }
    for k in &base_order {
        if let Some(b) = base_map.remove(k) {
            let count = b.group.count;
            let survivors = with_ids.then_some(0);
            shrunk.push(GroupChange {
                group: b.group,
                base_count: count,
                new_count: 0,
                survivors,
            });
        }
    }
    grown.sort_by(|a, b| {
        b.delta()
            .cmp(&a.delta())
            .then_with(|| b.new_count.cmp(&a.new_count))
    });
    shrunk.sort_by_key(GroupChange::delta);
    GoroutineDiff {
        matched_on: on,
        base_total: base.total,
        new_total: new.total,
        grown,
        shrunk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use crate::count_profile_text::parse_count_profile;
    use crate::goroutine_dump::parse_dump;
    use crate::goroutine_group::{GroupOptions, GroupSource, group_counts, group_dump};

    /// Goroutines `ids` blocked in `function`, as `debug=2` prints them.
    fn dump(blocks: &[(&str, std::ops::Range<u64>)]) -> GoroutineGroups {
        let mut s = String::new();
        for (function, ids) in blocks {
            for id in ids.clone() {
                s.push_str(&format!(
                    "goroutine {id} [chan send]:\n{function}(0x1)\n\t/src/main.go:9 +0x1\ncreated by main.main in goroutine 1\n\t/src/main.go:3 +0x1\n\n"
                ));
            }
        }
        let d = parse_dump(s.as_bytes(), &Limits::default()).unwrap().unwrap();
        group_dump(&d, &GroupOptions::default())
    }

    #[test]
    fn growth_appearance_and_survivors() {
        let base = dump(&[
            ("main.leak", 10..15),
            ("main.churn", 20..25),
            ("main.gone", 30..31),
        ]);
        let new = dump(&[
            ("main.leak", 10..19),
            ("main.churn", 40..45),
            ("main.fresh", 50..52),
        ]);
        let d = diff_groups(&base, &new);
        assert_eq!(d.matched_on, MatchedOn::FullKey);
        assert_eq!((d.base_total, d.new_total), (11, 16));
        let grown: Vec<_> = d
            .grown
            .iter()
            .map(|c| (c.group.blocking.function.as_str(), c.delta(), c.survivors))
            .collect();
        assert_eq!(grown, [("main.leak", 4, Some(5)), ("main.fresh", 2, Some(0))]);
        assert!(d.grown[1].appeared());
        assert_eq!(d.shrunk.len(), 1);
        assert_eq!(d.shrunk[0].group.blocking.function, "main.gone");
    }

    #[test]
    fn mixed_formats_match_on_entry_and_blocking_site() {
        let base = dump(&[("main.leak", 10..12)]);
        let text = "goroutine profile: total 5\n5 @ 0x1\n#\t0x1\tmain.leak+0x1\t/src/main.go:9\n\n";
        let p = parse_count_profile(text.as_bytes(), &Limits::default())
            .unwrap()
            .unwrap();
        let new = group_counts(&p, GroupSource::Debug1, &GroupOptions::default());
        let d = diff_groups(&base, &new);
        assert_eq!(d.matched_on, MatchedOn::EntryAndBlocking);
        assert_eq!(
            (d.grown.len(), d.grown[0].delta(), d.grown[0].survivors),
            (1, 3, None)
        );
    }
}
