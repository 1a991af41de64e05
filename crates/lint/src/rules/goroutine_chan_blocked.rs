//! `goroutine-chan-blocked`: a goroutine's send or receive on a channel of the
//! spawning function that the spawning function can abandon.

use tree_sitter::Node;

use super::Rule;
use super::spawn::{in_loop, spawned};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants, named_children, unparen};

/// The rule; its doc is `leakscope_rules` `docs/goroutine-chan-blocked.md`.
pub struct GoroutineChanBlocked;

const ID: &str = "goroutine-chan-blocked";

impl Rule for GoroutineChanBlocked {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        for go_stmt in ctx.nodes_of_kind("go_statement") {
            check_go(ctx, go_stmt, out);
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Send,
    Recv,
    Range,
}

fn check_go(ctx: &FileCtx<'_>, go_stmt: Node<'_>, out: &mut Vec<Finding>) {
    let Some(sp) = spawned(ctx, go_stmt) else { return };
    let Some(spawner) = syntax::enclosing_function(go_stmt) else {
        return;
    };
    let Some(body) = sp.func.child_by_field_name("body") else {
        return;
    };
    let gctx = &sp.ctx;
    let mut seen: Vec<String> = Vec::new();
    for n in syntax::descendants_in_function(body) {
        let Some((chan_node, op)) = blocking_op(gctx, n) else {
            continue;
        };
        let inner = gctx.text(unparen(chan_node));
        // Map the goroutine's name for the channel to the spawner's variable.
        let outer = if sp.func.kind() == "func_literal" {
            inner.to_string()
        } else {
            match sp.args.iter().find(|(p, _)| p == inner) {
                Some((_, arg)) if arg.kind() == "identifier" => ctx.text(*arg).to_string(),
                _ => continue,
            }
        };
        if seen.contains(&outer) {
            continue;
        }
        seen.push(outer.clone());
        let makes = make_sites(ctx, spawner, &outer);
        if makes.is_empty() {
            continue; // not the spawner's own channel
        }
        let unbuffered = makes.iter().copied().find(|m| is_unbuffered(ctx, *m));
        let many = in_loop(go_stmt)
            || (op == Op::Send && syntax::ancestor_in_function(n, &["for_statement"]).is_some());
        let (report_at, served_by): (Node<'_>, &str) = match op {
            Op::Send => match unbuffered {
                Some(m) => (m, "receiving from it"),
                None => continue, // buffered: capacity reasoning is out of reach
            },
            Op::Recv => (go_stmt, "sending on or closing it"),
            Op::Range => (go_stmt, "closing it"),
        };
        let ch = outer.as_str();
        let serves = |x: Node<'_>| serves(ctx, x, ch, op, many);
        let handles = flow::aliases(spawner, ctx.src(), std::slice::from_ref(&outer));
        // Goroutines started in a loop are all pending once the loop is done.
        let start = outermost_loop(go_stmt).unwrap_or(go_stmt);
        let mut res = Resource::new(start, handles, &[]);
        res.custom_release = Some(&serves);
        let Some(leak) = flow::analyze(ctx, &res) else {
            continue;
        };
        let verb = match op {
            Op::Send => "sends on unbuffered",
            Op::Recv => "receives from",
            Op::Range => "ranges over",
        };
        let line = n.start_position().row + 1;
        out.push(ctx.finding(
            ID,
            report_at,
            format!(
                "the goroutine started at line {} {verb} `{ch}` (line {line}) and blocks forever: the function can return without {served_by} {}",
                go_stmt.start_position().row + 1,
                leak.describe()
            ),
        ));
    }
}

/// A send, receive or range on a channel that can block forever (not one
/// case among others in a `select`).
fn blocking_op<'t>(ctx: &FileCtx<'_>, n: Node<'t>) -> Option<(Node<'t>, Op)> {
    let (chan, op) = match n.kind() {
        "send_statement" => (n.child_by_field_name("channel")?, Op::Send),
        "unary_expression"
            if n.child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "<-") =>
        {
            (n.child_by_field_name("operand")?, Op::Recv)
        }
        "range_clause" => (n.child_by_field_name("right")?, Op::Range),
        _ => return None,
    };
    if unparen(chan).kind() != "identifier" {
        return None;
    }
    let in_select_case = syntax::ancestor_in_function(n, &["communication_case"])
        .and_then(|c| c.parent())
        .is_some_and(|sel| named_children(sel).len() > 1);
    (!in_select_case).then_some((chan, op))
}

