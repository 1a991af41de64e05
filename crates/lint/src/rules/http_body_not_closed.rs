//! `http-body-not-closed`: an `*http.Response` whose `Body` is not closed on
//! every path.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Check, check_acquisition};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax;

/// The rule; its doc is `leakscope_rules` `docs/http-body-not-closed.md`.
pub struct HttpBodyNotClosed;

const ID: &str = "http-body-not-closed";

const PKG_FUNCS: &[&str] = &["Get", "Post", "Head", "PostForm"];

impl Rule for HttpBodyNotClosed {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.file.imports_path("net/http") && !ctx.package.imports.contains("net/http") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            let what = if let Some(name) = ctx.file.pkg_call(call, "net/http", PKG_FUNCS) {
                format!("http.{name}")
            } else if let Some(what) = client_call(ctx, call) {
                what
            } else {
                continue;
            };
            let check = Check {
                rule: ID,
                noun: "response body",
                verb: "closed",
                what: &what,
                sub_handles: &[".Body"],
                shown_suffix: ".Body",
                release_methods: &["Close"],
                loop_exit_releases: &[],
                goroutine_owns: false,
            };
            check_acquisition(ctx, call, &check, out);
        }
    }
}

/// `c.Do(req)`, `c.Get(url)`… on something named like a client, and
/// `t.RoundTrip(req)`; only when the two results are assigned (the shape of
/// `(*http.Response, error)`), so `once.Do(f)` never matches.
fn client_call(ctx: &FileCtx<'_>, call: Node<'_>) -> Option<String> {
    let c = syntax::call(call)?;
    let operand = c.operand?;
    let op = ctx.text(operand);
    if operand.kind() == "identifier" && ctx.file.imports.contains_key(op) {
        return None; // a package function of another package
    }
    let name = ctx.text(c.name);
    let clientish = op.to_ascii_lowercase().contains("client");
    let ok = match name {
        "Do" | "RoundTrip" => c.args.len() == 1,
        "Get" | "Head" => clientish && c.args.len() == 1,
        "Post" => clientish && c.args.len() == 3,
        "PostForm" => clientish && c.args.len() == 2,
        _ => false,
    };
    if !ok || !assigns_two(call) {
        return None;
    }
    Some(format!("{op}.{name}"))
}

fn assigns_two(call: Node<'_>) -> bool {
    let Some(list) = call.parent().filter(|p| p.kind() == "expression_list") else {
        return false;
    };
    let Some(stmt) = list.parent() else { return false };
    matches!(stmt.kind(), "short_var_declaration" | "assignment_statement")
        && stmt
            .child_by_field_name("left")
            .is_some_and(|l| l.named_child_count() == 2)
        && list.named_child_count() == 1
}
