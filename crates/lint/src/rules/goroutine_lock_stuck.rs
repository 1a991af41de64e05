//! `goroutine-lock-stuck`: `mu.Lock()` not followed by `mu.Unlock()` on every
//! path, so the next `Lock` (in this or another goroutine) blocks forever.

use tree_sitter::Node;

use super::Rule;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants};

/// See [`DOC`].
pub struct GoroutineLockStuck;

const ID: &str = "goroutine-lock-stuck";

const DOC: &str = r#"## What it does
Finds `mu.Lock()` / `mu.RLock()` calls after which some path leaves the function (an early
`return`, a `continue` to the next iteration) without the matching `Unlock` / `RUnlock`.
Functions that return holding the lock by design are recognised when they say so: names starting
with `lock`/`acquire`, or returning the unlock function or the locked value.

## Why is this bad?
A mutex left locked is never unlocked by the runtime. Every goroutine that later calls `Lock` on it
parks forever (`sync.Mutex.Lock` wait reason), typically one per request, and with them whatever
they hold.

## Example
```go
a.mu.Lock()
if a.balance+amount < 0 {
    return errInsufficientFunds // a.mu stays locked
}
a.balance += amount
a.mu.Unlock()
```

## Use instead
```go
a.mu.Lock()
defer a.mu.Unlock()
```

## References
- https://pkg.go.dev/sync#Mutex
"#;

impl Rule for GoroutineLockStuck {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
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
    let res = Resource::new(call, handles, unlock);
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
    ctx.package_files.iter().any(|f| {
        descendants(f.tree.root_node()).any(|n| {
            matches!(n.kind(), "field_declaration" | "var_spec")
                && n.child_by_field_name("type")
                    .is_some_and(|t| syntax::text(t, &f.src).ends_with("Mutex"))
                && syntax::text(n, &f.src).split_whitespace().next() == Some(last)
        })
    })
}
