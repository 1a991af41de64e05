//! `goroutine-waitgroup-stuck`: a worker that can return without `wg.Done()`,
//! or `wg.Add` with no `Done` anywhere, so `wg.Wait()` never returns.

use tree_sitter::Node;

use super::Rule;
use super::spawn::{Spawned, spawned};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants};

/// The rule; its doc is `leakscope_rules` `docs/goroutine-waitgroup-stuck.md`.
pub struct GoroutineWaitgroupStuck;

const ID: &str = "goroutine-waitgroup-stuck";

impl Rule for GoroutineWaitgroupStuck {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.package.imports.contains("sync") {
            return;
        }
        for go_stmt in ctx.nodes_of_kind("go_statement") {
            if let Some(sp) = spawned(ctx, go_stmt) {
                check_worker(&sp, go_stmt, out);
            }
        }
        for call in ctx.nodes_of_kind("call_expression") {
            check_add_without_done(ctx, call, out);
        }
    }
}

/// The WaitGroup the spawned function signals: a `*sync.WaitGroup`
/// parameter, or a captured variable whose `Done` it calls.
fn waitgroup_handle(sp: &Spawned<'_>) -> Option<String> {
    let ctx = &sp.ctx;
    if sp.func.kind() == "function_declaration" {
        let names = syntax::parameter_names(sp.func, ctx.src());
        let types = syntax::parameter_types(sp.func, ctx.src());
        return names
            .iter()
            .zip(types)
            .find(|(_, t)| t.ends_with("sync.WaitGroup"))
            .map(|(n, _)| (*n).to_string());
    }
    let body = sp.func.child_by_field_name("body")?;
    descendants(body).filter_map(syntax::call).find_map(|c| {
        let op = c.operand?;
        (ctx.text(c.name) == "Done" && c.args.is_empty() && looks_like_waitgroup(ctx, sp.func, ctx.text(op)))
            .then(|| ctx.text(op).to_string())
    })
}

/// `wg`, `s.wg`, `workers`… with `.Add(` or `.Wait()` calls around the literal.
fn looks_like_waitgroup(ctx: &FileCtx<'_>, lit: Node<'_>, name: &str) -> bool {
    let Some(outer) = syntax::enclosing_function(lit) else {
        return false;
    };
    descendants(outer).filter_map(syntax::call).any(|c| {
        c.operand.is_some_and(|op| ctx.text(op) == name) && matches!(ctx.text(c.name), "Add" | "Wait")
    })
}

fn check_worker(sp: &Spawned<'_>, go_stmt: Node<'_>, out: &mut Vec<Finding>) {
    let Some(wg) = waitgroup_handle(sp) else { return };
    let wctx = &sp.ctx;
    let Some(body) = sp.func.child_by_field_name("body") else {
        return;
    };
    let calls_done = descendants(body)
        .filter_map(syntax::call)
        .any(|c| c.operand.is_some_and(|op| wctx.text(op) == wg) && wctx.text(c.name) == "Done");
    if !calls_done {
        return; // no Done at all: the Add check (or a hand-off) covers it
    }
    let handles = flow::aliases(sp.func, wctx.src(), std::slice::from_ref(&wg));
    let res = Resource::new(go_stmt, handles, &["Done"]);
    let Some(leak) = flow::analyze_from_entry(wctx, &res, sp.func) else {
        return;
    };
    let what =
        syntax::function_name(sp.func, wctx.src()).map_or("goroutine".to_string(), |n| format!("worker {n}"));
    let mut f = wctx.finding(
        ID,
        sp.func,
        format!(
            "{what} can exit without `{wg}.Done()` {}, so `{wg}.Wait()` blocks forever",
            leak.describe()
        ),
    );
    f.line = leak.line;
    f.col = leak.col;
    f.end_line = leak.line;
    f.end_col = leak.col + 1;
    out.push(f);
}

fn check_add_without_done(ctx: &FileCtx<'_>, call: Node<'_>, out: &mut Vec<Finding>) {
    let Some(c) = syntax::call(call) else { return };
    let Some(op) = c.operand else { return };
    if ctx.text(c.name) != "Add" || c.args.len() != 1 {
        return;
    }
    let wg = ctx.text(op);
    let Some(func) = syntax::enclosing_function(call) else {
        return;
    };
    // Only a group local to this function: a field's Done may be in another method.
    let local = descendants(func).any(|n| {
        matches!(n.kind(), "short_var_declaration" | "var_spec")
            && syntax::assigned_names(n, ctx.src()).contains(&wg)
    });
    if !local {
        return;
    }
    let mut waits = false;
    for n in descendants(func) {
        if let Some(c2) = syntax::call(n) {
            let on_wg = c2.operand.is_some_and(|o| ctx.text(o) == wg);
            match ctx.text(c2.name) {
                "Done" | "Go" if on_wg => return,
                "Wait" if on_wg => waits = true,
                _ => {}
            }
        }
        // Handed to anything (`&wg` to a worker, a method taking the group): not ours to judge.
        if matches!(
            n.kind(),
            "identifier" | "selector_expression" | "unary_expression"
        ) && n.parent().is_some_and(|p| p.kind() == "argument_list")
        {
            let t = ctx.text(n).trim_start_matches('&');
            if t == wg {
                return;
            }
        }
    }
    if waits {
        out.push(ctx.finding(
            ID,
            call,
            format!("`{wg}.Add` is never matched by `{wg}.Done()` in this function or its goroutines, so `{wg}.Wait()` blocks forever"),
        ));
    }
}
