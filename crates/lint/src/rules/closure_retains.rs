//! `closure-retains`: a closure that outlives its function, captures a large
//! buffer, and only ever looks at a small part of it.

use std::collections::HashMap;

use tree_sitter::Node;

use super::Rule;
use super::buffers::{Locals, Origin, Params, Value};
use super::pkg_index::{self, PackageIndex};
use super::reach;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax::{self, descendants, named_children};

/// See [`DOC`].
pub struct ClosureRetains;

const ID: &str = "closure-retains";

const DOC: &str = r#"## What it does
Finds function literals that capture a large buffer (`io.ReadAll`, `os.ReadFile`,
`make([]T, N)` with N ≥ 1024…) but use it only through small projections — `len`, `cap`, an
element `b[i]`, a sub-slice `b[i:j]` — when the closure outlives its function: it is returned,
stored in a package-level variable, a field of the receiver or a map/slice rooted there, or
registered on a long-lived value (`Register`, `Subscribe`, `Add…`, `On…`, `Handle…`, `Store`,
`Set…`, or a method of the package that keeps its argument). A closure that uses the whole
buffer (serves it, parses it) needs it and is not reported; nor is one that is only called,
deferred, sorted with, or run as a goroutine.

## Why is this bad?
A closure keeps each captured variable alive, whole, for as long as the closure is reachable.
A validator that compares four bytes of a sample file keeps the entire file; a thousand such
closures in a registry keep a thousand files. Heap profiles blame the original read, not the
closure.

## Example
```go
table := make([]byte, 10<<20)
return func() int { return int(table[0]) } // keeps 10 MB for one byte
```

## Use instead
```go
first := table[0]
return func() int { return int(first) }
```

## References
- https://go.dev/ref/spec#Function_literals
- https://go.dev/doc/gc-guide#Eliminating_heap_allocations
"#;

impl Rule for ClosureRetains {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let index = pkg_index::index(ctx);
        let src = ctx.src();
        let has_source = super::buffers::SOURCE_MARKERS.iter().any(|m| src.contains(m))
            || !index.buffers.param_origins.is_empty()
            || index
                .buffers
                .returns_large_view
                .keys()
                .any(|f| src.contains(f.as_str()));
        if !has_source || !src.contains("func(") {
            return;
        }
        let file_idx = pkg_index::file_index(ctx);
        let mut locals_of: HashMap<usize, Locals<'_>> = HashMap::new();
        for lit in ctx.nodes_of_kind("func_literal") {
            let Some(outer) = syntax::enclosing_function(lit) else {
                continue;
            };
            if outer.has_error() {
                continue;
            }
            let index = pkg_index::index(ctx);
            let Some(sink) = escapes(ctx, index, file_idx, outer, lit) else {
                continue;
            };
            let locals = locals_of
                .entry(outer.id())
                .or_insert_with(|| Locals::of(ctx.file, &index.buffers, outer, Params::FromCallers));
            let Some((var, origin)) = projected_capture(ctx, index, file_idx, lit, outer, locals) else {
                continue;
            };

            out.push(ctx.finding(
                ID,
                lit,
                format!(
                    "the closure captures `{var}` ({}) but only uses its length or a few elements, and it {sink}: the whole buffer lives as long as the closure; copy what it needs before building it",
                    origin.describe()
                ),
            ));
        }
    }
}

