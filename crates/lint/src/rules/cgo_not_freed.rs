//! `cgo-not-freed`: C memory from `C.CString`, `C.CBytes`, `C.malloc`… that is
//! not passed to `C.free` on every path and not handed off.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Target, target};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants, unparen};

/// See [`DOC`].
pub struct CgoNotFreed;

const ID: &str = "cgo-not-freed";

/// cgo calls that return memory allocated with C's `malloc`.
const ALLOCATORS: &[&str] = &[
    "CString", "CBytes", "malloc", "calloc", "realloc", "strdup", "strndup",
];

const DOC: &str = r#"## What it does
Finds memory allocated on the C heap through cgo — `C.CString`, `C.CBytes`, `C.malloc`,
`C.calloc`, `C.realloc`, `C.strdup` — that is not passed to `C.free` on some path from the
allocation to the function's exit, including results passed straight into another C call or
discarded, and variables overwritten with a new allocation before the old one is freed.
Returning the pointer, storing it in a field, or passing it to a Go function that frees or keeps
it (or one named like `freeString`) hands it off.

## Why is this bad?
The Go garbage collector does not know about the C heap: memory from `C.CString` is never
reclaimed unless the program calls `C.free`. The leak does not show in Go heap profiles at all —
only as resident memory growing past what the Go runtime accounts for.

## Example
```go
cs := C.CString(name)
if len(name) > max {
    return errTooLong // cs leaks
}
defer C.free(unsafe.Pointer(cs))
```

## Use instead
```go
cs := C.CString(name)
defer C.free(unsafe.Pointer(cs))
if len(name) > max {
    return errTooLong
}
```

## References
- https://pkg.go.dev/cmd/cgo#hdr-Go_references_to_C
- https://go.dev/blog/cgo
"#;

impl Rule for CgoNotFreed {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.file.imports_path("C") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            let Some(what) = allocator(ctx, call) else {
                continue;
            };
            if syntax::enclosing_function(call).is_none_or(|f| f.has_error()) {
                continue;
            }
            let outer = through_conversions(ctx, call);
            match target(ctx, outer) {
                Target::Discarded => out.push(ctx.finding(
                    ID,
                    call,
                    format!("the C memory from C.{what} is discarded, so it is never freed (the Go GC does not free C memory)"),
                )),
                Target::Elsewhere => {
                    if let Some(callee) = passed_to_c(ctx, outer) {
                        out.push(ctx.finding(
                            ID,
                            call,
                            format!("the C memory from C.{what} is passed straight to C.{callee} and never freed (the Go GC does not free C memory)"),
                        ));
                    }
                }
                Target::Local { stmt, var, .. } => local(ctx, call, stmt, &var, what, out),
            }
        }
    }
}

/// `Some("CString")` for `C.CString(...)` and the other allocators.
fn allocator<'a>(ctx: &FileCtx<'_>, call: Node<'_>) -> Option<&'a str> {
    let c = syntax::call(call)?;
    let op = c.operand?;
    if op.kind() != "identifier" || ctx.text(op) != "C" {
        return None;
    }
    let name = ctx.text(c.name);
    ALLOCATORS.iter().find(|a| **a == name).copied()
}

fn local(ctx: &FileCtx<'_>, call: Node<'_>, stmt: Node<'_>, var: &str, what: &str, out: &mut Vec<Finding>) {
    let Some(func) = syntax::enclosing_function(stmt) else {
        return;
    };
    let handles = flow::aliases(func, ctx.src(), &[var.to_string()]);
    let frees = |n: Node<'_>| frees_handle(ctx, n, &handles);
    let mut res = Resource::new(call, handles.clone(), &[]);
    res.custom_release = Some(&frees);
    let at = stmt
        .child_by_field_name("left")
        .or(stmt.child_by_field_name("name"))
        .unwrap_or(call);
    let at = if at.kind() == "expression_list" {
        at.named_child(0).unwrap_or(at)
    } else {
        at
    };
    if let Some(line) = overwritten(ctx, func, stmt, var, &res) {
        out.push(ctx.finding(
            ID,
            unparen(at),
            format!("C memory `{var}` from C.{what} is overwritten at line {line} before it is freed (the Go GC does not free C memory)"),
        ));
        return;
    }
    if let Some(leak) = flow::analyze(ctx, &res) {
        out.push(ctx.finding(
            ID,
            unparen(at),
            format!(
                "C memory `{var}` from C.{what} is not freed {} (the Go GC does not free C memory)",
                leak.describe()
            ),
        ));
    }
}

