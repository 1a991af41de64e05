//! `http-body-not-closed`: an `*http.Response` whose `Body` is not closed on
//! every path.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Check, check_acquisition};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax;

/// See [`DOC`].
pub struct HttpBodyNotClosed;

const ID: &str = "http-body-not-closed";

const DOC: &str = r#"## What it does
Finds HTTP responses (`http.Get/Post/Head/PostForm`, `client.Do/Get/Post/Head/PostForm`,
`transport.RoundTrip`) whose `Body` is not closed on some path from the call to the function's
exit, and responses that are discarded.

## Why is this bad?
Until the body is closed, the connection cannot go back to the `Transport`'s idle pool and its
`persistConn` read and write goroutines stay alive. One leaked body per request means one socket,
two goroutines and their buffers per request, until the server closes the connection.

## Example
```go
resp, err := http.Get(url)
if err != nil {
    return err
}
if resp.StatusCode != http.StatusOK {
    return fmt.Errorf("status %d", resp.StatusCode) // body leaks here
}
defer resp.Body.Close()
```

## Use instead
```go
resp, err := http.Get(url)
if err != nil {
    return err
}
defer resp.Body.Close()
if resp.StatusCode != http.StatusOK {
    return fmt.Errorf("status %d", resp.StatusCode)
}
```
Returning the response, storing it, or passing it (or its body) to a function that closes it
counts as handing it off. On the `err != nil` path the response is nil and needs no close.

## References
- https://pkg.go.dev/net/http#Client.Do
- https://pkg.go.dev/net/http#Response
"#;

const PKG_FUNCS: &[&str] = &["Get", "Post", "Head", "PostForm"];

impl Rule for HttpBodyNotClosed {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
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