/// A large local of `outer` that `lit` captures and only projects
/// A large buffer (or a value carrying a view of one) of `outer` that `lit`
/// captures and only projects: `len(v)`, `cap(v)`, `v[i]`, `v[i:j]`, or a
/// field `v.f` that is not a slice.
fn projected_capture(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    file_idx: usize,
    lit: Node<'_>,
    outer: Node<'_>,
    locals: &Locals<'_>,
) -> Option<(String, Origin)> {
    // In order of first use, so messages are stable.
    let mut uses: Vec<(&str, Node<'_>, bool)> = Vec::new();
    for n in descendants(lit).filter(|n| n.kind() == "identifier") {
        let name = ctx.text(n);
        if !index.reach.declares(file_idx, outer, name) || declared_within(index, file_idx, lit, name) {
            continue;
        }
        let projected = is_projection(ctx, index, n);
        match uses.iter_mut().find(|(u, _, _)| *u == name) {
            Some(entry) => entry.2 &= projected,
            None => uses.push((name, n, projected)),
        }
    }
    uses.into_iter()
        .filter(|(_, _, all_projected)| *all_projected)
        .find_map(|(name, first, _)| {
            locals.classify(first).into_iter().find_map(|v| match v {
                Value::Large(o) | Value::View(o) => Some((name.to_string(), o)),
                _ => None,
            })
        })
}

/// True if `name` is declared inside `lit` or a literal nested in it.
fn declared_within(index: &PackageIndex, file_idx: usize, lit: Node<'_>, name: &str) -> bool {
    std::iter::once(lit)
        .chain(descendants(lit).filter(|n| n.kind() == "func_literal"))
        .any(|f| index.reach.declares(file_idx, f, name))
}

/// `len(v)`, `cap(v)`, `v[i]`, `v[i:j]`, `v.f` (a non-slice field, not a
/// method): uses that need only a small part of `v`.
fn is_projection(ctx: &FileCtx<'_>, index: &PackageIndex, ident: Node<'_>) -> bool {
    let Some(parent) = ident.parent() else {
        return false;
    };
    match parent.kind() {
        "index_expression" | "slice_expression" => parent
            .child_by_field_name("operand")
            .is_some_and(|o| o.id() == ident.id()),
        "selector_expression" => {
            let Some(field) = parent.child_by_field_name("field").map(|f| ctx.text(f)) else {
                return false;
            };
            let is_method = parent.parent().is_some_and(|g| {
                g.kind() == "call_expression"
                    && g.child_by_field_name("function")
                        .is_some_and(|f| f.id() == parent.id())
            });
            let types = index.field_types.get(field);
            !is_method
                && types.is_some_and(|ts| ts.iter().all(|t| !t.starts_with("[]") && !t.starts_with('*')))
        }
        "argument_list" => parent.parent().and_then(syntax::call).is_some_and(|c| {
            c.operand.is_none() && matches!(ctx.text(c.name), "len" | "cap") && c.args.len() == 1
        }),
        _ => false,
    }
}

/// How the closure `lit` outlives `outer`, if it does.
fn escapes(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    file_idx: usize,
    outer: Node<'_>,
    lit: Node<'_>,
) -> Option<String> {
    let mut node = lit;
    while let Some(p) = node.parent().filter(|p| p.kind() == "parenthesized_expression") {
        node = p;
    }
    let parent = node.parent()?;
    let parent = if parent.kind() == "expression_list" {
        parent.parent()?
    } else {
        parent
    };
    let outlives = |e: Node<'_>| reach::outlives_function(ctx, &index.reach, file_idx, outer, e);
    match parent.kind() {
        "return_statement" => Some("is returned".into()),
        "assignment_statement" => {
            let targets = parent
                .child_by_field_name("left")
                .map(named_children)
                .unwrap_or_default();
            let values = syntax::assigned_values(parent);
            let i = values.iter().position(|v| syntax::contains(*v, lit))?;
            let target = *targets.get(i)?;
            (outlives(target) && (target.kind() != "identifier" || ctx.package.is_var(ctx.text(target))))
                .then(|| format!("is stored in `{}`", ctx.text(target)))
        }
        "argument_list" => {
            let call = parent.parent()?;
            let c = syntax::call(call)?;
            let name = ctx.text(c.name);
            let arg = c.args.iter().position(|a| syntax::contains(*a, lit))?;
            match c.operand {
                None if name == "append" => {
                    let stmt = call
                        .parent()
                        .filter(|p| p.kind() == "expression_list")
                        .and_then(|l| l.parent())?;
                    let target = stmt.child_by_field_name("left").and_then(|l| l.named_child(0))?;
                    (stmt.kind() == "assignment_statement" && outlives(target))
                        .then(|| format!("is appended to `{}`", ctx.text(target)))
                }
                Some(op)
                    if ctx.file.is_pkg(ctx.text(op), "net/http")
                        && matches!(name, "HandleFunc" | "Handle") =>
                {
                    Some(format!("is registered with http.{name}"))
                }
                Some(op) if outlives(op) && (keeps_argument(name) || ctx.package.takes_param(name, arg)) => {
                    Some(format!("is registered with `{}.{name}`", ctx.text(op)))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Method names that keep a function argument beyond the call.
fn keeps_argument(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "Register",
        "Subscribe",
        "Add",
        "On",
        "Handle",
        "Watch",
        "Attach",
        "Set",
        "Store",
        "Put",
        "Push",
        "Append",
        "Use",
    ];
    PREFIXES.iter().any(|p| {
        name.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
    }) || name == "LoadOrStore"
}
