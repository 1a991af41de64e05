//! `defer-in-loop`: a `defer` registered directly in a loop body, where some
//! path goes round the loop again before the function returns.

use tree_sitter::Node;

use super::Rule;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, LeakKind, Resource};
use crate::syntax::{self, unparen};

/// See [`DOC`].
pub struct DeferInLoop;

const ID: &str = "defer-in-loop";

const DOC: &str = r#"## What it does
Finds `defer` statements directly inside a `for` loop (not inside a function literal called in the
loop) when some path from the `defer` goes round the loop again instead of returning: every
iteration then registers one more deferred call.

## Why is this bad?
Deferred calls run when the *function* returns, not at the end of the iteration. Until then each
one keeps its arguments alive — an open file, a database `Rows` holding a connection, a locked
mutex — and the defer records themselves pile up on the heap. A loop over 10,000 files holds
10,000 descriptors; a worker loop that never returns holds them forever.

A loop that always returns (or leaves every enclosing loop) after the `defer` — a retry loop that
returns once it succeeds — registers it at most once and is not reported.

## Example
```go
for _, name := range names {
    f, err := os.Open(name)
    if err != nil {
        continue
    }
    defer f.Close() // closed only when the function returns
    process(f)
}
```

## Use instead
```go
for _, name := range names {
    if err := func() error {
        f, err := os.Open(name)
        if err != nil {
            return err
        }
        defer f.Close() // closed at the end of each iteration
        return process(f)
    }(); err != nil {
        return err
    }
}
```

## References
- https://go.dev/ref/spec#Defer_statements
- https://go-critic.com/overview.html#deferinloop
"#;

impl Rule for DeferInLoop {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.src().contains("defer") {
            return;
        }
        for defer in ctx.nodes_of_kind("defer_statement") {
            let Some(the_loop) = syntax::ancestor_in_function(defer, &["for_statement"]) else {
                continue;
            };
            if once_guarded(ctx, defer, the_loop) {
                continue;
            }
            let Some(func) = syntax::enclosing_function(defer) else {
                continue;
            };
            if func.has_error() {
                continue;
            }
            let func_id = func.id();
            // A `return` of this function ends the defer's lifetime; returns
            // inside nested literals do not.
            let returns = move |n: Node<'_>| {
                n.kind() == "return_statement"
                    && syntax::enclosing_function(n).is_some_and(|f| f.id() == func_id)
            };
            let mut res = Resource::new(defer, Vec::new(), &[]);
            res.custom_release = Some(&returns);
            let Some(leak) = flow::analyze(ctx, &res) else {
                continue;
            };
            if leak.kind != LeakKind::LoopIteration {
                continue;
            }
            let func_name = syntax::function_name(func, ctx.src())
                .map_or("the enclosing function literal".to_string(), |n| format!("`{n}`"));
            out.push(ctx.finding(
                ID,
                defer,
                format!(
                    "`defer {}` in the loop at line {} runs only when {func_name} returns: {} of every iteration stays held until then",
                    deferred_text(ctx, defer),
                    the_loop.start_position().row + 1,
                    held(ctx, defer),
                ),
            ));
        }
    }
}

/// The deferred call, shortened to one line.
fn deferred_text(ctx: &FileCtx<'_>, defer: Node<'_>) -> String {
    let Some(call) = defer.named_child(0) else {
        return "…".into();
    };
    let callee = call.child_by_field_name("function").map(unparen);
    if callee.is_some_and(|c| c.kind() == "func_literal") {
        return "func() { … }()".into();
    }
    let text = ctx.text(call);
    let first = text.lines().next().unwrap_or(text);
    if first.len() > 60 || first.len() < text.len() {
        format!("{}…", first.chars().take(60).collect::<String>())
    } else {
        first.to_string()
    }
}

/// What the deferred call keeps: its receiver (`f` in `f.Close()`), else "the deferred call".
fn held(ctx: &FileCtx<'_>, defer: Node<'_>) -> String {
    let receiver = defer
        .named_child(0)
        .and_then(syntax::call)
        .and_then(|c| c.operand)
        .map(|op| ctx.text(unparen(op)));
    match receiver {
        Some(r) if !r.is_empty() && !ctx.file.imports.contains_key(r) => format!("`{r}`"),
        _ => "the deferred call".into(),
    }
}

/// True if the defer sits in a lazy-initialisation block inside the loop —
/// `if x == nil { x = …; defer … }` (or `if !done { done = true; … }`) — whose
/// condition the block itself makes false, so it runs at most once.
fn once_guarded(ctx: &FileCtx<'_>, defer: Node<'_>, the_loop: Node<'_>) -> bool {
    let mut cur = defer.parent();
    while let Some(n) = cur {
        if n.id() == the_loop.id() {
            return false;
        }
        if n.kind() == "if_statement"
            && let (Some(cond), Some(then)) = (
                n.child_by_field_name("condition"),
                n.child_by_field_name("consequence"),
            )
            && syntax::contains(then, defer)
            && let Some(guard) = zero_test(ctx, unparen(cond))
            && assigns(ctx, then, guard)
        {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// `x == nil`, `nil == x`, `!x`, `x == 0`, `x == ""` → `x`.
fn zero_test<'a>(ctx: &FileCtx<'a>, cond: Node<'_>) -> Option<&'a str> {
    match cond.kind() {
        "unary_expression"
            if cond
                .child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "!") =>
        {
            cond.child_by_field_name("operand").map(|o| ctx.text(unparen(o)))
        }
        "binary_expression"
            if cond
                .child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "==") =>
        {
            let (l, r) = (
                cond.child_by_field_name("left")?,
                cond.child_by_field_name("right")?,
            );
            let zero = |n: Node<'_>| matches!(ctx.text(unparen(n)), "nil" | "0" | "\"\"" | "false");
            if zero(r) {
                Some(ctx.text(unparen(l)))
            } else if zero(l) {
                Some(ctx.text(unparen(r)))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// True if `block` assigns `name` with `=` (outside nested function literals).
fn assigns(ctx: &FileCtx<'_>, block: Node<'_>, name: &str) -> bool {
    crate::syntax::descendants(block).any(|n| {
        n.kind() == "assignment_statement"
            && n.child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "=")
            && syntax::assigned_names(n, ctx.src()).contains(&name)
    })
}
