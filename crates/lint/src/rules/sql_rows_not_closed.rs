//! `sql-rows-not-closed`: `database/sql` Rows, Stmt, Conn and Tx not ended on
//! every path.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Check, check_acquisition};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax;

/// The rule; its doc is `leakscope_rules` `docs/sql-rows-not-closed.md`.
pub struct SqlRowsNotClosed;

const ID: &str = "sql-rows-not-closed";

impl Rule for SqlRowsNotClosed {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.package.imports.contains("database/sql") && !ctx.file.imports_path("database/sql") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            let Some((noun, what, release, loop_exit)) = acquisition(ctx, call) else {
                continue;
            };
            let verb = if noun == "transaction" {
                "committed or rolled back"
            } else {
                "closed"
            };
            let check = Check {
                rule: ID,
                noun,
                verb,
                what: &what,
                sub_handles: &[],
                shown_suffix: "",
                release_methods: release,
                loop_exit_releases: loop_exit,
                goroutine_owns: false,
            };
            check_acquisition(ctx, call, &check, out);
        }
    }
}

type Acq = (
    &'static str,
    String,
    &'static [&'static str],
    &'static [&'static str],
);

/// Method calls with the shape of the database/sql acquirers (two results assigned).
fn acquisition(ctx: &FileCtx<'_>, call: Node<'_>) -> Option<Acq> {
    let c = syntax::call(call)?;
    let operand = c.operand?;
    let op = ctx.text(operand);
    if operand.kind() == "identifier" && ctx.file.imports.contains_key(op) {
        return None;
    }
    let name = ctx.text(c.name);
    let what = format!("{op}.{name}");
    let n = c.args.len();
    let acq: Acq = match name {
        "Query" | "QueryContext" if n >= 1 => ("rows", what, &["Close"], &["Next", "NextResultSet"]),
        "Prepare" | "PrepareContext" if n >= 1 => ("statement", what, &["Close"], &[]),
        "Conn" if n == 1 => ("connection", what, &["Close"], &[]),
        "Begin" if n == 0 => ("transaction", what, &["Commit", "Rollback"], &[]),
        "BeginTx" if n == 2 => ("transaction", what, &["Commit", "Rollback"], &[]),
        _ => return None,
    };
    let two = call
        .parent()
        .filter(|p| p.kind() == "expression_list")
        .and_then(|l| l.parent())
        .is_some_and(|s| {
            matches!(s.kind(), "short_var_declaration" | "assignment_statement")
                && s.child_by_field_name("left")
                    .is_some_and(|l| l.named_child_count() == 2)
        });
    two.then_some(acq)
}
