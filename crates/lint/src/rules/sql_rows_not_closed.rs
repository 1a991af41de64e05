//! `sql-rows-not-closed`: `database/sql` Rows, Stmt, Conn and Tx not ended on
//! every path.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Check, check_acquisition};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax;

/// See [`DOC`].
pub struct SqlRowsNotClosed;

const ID: &str = "sql-rows-not-closed";

const DOC: &str = r#"## What it does
Finds `*sql.Rows` (`Query`, `QueryContext`), `*sql.Stmt` (`Prepare`, `PrepareContext`),
`*sql.Conn` (`db.Conn`) and `*sql.Tx` (`Begin`, `BeginTx`) that are not closed (rows, statements,
connections) or committed/rolled back (transactions) on some path to the function's exit.

## Why is this bad?
Open rows and transactions each hold one of the pool's connections; a dedicated `Conn` holds one
until closed. Leak a few and every later query waits for a free connection (or, without
`SetMaxOpenConns`, opens more until the database refuses). A prepared statement keeps server-side
state on every connection it was used on.

Rows iterated to the end (`for rows.Next() {}` that ends because `Next` returned false) are closed
by `database/sql` itself, so that path is not reported; an early `return` or `break` out of the
loop is.

## Example
```go
rows, err := db.QueryContext(ctx, q)
if err != nil {
    return err
}
for rows.Next() {
    if err := rows.Scan(&id); err != nil {
        return err // rows leak here
    }
}
```

## Use instead
```go
rows, err := db.QueryContext(ctx, q)
if err != nil {
    return err
}
defer rows.Close()
```
For transactions, `defer tx.Rollback()` right after `Begin` (a no-op after `Commit`).

## References
- https://pkg.go.dev/database/sql#Rows.Close
- https://go.dev/doc/database/querying#multiple_rows
"#;

impl Rule for SqlRowsNotClosed {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
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