/// `ch := make(chan T[, n])` / `ch = make(...)` / `var ch = make(...)` in `func`.
fn make_sites<'t>(ctx: &FileCtx<'_>, func: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for stmt in descendants(func) {
        if !matches!(
            stmt.kind(),
            "short_var_declaration" | "assignment_statement" | "var_spec"
        ) {
            continue;
        }
        let names = syntax::assigned_names(stmt, ctx.src());
        for (i, value) in syntax::assigned_values(stmt).into_iter().enumerate() {
            if names.get(i) == Some(&name)
                && syntax::call(value).is_some_and(|c| ctx.text(c.name) == "make" && c.operand.is_none())
                && ctx.text(value).contains("chan")
            {
                out.push(value);
            }
        }
    }
    out
}

fn is_unbuffered(ctx: &FileCtx<'_>, make: Node<'_>) -> bool {
    syntax::call(make).is_some_and(|c| c.args.len() < 2 || c.args.get(1).is_some_and(|a| ctx.text(*a) == "0"))
}

/// Does `x` (a node on the spawner's path) serve the goroutine's `op` on `ch`?
fn serves(ctx: &FileCtx<'_>, x: Node<'_>, ch: &str, op: Op, many: bool) -> bool {
    let is_ch = |n: Option<Node<'_>>| n.is_some_and(|n| ctx.text(unparen(n)) == ch);
    match x.kind() {
        // Passed to any call (another worker, a helper that drains): someone else may serve it.
        "argument_list" => {
            named_children(x).iter().any(|a| ctx.text(unparen(*a)) == ch) && {
                let callee = x
                    .parent()
                    .and_then(syntax::call)
                    .map(|c| ctx.text(c.name))
                    .unwrap_or("");
                !matches!(callee, "len" | "cap") && (callee != "close" || op != Op::Send)
            }
        }
        "return_statement" => descendants(x).any(|n| n.kind() == "identifier" && ctx.text(n) == ch),
        "send_statement" => op == Op::Recv && is_ch(x.child_by_field_name("channel")),
        "unary_expression" if op == Op::Send => {
            x.child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "<-")
                && is_ch(x.child_by_field_name("operand"))
                && (!many || drains(x))
        }
        "range_clause" if op == Op::Send => is_ch(x.child_by_field_name("right")),
        _ => false,
    }
}

/// A receive inside a loop with no early exit drains every sender.
fn drains(recv: Node<'_>) -> bool {
    let Some(lp) = syntax::ancestor_in_function(recv, &["for_statement"]) else {
        return false;
    };
    let Some(body) = lp.child_by_field_name("body") else {
        return false;
    };
    // `case err := <-errC: active--; if active == 0 { return }`: counts the senders down.
    let counts_down = syntax::descendants_in_function(body).any(|n| n.kind() == "dec_statement");
    counts_down
        || !syntax::descendants_in_function(body).any(|n| {
            matches!(
                n.kind(),
                "return_statement" | "break_statement" | "goto_statement"
            )
        })
}

/// The outermost `for` of the function that contains `node` in its body.
fn outermost_loop(node: Node<'_>) -> Option<Node<'_>> {
    let mut found = None;
    let mut cur = node;
    while let Some(lp) = syntax::ancestor_in_function(cur, &["for_statement"]) {
        if lp
            .child_by_field_name("body")
            .is_some_and(|b| syntax::contains(b, node))
        {
            found = Some(lp);
        }
        cur = lp;
    }
    found
}
