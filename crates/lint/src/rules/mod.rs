//! The rule registry: one unit struct per rule, one file per rule, listed once
//! in [`RULES`]. See the crate docs for how to add one.

use crate::context::FileCtx;
use crate::finding::Finding;

pub mod acquire;
pub mod bounds;
pub mod buffer_facts;
pub mod buffers;
pub mod pkg_index;
pub mod pools;
pub mod reach;
pub mod scopes;
pub mod spawn;

mod client_per_request;
mod file_not_closed;
mod goroutine_chan_blocked;
mod goroutine_ctx_never_cancelled;
mod goroutine_lock_stuck;
mod goroutine_select_forever;
mod goroutine_waitgroup_stuck;
mod http_body_not_closed;
mod sql_rows_not_closed;

mod cache_unbounded;
mod cgo_not_freed;
mod closure_retains;
mod defer_in_loop;
mod pool_of_resources;
mod pool_put_unbounded;
mod subscription_not_removed;
mod subslice_retains_array;
mod ticker_not_stopped;
mod timer_in_loop;

/// A static rule. Implementations are unit structs, registered in [`RULES`].
pub trait Rule: Sync {
    /// The rule id; must be one of `leakscope_rules::RULES` (a test checks).
    fn id(&self) -> &'static str;
    /// The rule's Markdown doc: by default the one `leakscope explain` prints
    /// (`crates/rules/docs/<id>.md`), so it is written once. SARIF help shows it.
    fn doc(&self) -> &'static str {
        leakscope_rules::find(self.id()).map_or("", |r| r.doc)
    }
    /// Appends the findings for one file. Must not do I/O or panic on odd input.
    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>);
}

/// Every static rule, in the order of DESIGN §3.
pub static RULES: &[&dyn Rule] = &[
    &goroutine_chan_blocked::GoroutineChanBlocked,
    &goroutine_ctx_never_cancelled::GoroutineCtxNeverCancelled,
    &goroutine_select_forever::GoroutineSelectForever,
    &goroutine_waitgroup_stuck::GoroutineWaitgroupStuck,
    &goroutine_lock_stuck::GoroutineLockStuck,
    &http_body_not_closed::HttpBodyNotClosed,
    &sql_rows_not_closed::SqlRowsNotClosed,
    &file_not_closed::FileNotClosed,
    &client_per_request::ClientPerRequest,
    &closure_retains::ClosureRetains,
    &subslice_retains_array::SubsliceRetainsArray,
    &cache_unbounded::CacheUnbounded,
    &pool_of_resources::PoolOfResources,
    &pool_put_unbounded::PoolPutUnbounded,
    &defer_in_loop::DeferInLoop,
    &ticker_not_stopped::TickerNotStopped,
    &timer_in_loop::TimerInLoop,
    &cgo_not_freed::CgoNotFreed,
    &subscription_not_removed::SubscriptionNotRemoved,
];

/// The rule with `id`, if it is a static rule.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_in_the_taxonomy_documented_and_has_cases() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/lint");
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(
                leakscope_rules::find(r.id()).is_some(),
                "{} is not in leakscope-rules",
                r.id()
            );
            assert!(seen.insert(r.id()), "{} registered twice", r.id());
            assert!(r.doc().contains("## "), "{} has no structured doc", r.id());
            assert!(
                corpus.join(r.id()).is_dir(),
                "{} has no corpus/lint/{} cases",
                r.id(),
                r.id()
            );
        }
    }
}
