//! Hangover: memory that is high now but comes back without a fix.
//!
//! `sync.Pool` keeps its objects through one GC in a victim cache and drops
//! them at the second. The collector forces two GCs back to back at the end
//! of a run; bytes that the second GC released under pool machinery are pool
//! hangover, not a leak.

use crate::finding::{Finding, Severity};
use crate::frames::{any_starts_with, first_user_frame};
use crate::heap::bytes;
use crate::snapshot::{HangoverProbe, Target};

/// Released bytes that make a hangover worth reporting.
const MIN_RELEASED: f64 = 1024.0 * 1024.0;

/// A pool-hangover finding when the second forced GC released pooled memory.
pub fn pool_hangover(probe: &HangoverProbe, target: &Target) -> Option<Finding> {
    let total = |h: &[crate::snapshot::HeapSample]| h.iter().map(|s| s.inuse_bytes).sum::<f64>();
    let pooled = |h: &[crate::snapshot::HeapSample]| {
        h.iter()
            .filter(|s| any_starts_with(&s.stack, &["sync.(*Pool)."]))
            .map(|s| s.inuse_bytes)
            .sum::<f64>()
    };
    let (first, second) = (total(&probe.first), total(&probe.second));
    // Only sync.Pool's victim cache (and objects with finalizers) survive exactly
    // one extra GC; pooled stacks name the pool, others are put back by user code.
    let released = first - second;
    if released < MIN_RELEASED || released < 0.1 * first {
        return None;
    }
    let via_pool = pooled(&probe.first) - pooled(&probe.second);
    let top = released_most(probe)?;
    let mut f = Finding::new(
        "pool-hangover",
        Severity::Hangover,
        format!(
            "{} survived one forced GC and was released by the next (sync.Pool's victim cache): high, but not a leak",
            bytes(released)
        ),
    );
    f.location = first_user_frame(&top.stack, &target.vendor_prefixes).map(Into::into);
    f.confidence = (released / first).clamp(0.5, 0.95);
    f.evidence.facts.push(format!(
        "post-GC live heap: {} after one forced GC, {} after a second (sync.Pool's victim cache dropped)",
        bytes(first),
        bytes(second)
    ));
    if via_pool > 0.5 * released {
        f.evidence.facts.push(format!(
            "{} of it was allocated by a sync.Pool's New",
            bytes(via_pool)
        ));
    }
    f.evidence.stacks.push(top.stack.clone());
    Some(f)
}

/// The stack whose in-use bytes dropped most between the two GCs.
fn released_most(probe: &HangoverProbe) -> Option<&crate::snapshot::HeapSample> {
    let after = |s: &crate::snapshot::HeapSample| {
        probe
            .second
            .iter()
            .filter(|t| t.stack == s.stack)
            .map(|t| t.inuse_bytes)
            .sum::<f64>()
    };
    probe
        .first
        .iter()
        .map(|s| (s.inuse_bytes - after(s), s))
        .filter(|(d, _)| *d > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s)
}
