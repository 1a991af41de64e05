//! `ticker-not-stopped`: `time.NewTicker` without `Stop` on every path (or an
//! ownership hand-off), and `time.Tick` in a function that can return.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Target, target};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, LeakKind, Resource};
use crate::syntax::{self, descendants, named_children, unparen};

/// See [`DOC`].
pub struct TickerNotStopped;

const ID: &str = "ticker-not-stopped";

const DOC: &str = r#"## What it does
Finds `time.NewTicker` results that are not stopped on some path from their creation to the
function's exit (returned, stored in a field, passed to a function that stops them, or captured by
a goroutine that stops them all count as handing them off), tickers created inline and never
named (`for range time.NewTicker(d).C`), and `time.Tick` in a function that can return (or in a
loop), outside `main`, `init` and tests.

## Why is this bad?
A ticker fires until it is stopped. Before Go 1.23 an unstopped ticker is never garbage
collected, even when nothing references it: every call of a function that forgets `Stop` leaks
one runtime timer for the life of the process. Since Go 1.23 an unreferenced ticker can be
collected, but one that a goroutine still selects on keeps firing and waking it up. `time.Tick`
gives no way to stop its ticker at all, so it belongs only in code that runs once and never
returns.

## Example
```go
func waitReady(ctx context.Context) error {
    t := time.NewTicker(10 * time.Millisecond)
    for {
        select {
        case <-ctx.Done():
            return ctx.Err() // t keeps firing
        case <-t.C:
            if ready() {
                return nil
            }
        }
    }
}
```

## Use instead
```go
t := time.NewTicker(10 * time.Millisecond)
defer t.Stop()
```

## References
- https://pkg.go.dev/time#NewTicker
- https://pkg.go.dev/time#Tick
- https://staticcheck.dev/docs/checks/#SA1015
"#;

impl Rule for TickerNotStopped {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let src = ctx.src();
        if !ctx.file.imports_path("time") || !(src.contains("NewTicker") || src.contains("Tick(")) {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            match ctx.file.pkg_call(call, "time", &["NewTicker", "Tick"]) {
                Some("NewTicker") => new_ticker(ctx, call, out),
                Some(_) => tick(ctx, call, out),
                None => {}
            }
        }
    }
}

fn new_ticker(ctx: &FileCtx<'_>, call: Node<'_>, out: &mut Vec<Finding>) {
    match target(ctx, call) {
        Target::Discarded => {
            out.push(ctx.finding(
                ID,
                call,
                "the ticker from time.NewTicker is discarded, so it is never stopped".into(),
            ));
        }
        Target::Elsewhere => {
            // `time.NewTicker(d).C` used inline: nothing can ever call Stop.
            let parent = call.parent().filter(|p| p.kind() == "selector_expression");
            if parent
                .and_then(|p| p.child_by_field_name("field"))
                .is_some_and(|f| ctx.text(f) == "C")
            {
                out.push(ctx.finding(
                    ID,
                    call,
                    "the ticker from time.NewTicker is only used through its channel `.C`, so it can never be stopped".into(),
                ));
            }
        }
        Target::Local { stmt, var, .. } => {
            let Some(func) = syntax::enclosing_function(stmt) else {
                return;
            };
            if func.has_error() {
                return;
            }
            let handles = flow::aliases(func, ctx.src(), std::slice::from_ref(&var));
            if owned_by_endless_goroutine(ctx, func, &handles) {
                return;
            }
            let res = Resource::new(call, handles.clone(), &["Stop"]);
            let Some(leak) = flow::analyze(ctx, &res) else {
                return;
            };
            let channels: Vec<String> = handles.iter().map(|h| format!("{h}.C")).collect();
            if leak.kind == LeakKind::FunctionEnd && ends_in_endless_range(ctx, func, call, &channels) {
                return;
            }
            out.push(ctx.finding(
                ID,
                call,
                format!(
                    "ticker `{var}` from time.NewTicker is not stopped {}",
                    leak.describe()
                ),
            ));
        }
    }
}

fn tick(ctx: &FileCtx<'_>, call: Node<'_>, out: &mut Vec<Finding>) {
    if ctx.file.is_test || runs_once(ctx, call) {
        return;
    }
    let Some(func) = syntax::enclosing_function(call) else {
        return;
    };
    if func.has_error() {
        return;
    }
    // `for range time.Tick(d)` never ends unless its body leaves the loop.
    if range_loop_over(call).is_some_and(|l| !loop_can_exit(ctx, l)) {
        return;
    }
    let res = Resource::new(call, Vec::new(), &[]);
    let Some(leak) = flow::analyze(ctx, &res) else {
        return;
    };
    // `tick := time.Tick(d)` followed by an endless `for range tick`.
    if let Target::Local { var, .. } = target(ctx, call)
        && leak.kind == LeakKind::FunctionEnd
        && ends_in_endless_range(ctx, func, call, &[var])
    {
        return;
    }
    let name = syntax::function_name(func, ctx.src())
        .map_or("its function literal".to_string(), |n| format!("`{n}`"));
    let message = match (leak.kind, syntax::ancestor_in_function(call, &["for_statement"])) {
        (LeakKind::LoopIteration, Some(l)) => format!(
            "time.Tick in the loop at line {} starts a new ticker on every iteration, and none of them can ever be stopped",
            l.start_position().row + 1
        ),
        _ => format!(
            "time.Tick's ticker can never be stopped, and {name} can return ({}): every call leaks one ticker",
            leak.describe()
                .trim_start_matches("on ")
                .trim_start_matches("when ")
        ),
    };
    out.push(ctx.finding(ID, call, message));
}

