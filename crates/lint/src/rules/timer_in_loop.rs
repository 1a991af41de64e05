//! `timer-in-loop`: `time.After` evaluated on every iteration of a loop, in a
//! module that runs with the pre-Go 1.23 timers (which live until they fire).

use tree_sitter::Node;

use super::Rule;
use crate::context::{FileCtx, GoVersion};
use crate::finding::Finding;
use crate::syntax;

/// See [`DOC`].
pub struct TimerInLoop;

const ID: &str = "timer-in-loop";

/// Go 1.23 made unreferenced timers collectable before they fire.
const COLLECTABLE_TIMERS: GoVersion = GoVersion { major: 1, minor: 23 };

const DOC: &str = r#"## What it does
Finds `time.After` calls evaluated on every iteration of a `for` loop (typically as a `select`
case) in modules that use the old timer implementation: `go.mod` says `go 1.22` or older (and no
`godebug asynctimerchan=0`), or GODEBUG `asynctimerchan=1` is set in `go.mod` (a `godebug` line
or block, or `default=go1.22` and older) or by a `//go:debug asynctimerchan=1` line.

## Why is this bad?
`time.After(d)` creates a new timer each time it is evaluated. With the pre-1.23 timers, a timer
that has not fired is referenced by the runtime's timer heap and cannot be collected until `d`
has passed, even though nothing can receive from its channel any more. A loop that goes round
every millisecond with a one-minute timeout keeps 60,000 timers (and their channels) alive.
Go 1.23 collects unreferenced timers right away, so modules on the new semantics are not reported.

## Example
```go
for {
    select {
    case msg := <-in:
        handle(msg)
    case <-time.After(time.Minute): // a new timer per message
        return
    }
}
```

## Use instead
```go
idle := time.NewTimer(time.Minute)
defer idle.Stop()
for {
    select {
    case msg := <-in:
        handle(msg)
        if !idle.Stop() {
            <-idle.C
        }
        idle.Reset(time.Minute)
    case <-idle.C:
        return
    }
}
```
Or move the module to `go 1.23` or later.

## References
- https://pkg.go.dev/time#After
- https://go.dev/doc/go1.23#timer-changes
- https://go.dev/doc/godebug#go-123
"#;

impl Rule for TimerInLoop {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.file.imports_path("time") {
            return;
        }
        let Some(why) = old_timers(ctx) else { return };
        if !ctx.src().contains("After(") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            if ctx.file.pkg_call(call, "time", &["After"]).is_none() {
                continue;
            }
            let Some(the_loop) = per_iteration_loop(call) else {
                continue;
            };
            out.push(ctx.finding(
                ID,
                call,
                format!(
                    "time.After in the loop at line {} creates a timer per iteration that stays alive until it fires ({why}): a fast loop piles them up",
                    the_loop.start_position().row + 1
                ),
            ));
        }
    }
}

/// Why the module runs with the old timers, or `None` if it does not (or we cannot tell).
fn old_timers(ctx: &FileCtx<'_>) -> Option<String> {
    // A later setting of the same key wins, as in go.mod; `//go:debug` lines come after go.mod's.
    let setting = |key: &str| {
        ctx.godebug.iter().rev().find_map(|kv| {
            kv.split_once('=')
                .filter(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim())
        })
    };
    if let Some(v) = setting("asynctimerchan") {
        return (v == "1").then(|| "GODEBUG asynctimerchan=1".to_string());
    }
    if let Some(v) = setting("default") {
        let version = GoVersion::parse(v.trim_start_matches("go"))?;
        return (version < COLLECTABLE_TIMERS).then(|| format!("godebug default={v}"));
    }
    let version = ctx.go_version?;
    (version < COLLECTABLE_TIMERS).then(|| format!("go.mod says go {}.{}", version.major, version.minor))
}

/// The loop (in the same function) that evaluates `call` once per iteration:
/// `call` is in its body, condition or post statement, not its init statement.
fn per_iteration_loop(call: Node<'_>) -> Option<Node<'_>> {
    let the_loop = syntax::ancestor_in_function(call, &["for_statement"])?;
    let in_init = syntax::named_children(the_loop)
        .into_iter()
        .find(|c| c.kind() == "for_clause")
        .and_then(|c| c.child_by_field_name("initializer"))
        .is_some_and(|init| syntax::contains(init, call));
    let in_range_header = syntax::named_children(the_loop)
        .into_iter()
        .find(|c| c.kind() == "range_clause")
        .is_some_and(|r| syntax::contains(r, call));
    if in_init || in_range_header {
        None
    } else {
        Some(the_loop)
    }
}
