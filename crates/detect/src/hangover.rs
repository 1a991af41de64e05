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
    let released = pooled(&probe.first) - pooled(&probe.second);
    if released < MIN_RELEASED || released < 0.1 * first {
        return None;
    }
    let top = probe
        .first
        .iter()
        .filter(|s| any_starts_with(&s.stack, &["sync.(*Pool)."]))
        .max_by(|a, b| a.inuse_bytes.total_cmp(&b.inuse_bytes))?;
    let mut f = Finding::new(
        "pool-hangover",
        Severity::Hangover,
        format!(
            "{} held by sync.Pool was released by a second forced GC: high, but not a leak",
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
    f.evidence.stacks.push(top.stack.clone());
    Some(f)
}
