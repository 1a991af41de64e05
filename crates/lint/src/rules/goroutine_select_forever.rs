//! `goroutine-select-forever`: goroutines that can never exit — `select {}`,
//! or an exit-less `for` loop — started per request or per iteration.

use tree_sitter::Node;

use super::Rule;
use super::spawn::{is_process_lifetime, per_request, spawned};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow;
use crate::syntax::{self, descendants_in_function, named_children};

/// The rule; its doc is `leakscope_rules` `docs/goroutine-select-forever.md`.
pub struct GoroutineSelectForever;

const ID: &str = "goroutine-select-forever";

impl Rule for GoroutineSelectForever {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        for go_stmt in ctx.nodes_of_kind("go_statement") {
            let Some(sp) = spawned(ctx, go_stmt) else { continue };
            let Some(body) = sp.func.child_by_field_name("body") else {
                continue;
            };
            let Some(spawner) = syntax::enclosing_function(go_stmt) else {
                continue;
            };
            if is_process_lifetime(ctx, spawner) {
                continue;
            }
            let who = syntax::function_name(sp.func, sp.ctx.src())
                .map_or("the goroutine".to_string(), str::to_string);
            if let Some(sel) = find_top(body, &|n| {
                n.kind() == "select_statement" && named_children(n).is_empty()
            }) {
                let line = sel.start_position().row + 1;
                out.push(ctx.finding(
                    ID,
                    go_stmt,
                    format!("{who} parks forever in `select {{}}` at line {line}"),
                ));
                continue;
            }
            let Some(why) = per_request(ctx, go_stmt) else {
                continue;
            };
            if let Some(lp) = find_top(body, &|n| n.kind() == "for_statement" && is_exitless(&sp.ctx, n)) {
                let line = lp.start_position().row + 1;
                out.push(ctx.finding(
                    ID,
                    go_stmt,
                    format!("{who} never exits: the loop at line {line} has no return or break, and it is started {why}"),
                ));
            }
        }
    }
}

/// The first node matching `pred` in `body`, outside nested function literals.
fn find_top<'t>(body: Node<'t>, pred: &dyn Fn(Node<'t>) -> bool) -> Option<Node<'t>> {
    descendants_in_function(body).find(|n| pred(*n))
}

/// `for {` (or `for range t.C` / `for range time.Tick(d)`: ticker channels
/// are never closed) with no way out.
fn is_exitless(ctx: &FileCtx<'_>, lp: Node<'_>) -> bool {
    let mut infinite = true;
    for header in named_children(lp) {
        match header.kind() {
            "block" | "comment" => {}
            "range_clause" => {
                let right = header
                    .child_by_field_name("right")
                    .map(|r| ctx.text(r))
                    .unwrap_or("");
                let ticker = right.ends_with(".C")
                    || (right.contains(".Tick(")
                        && ctx.file.is_pkg(right.split('.').next().unwrap_or(""), "time"));
                if !ticker {
                    infinite = false;
                }
            }
            "for_clause" => {
                if header.child_by_field_name("condition").is_some() {
                    infinite = false;
                }
            }
            _ => infinite = false,
        }
    }
    if !infinite {
        return false;
    }
    let Some(body) = lp.child_by_field_name("body") else {
        return false;
    };
    let label = lp
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.child_by_field_name("label"));
    !descendants_in_function(body).any(|n| match n.kind() {
        "return_statement" | "goto_statement" => true,
        "break_statement" => match named_children(n).first() {
            Some(l) => label.is_some_and(|lab| ctx.text(lab) == ctx.text(*l)),
            None => breaks_this_loop(n, lp),
        },
        "call_expression" => flow::is_terminating_call(ctx, n),
        _ => false,
    })
}

/// An unlabelled `break` leaves the innermost for/switch/select: is that `lp`?
fn breaks_this_loop(brk: Node<'_>, lp: Node<'_>) -> bool {
    let mut cur = brk.parent();
    while let Some(n) = cur {
        if n.id() == lp.id() {
            return true;
        }
        if matches!(
            n.kind(),
            "for_statement" | "expression_switch_statement" | "type_switch_statement" | "select_statement"
        ) {
            return false;
        }
        cur = n.parent();
    }
    false
}