/// `C.free(h)`, `C.free(unsafe.Pointer(h))` for a handle `h`.
fn frees_handle(ctx: &FileCtx<'_>, n: Node<'_>, handles: &[String]) -> bool {
    let Some(c) = syntax::call(n) else { return false };
    let is_c_free = c.operand.is_some_and(|op| ctx.text(op) == "C") && ctx.text(c.name) == "free";
    is_c_free
        && c.args
            .first()
            .is_some_and(|a| handles.iter().any(|h| ctx.text(strip_conversions(ctx, *a)) == h))
}

/// `unsafe.Pointer(x)`, `(*C.char)(x)`, `uintptr(x)`, `(x)` → `x`.
fn strip_conversions<'t>(ctx: &FileCtx<'_>, mut node: Node<'t>) -> Node<'t> {
    loop {
        node = unparen(node);
        let Some(inner) = conversion_operand(ctx, node) else {
            return node;
        };
        node = inner;
    }
}

/// The single operand of a pointer conversion call, if `node` is one.
fn conversion_operand<'t>(ctx: &FileCtx<'_>, node: Node<'t>) -> Option<Node<'t>> {
    if node.kind() != "call_expression" {
        return None;
    }
    let callee = node.child_by_field_name("function")?;
    let is_conversion = match callee.kind() {
        "parenthesized_expression" => true, // (*C.char)(p)
        "selector_expression" => ctx.text(callee) == "unsafe.Pointer",
        "identifier" => ctx.text(callee) == "uintptr",
        _ => false,
    };
    let args = syntax::named_children(node.child_by_field_name("arguments")?);
    match (is_conversion, args.as_slice()) {
        (true, [only]) => Some(*only),
        _ => None,
    }
}

/// Climbs from the allocation through conversions wrapped around it.
fn through_conversions<'t>(ctx: &FileCtx<'_>, call: Node<'t>) -> Node<'t> {
    let mut node = call;
    loop {
        let mut up = node;
        while let Some(p) = up.parent().filter(|p| p.kind() == "parenthesized_expression") {
            up = p;
        }
        let outer = up
            .parent()
            .filter(|p| p.kind() == "argument_list")
            .and_then(|a| a.parent());
        match outer {
            Some(o) if conversion_operand(ctx, o).is_some_and(|x| x.id() == up.id()) => node = o,
            _ => return node,
        }
    }
}

/// The C function `expr` is passed to, when it is a direct argument of a C
/// call that does not say it takes ownership (`C.take_buf`) and is not `C.free`.
fn passed_to_c<'a>(ctx: &FileCtx<'a>, expr: Node<'_>) -> Option<&'a str> {
    let mut node = expr;
    while let Some(p) = node.parent().filter(|p| p.kind() == "parenthesized_expression") {
        node = p;
    }
    let call = node.parent().filter(|p| p.kind() == "argument_list")?.parent()?;
    let c = syntax::call(call)?;
    if c.operand.is_none_or(|op| ctx.text(op) != "C") {
        return None;
    }
    let name = ctx.text(c.name);
    (name != "free" && !flow::name_says_ownership(name) && allocator(ctx, call).is_none()).then_some(name)
}

/// The line where `var` is assigned a new value while the allocation is
/// still unreleased (no free or hand-off between the two in source order).
fn overwritten(
    ctx: &FileCtx<'_>,
    func: Node<'_>,
    stmt: Node<'_>,
    var: &str,
    res: &Resource<'_, '_>,
) -> Option<usize> {
    let reassign = descendants(func).find(|n| {
        n.kind() == "assignment_statement"
            && n.start_byte() >= stmt.end_byte()
            && n.child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "=")
            && syntax::assigned_names(*n, ctx.src()).contains(&var)
            && syntax::enclosing_function(*n).is_some_and(|f| f.id() == func.id())
    })?;
    let released_between = descendants(func).any(|n| {
        n.start_byte() >= stmt.end_byte()
            && n.end_byte() <= reassign.start_byte()
            && matches!(
                n.kind(),
                "expression_statement"
                    | "defer_statement"
                    | "go_statement"
                    | "return_statement"
                    | "assignment_statement"
                    | "short_var_declaration"
                    | "send_statement"
            )
            && flow::releases(ctx, res, n)
    });
    // A reassignment inside a loop after a free at the loop's end is fine; only
    // straight-line overwrites are reported here, the walk handles loops.
    let same_block = reassign.parent().map(|p| p.id()) == stmt.parent().map(|p| p.id());
    (!released_between && same_block).then(|| reassign.start_position().row + 1)
}
