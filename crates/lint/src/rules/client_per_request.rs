//! `client-per-request`: an `http.Transport` (connection pool) or `sql.DB`
//! created per request or per loop iteration and never shut down.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Target, target};
use super::spawn::per_request;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants};

/// The rule; its doc is `leakscope_rules` `docs/client-per-request.md`.
pub struct ClientPerRequest;

const ID: &str = "client-per-request";

impl Rule for ClientPerRequest {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let http = ctx.file.local_name("net/http");
        let sql = ctx.file.local_name("database/sql");
        if http.is_none() && sql.is_none() {
            return;
        }
        for node in descendants(ctx.root()) {
            if let Some(http) = http
                && let Some(what) = transport_creation(ctx, node, http)
            {
                check_transport(ctx, node, &what, out);
            }
            if http.is_some()
                && let Some(c) = syntax::call(node)
            {
                check_factory_call(ctx, node, &c, out);
            }
            if sql.is_some()
                && let Some(name) = ctx.file.pkg_call(node, "database/sql", &["Open", "OpenDB"])
            {
                check_sql_open(ctx, node, name, out);
            }
        }
    }
}

/// `&http.Transport{...}`, `http.Transport{...}`, `new(http.Transport)`, `x.Clone()` on a transport.
fn transport_creation(ctx: &FileCtx<'_>, node: Node<'_>, http: &str) -> Option<String> {
    let ty = format!("{http}.Transport");
    match node.kind() {
        "composite_literal" => (node
            .child_by_field_name("type")
            .is_some_and(|t| ctx.text(t) == ty))
        .then(|| ty.clone()),
        "call_expression" => {
            let c = syntax::call(node)?;
            let name = ctx.text(c.name);
            if name == "new" && c.operand.is_none() && c.args.first().is_some_and(|a| ctx.text(*a) == ty) {
                return Some(ty);
            }
            let op = ctx.text(c.operand?);
            (name == "Clone" && c.args.is_empty() && op.contains("Transport"))
                .then(|| format!("{op}.Clone()"))
        }
        _ => None,
    }
}

fn check_transport(ctx: &FileCtx<'_>, node: Node<'_>, what: &str, out: &mut Vec<Finding>) {
    if ctx
        .text(node)
        .replace(char::is_whitespace, "")
        .contains("DisableKeepAlives:true")
    {
        return;
    }
    let Some(func) = syntax::enclosing_function(node) else {
        return;
    };
    // Inside a factory (returns a client/transport) the call sites are reported instead.
    let factory = syntax::function_name(func, ctx.src())
        .and_then(|n| ctx.package.funcs.get(n))
        .is_some_and(|f| f.returns_transport);
    if factory {
        return;
    }
    let Some(why) = per_request(ctx, node) else { return };
    // The value (or the Client wrapping it) must end up in a local, not in a field or global.
    let mut value = node;
    while let Some(p) = value.parent() {
        match p.kind() {
            "unary_expression"
            | "parenthesized_expression"
            | "literal_element"
            | "keyed_element"
            | "literal_value" => value = p,
            "composite_literal" => value = p,
            _ => break,
        }
    }
    let stored_elsewhere = match value.parent().map(|p| p.kind()) {
        Some("expression_list") => {
            let stmt = value.parent().and_then(|l| l.parent());
            stmt.is_some_and(|s| {
                syntax::assigned_names(s, ctx.src())
                    .iter()
                    .any(|n| n.contains('.') || n.contains('[') || ctx.package.is_var(n))
            })
        }
        Some("return_statement") => true,
        _ => false,
    };
    if stored_elsewhere {
        return;
    }
    let closes_idle = descendants(func)
        .filter_map(syntax::call)
        .any(|c| ctx.text(c.name) == "CloseIdleConnections");
    if closes_idle {
        return;
    }
    out.push(ctx.finding(
        ID,
        node,
        format!("{what} created {why}: each one keeps its own pool of idle connections and goroutines; create it once and share it"),
    ));
}

fn check_sql_open(ctx: &FileCtx<'_>, call: Node<'_>, name: &str, out: &mut Vec<Finding>) {
    let Some(why) = per_request(ctx, call) else { return };
    let (var, err) = match target(ctx, call) {
        Target::Local { var, err, .. } => (var, err),
        Target::Discarded => (String::from("_"), None),
        Target::Elsewhere => return,
    };
    if var != "_" {
        let Some(func) = syntax::enclosing_function(call) else {
            return;
        };
        let handles = flow::aliases(func, ctx.src(), std::slice::from_ref(&var));
        let res = Resource::new(call, handles, &["Close"]).with_err(err.as_deref());
        if flow::analyze(ctx, &res).is_none() {
            return; // closed on every path: wasteful, but it does not leak
        }
    }
    out.push(ctx.finding(
        ID,
        call,
        format!("sql.{name} called {why} and the handle `{var}` is not closed on every path: each one keeps its own connection pool; open it once and share it"),
    ));
}

/// A call of the package's own client/transport factory on a request path.
fn check_factory_call(ctx: &FileCtx<'_>, node: Node<'_>, c: &syntax::Call<'_>, out: &mut Vec<Finding>) {
    if c.operand
        .is_some_and(|o| o.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(o)))
    {
        return;
    }
    let name = ctx.text(c.name);
    if !ctx.package.funcs.get(name).is_some_and(|f| f.returns_transport) {
        return;
    }
    let Some(func) = syntax::enclosing_function(node) else {
        return;
    };
    if syntax::function_name(func, ctx.src()) == Some(name) {
        return;
    }
    let Some(why) = per_request(ctx, node) else { return };
    let stored = node.parent().and_then(|l| l.parent()).is_some_and(|s| {
        matches!(s.kind(), "assignment_statement" | "short_var_declaration")
            && syntax::assigned_names(s, ctx.src())
                .iter()
                .any(|n| n.contains('.') || ctx.package.is_var(n))
    });
    let closes_idle = descendants(func)
        .filter_map(syntax::call)
        .any(|c| ctx.text(c.name) == "CloseIdleConnections");
    if stored || closes_idle {
        return;
    }
    out.push(ctx.finding(
        ID,
        node,
        format!("{name}() builds a new http.Transport and is called {why}: each call makes its own pool of idle connections and goroutines; build the client once and share it"),
    ));
}