fn runs_once(ctx: &FileCtx<'_>, node: Node<'_>) -> bool {
    let mut outermost = None;
    let mut cur = syntax::enclosing_function(node);
    while let Some(f) = cur {
        outermost = Some(f);
        cur = syntax::enclosing_function(f);
    }
    match outermost
        .filter(|f| f.kind() == "function_declaration")
        .and_then(|f| syntax::function_name(f, ctx.src()))
    {
        Some("init") => true,
        Some("main") => ctx.file.package == "main",
        _ => false,
    }
}

/// The `for` statement whose range clause ranges over `expr`.
fn range_loop_over(expr: Node<'_>) -> Option<Node<'_>> {
    let mut node = expr;
    while let Some(p) = node.parent() {
        if p.kind() == "parenthesized_expression" {
            node = p;
            continue;
        }
        if p.kind() == "range_clause"
            && p.child_by_field_name("right")
                .is_some_and(|r| r.id() == node.id())
        {
            return p.parent().filter(|f| f.kind() == "for_statement");
        }
        return None;
    }
    None
}

/// True if the loop's body can leave it: a `return` of the same function, a
/// `break` that targets it, or a `goto`. (A ticker's channel is never closed,
/// so a range over it only ends that way.)
fn loop_can_exit(ctx: &FileCtx<'_>, the_loop: Node<'_>) -> bool {
    let Some(body) = the_loop.child_by_field_name("body") else {
        return true;
    };
    let func = syntax::enclosing_function(the_loop).map(|f| f.id());
    let label = the_loop
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"))
        .map(|l| ctx.text(l));
    descendants(body).any(|n| {
        if syntax::enclosing_function(n).map(|f| f.id()) != func {
            return false;
        }
        match n.kind() {
            "return_statement" | "goto_statement" => true,
            "break_statement" => match named_children(n).first() {
                Some(l) => Some(ctx.text(*l)) == label,
                None => breaks_target(n).is_some_and(|t| t.id() == the_loop.id()),
            },
            _ => false,
        }
    })
}

/// The statement an unlabelled `break` leaves: the nearest for/switch/select.
fn breaks_target(brk: Node<'_>) -> Option<Node<'_>> {
    syntax::ancestor_in_function(
        brk,
        &[
            "for_statement",
            "expression_switch_statement",
            "type_switch_statement",
            "select_statement",
        ],
    )
}

/// True if, after `call`, the function body reaches an endless `for range`
/// over one of `channels` (the ticker's `t.C`): its end is then unreachable.
fn ends_in_endless_range(ctx: &FileCtx<'_>, func: Node<'_>, call: Node<'_>, channels: &[String]) -> bool {
    let Some(body) = func.child_by_field_name("body") else {
        return false;
    };
    syntax::block_statements(body).into_iter().any(|stmt| {
        let stmt = if stmt.kind() == "labeled_statement" {
            named_children(stmt)
                .into_iter()
                .find(|c| c.kind() == "for_statement")
                .unwrap_or(stmt)
        } else {
            stmt
        };
        if stmt.kind() != "for_statement" || stmt.start_byte() < call.end_byte() {
            return false;
        }
        let over = named_children(stmt)
            .into_iter()
            .find(|c| c.kind() == "range_clause")
            .and_then(|r| r.child_by_field_name("right"))
            .map(unparen);
        let over_ticker = over.is_some_and(|o| channels.iter().any(|c| ctx.text(o) == c));
        over_ticker && !loop_can_exit(ctx, stmt)
    })
}

/// True if a goroutine started in `func` ranges over the ticker's channel
/// forever (`go func() { for range t.C { … } }()` with no way out): the
/// ticker lives exactly as long as that goroutine, which is the leak to fix
/// (goroutine rules report it), and stopping the ticker would change nothing.
fn owned_by_endless_goroutine(ctx: &FileCtx<'_>, func: Node<'_>, handles: &[String]) -> bool {
    let channels: Vec<String> = handles.iter().map(|h| format!("{h}.C")).collect();
    descendants(func).filter(|n| n.kind() == "go_statement").any(|g| {
        descendants(g).filter(|n| n.kind() == "for_statement").any(|l| {
            let over = named_children(l)
                .into_iter()
                .find(|c| c.kind() == "range_clause")
                .and_then(|r| r.child_by_field_name("right"))
                .map(unparen);
            over.is_some_and(|o| channels.iter().any(|c| ctx.text(o) == c)) && !loop_can_exit(ctx, l)
        })
    })
}
