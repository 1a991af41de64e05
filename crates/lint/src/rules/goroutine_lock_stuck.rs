//! `goroutine-lock-stuck`: `mu.Lock()` not followed by `mu.Unlock()` on every
//! path, so the next `Lock` (in this or another goroutine) blocks forever.

use tree_sitter::Node;

use super::Rule;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants};

/// The rule; its doc is `leakscope_rules` `docs/goroutine-lock-stuck.md`.
pub struct GoroutineLockStuck;

const ID: &str = "goroutine-lock-stuck";

impl Rule for GoroutineLockStuck {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.package.imports.contains("sync") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            check_lock(ctx, call, out);
        }
    }
}

fn check_lock(ctx: &FileCtx<'_>, call: Node<'_>, out: &mut Vec<Finding>) {
    let Some(c) = syntax::call(call) else { return };
    let Some(op) = c.operand else { return };
    let unlock: &[&str] = match ctx.text(c.name) {
        "Lock" if c.args.is_empty() => &["Unlock"],
        "RLock" if c.args.is_empty() => &["RUnlock"],
        _ => return,
    };
    // Only a statement `mu.Lock()`; not `defer mu.Lock()` (relock idiom) or `go`.
    if call.parent().is_none_or(|p| p.kind() != "expression_statement") {
        return;
    }
    // `defer func() { mu.Unlock(); mu.RLock() }()`: relocking for the caller.
    if syntax::enclosing_function(call).is_some_and(|f| {
        f.kind() == "func_literal"
            && f.parent()
                .and_then(|c| c.parent())
                .is_some_and(|d| d.kind() == "defer_statement")
    }) {
        return;
    }
    let Some(func) = syntax::enclosing_function(call) else {
        return;
    };
    if let Some(name) = syntax::function_name(func, ctx.src()) {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("lock")
            || lower.starts_with("rlock")
            || lower.starts_with("acquire")
            || lower.starts_with("must")
        {
            return;
        }
    }
    let mu = ctx.text(op);
    if !is_mutex(ctx, func, mu, unlock) {
        return;
    }
    // `defer mu.Unlock()` registered before a re-Lock covers it at exit.
    let deferred_before = descendants(func).any(|n| {
        n.kind() == "defer_statement"
            && n.start_byte() < call.start_byte()
            && descendants(n)
                .filter_map(syntax::call)
                .any(|d| d.operand.is_some_and(|o| ctx.text(o) == mu) && unlock.contains(&ctx.text(d.name)))
    });
    if deferred_before {
        return;
    }
    let mut handles = vec![mu.to_string()];
    // `s.mu` locked and `s` returned: the caller got a locked value on purpose.
    if let Some(base) = mu.rsplit_once('.').map(|(b, _)| b) {
        handles.push(base.to_string());
    }
    let handles = flow::aliases(func, ctx.src(), &handles);
    let base = mu.rsplit_once('.').map(|(b, _)| b.to_string());
    let src = ctx.src();
    // Hand-offs particular to locks: returning the unlock function (under any
    // name), and hand-over-hand locking that moves the locked node to another
    // variable (`y = l` after `l.mu.Lock()`).
    let handed_off = |n: Node<'_>| match n.kind() {
        "return_statement" => {
            let t = syntax::text(n, src).to_ascii_lowercase();
            t.contains("unlock") || t.contains("release")
        }
        "assignment_statement" | "short_var_declaration" => base.as_deref().is_some_and(|b| {
            syntax::assigned_values(n)
                .iter()
                .any(|v| syntax::text(*v, src) == b)
        }),
        _ => false,
    };
    let mut res = Resource::new(call, handles, unlock);
    res.custom_release = Some(&handed_off);
    if correlated_unlock(ctx, func, call, mu, unlock) {
        return;
    }
    if let Some(leak) = flow::analyze(ctx, &res) {
        out.push(ctx.finding(
            ID,
            call,
            format!(
                "`{mu}` is locked here and not unlocked {}; the next `{mu}.Lock()` blocks forever",
                leak.describe()
            ),
        ));
    }
}

/// The receiver is a mutex if it is unlocked somewhere in this function (the
/// author pairs them) or its name is declared with a `Mutex` type in the package.
fn is_mutex(ctx: &FileCtx<'_>, func: Node<'_>, mu: &str, unlock: &[&str]) -> bool {
    let paired = descendants(func)
        .filter_map(syntax::call)
        .any(|c| c.operand.is_some_and(|o| ctx.text(o) == mu) && unlock.contains(&ctx.text(c.name)));
    if paired {
        return true;
    }
    let last = mu.rsplit('.').next().unwrap_or(mu);
    ctx.package.mutex_names.contains(last)
}

/// `if b == 10 { mu.Lock() }` … `if b == 10 { mu.Unlock() }`: the same
/// condition guards both (a path correlation the walk does not track).
fn correlated_unlock(ctx: &FileCtx<'_>, func: Node<'_>, call: Node<'_>, mu: &str, unlock: &[&str]) -> bool {
    let Some(guard) = syntax::ancestor_in_function(call, &["if_statement"]) else {
        return false;
    };
    let Some(cond) = guard.child_by_field_name("condition").map(|c| ctx.text(c)) else {
        return false;
    };
    descendants(func).any(|n| {
        n.kind() == "if_statement"
            && n.start_byte() > guard.end_byte()
            && n.child_by_field_name("condition")
                .is_some_and(|c| ctx.text(c) == cond)
            && descendants(n)
                .filter_map(syntax::call)
                .any(|c| c.operand.is_some_and(|o| ctx.text(o) == mu) && unlock.contains(&ctx.text(c.name)))
    })
}
