//! `goroutine-ctx-never-cancelled`: a context's cancel function discarded or
//! not called on every path; also values whose `Close` cancels a context they
//! created (sessions, watchers) that are not closed on every path.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Target, target};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax;

/// The rule; its doc is `leakscope_rules` `docs/goroutine-ctx-never-cancelled.md`.
pub struct GoroutineCtxNeverCancelled;

const ID: &str = "goroutine-ctx-never-cancelled";

const CTORS: &[&str] = &[
    "WithCancel",
    "WithTimeout",
    "WithDeadline",
    "WithCancelCause",
    "WithTimeoutCause",
    "WithDeadlineCause",
];

/// Methods that, on a value owning a context, cancel it.
const CLOSERS: &[&str] = &["Close", "Cancel", "Stop", "Shutdown", "Release"];

impl Rule for GoroutineCtxNeverCancelled {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.package.imports.contains("context") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            if let Some(name) = ctx.file.pkg_call(call, "context", CTORS) {
                check_cancel(ctx, call, name, out);
            } else {
                check_owner(ctx, call, out);
            }
        }
    }
}

/// `ctx, cancel := context.WithX(...)`.
fn check_cancel(ctx: &FileCtx<'_>, call: Node<'_>, name: &str, out: &mut Vec<Finding>) {
    let Some(stmt) = call.parent().and_then(|l| l.parent()) else {
        return;
    };
    if !matches!(
        stmt.kind(),
        "short_var_declaration" | "assignment_statement" | "var_spec"
    ) {
        return;
    }
    let names = syntax::assigned_names(stmt, ctx.src());
    let Some(cancel) = names.get(1) else { return };
    if *cancel == "_" {
        out.push(ctx.finding(
            ID,
            call,
            format!("the cancel function of context.{name} is discarded, so the context is never cancelled"),
        ));
        return;
    }
    if !cancel.chars().all(|c| c.is_alphanumeric() || c == '_') || ctx.package.is_var(cancel) {
        return; // stored in a field or a package variable: someone else cancels it
    }
    let Some(func) = syntax::enclosing_function(stmt) else {
        return;
    };
    let handles = flow::aliases(func, ctx.src(), &[(*cancel).to_string()]);
    let mut res = Resource::new(call, handles, &[]);
    res.any_use_releases = true;
    if let Some(leak) = flow::analyze(ctx, &res) {
        let at = stmt
            .child_by_field_name("left")
            .and_then(|l| l.named_child(1))
            .unwrap_or(call);
        out.push(ctx.finding(
            ID,
            at,
            format!(
                "`{cancel}` from context.{name} is not called {}, so the context is never cancelled",
                leak.describe()
            ),
        ));
    }
}

/// `s := OpenSession(...)` where the package's `OpenSession` creates a
/// cancellable context and returns a type with a `Close`-like method.
fn check_owner(ctx: &FileCtx<'_>, call: Node<'_>, out: &mut Vec<Finding>) {
    let Some(c) = syntax::call(call) else { return };
    if c.operand
        .is_some_and(|o| o.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(o)))
    {
        return;
    }
    let callee = ctx.text(c.name);
    let Some(facts) = ctx.package.funcs.get(callee) else {
        return;
    };
    let Some(ty) = facts.result.as_deref() else { return };
    if !facts.makes_cancel {
        return;
    }
    let closers: Vec<&str> = CLOSERS
        .iter()
        .copied()
        .filter(|m| ctx.package.has_method(ty, m))
        .collect();
    if closers.is_empty() {
        return;
    }
    let Target::Local { stmt, var, err } = target(ctx, call) else {
        return;
    };
    let Some(func) = syntax::enclosing_function(stmt) else {
        return;
    };
    if syntax::function_name(func, ctx.src()) == Some(callee) {
        return;
    }
    let handles = flow::aliases(func, ctx.src(), std::slice::from_ref(&var));
    let res = Resource::new(call, handles, &closers).with_err(err.as_deref());
    if let Some(leak) = flow::analyze(ctx, &res) {
        out.push(ctx.finding(
            ID,
            call,
            format!(
                "`{var}` from {callee} owns a cancellable context and is not closed ({}) {}, so its context and goroutines live on",
                closers.join("/"),
                leak.describe()
            ),
        ));
    }
}
