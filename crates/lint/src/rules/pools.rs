//! `sync.Pool` plumbing shared by `pool-put-unbounded` and
//! `pool-of-resources`: which expressions are pools, where a pool's `New`
//! is defined, and what it returns.

use tree_sitter::Node;

use super::pkg_index::{PackageIndex, container_name};
use crate::context::FileCtx;
use crate::syntax::{self, descendants, named_children, unparen};

/// One definition of a pool's `New`.
#[derive(Clone, Copy)]
pub struct NewDef<'a> {
    /// The file it is in.
    pub ctx: FileCtx<'a>,
    /// Where to report it: the `sync.Pool{…}` literal or the `p.New = …` assignment.
    pub at: Node<'a>,
    /// The value given to `New` (a func literal or a function name).
    pub value: Node<'a>,
    /// The pool's name (variable or field), `None` when it cannot be told.
    pub pool: Option<&'a str>,
}

/// True if `t` (type text) is `sync.Pool` or `*sync.Pool` (with `sync` as imported in `ctx`).
fn is_pool_type(ctx: &FileCtx<'_>, t: &str) -> bool {
    t.trim_start_matches('*')
        .split_once('.')
        .is_some_and(|(q, n)| n == "Pool" && ctx.file.is_pkg(q, "sync"))
        || t.trim_start_matches('*') == "sync.Pool"
}

/// True if the value `recv` (the `p` of `p.Put(x)`) is a `sync.Pool`.
pub fn is_pool(ctx: &FileCtx<'_>, index: &PackageIndex, recv: Node<'_>) -> bool {
    let recv = unparen(recv);
    match recv.kind() {
        "identifier" => ctx.package.vars.get(ctx.text(recv)).is_some_and(|v| {
            v.ty.as_deref().is_some_and(|t| is_pool_type(ctx, t))
                || v.value
                    .as_deref()
                    .is_some_and(|x| x.trim_start_matches('&').starts_with("sync.Pool{"))
        }),
        "selector_expression" => recv
            .child_by_field_name("field")
            .is_some_and(|f| index.field_type_is(ctx.text(f), |t| is_pool_type(ctx, t))),
        _ => false,
    }
}

/// Every `New` defined in `ctx`'s file.
pub fn news_in_file<'a>(ctx: &FileCtx<'a>, index: &PackageIndex) -> Vec<NewDef<'a>> {
    let mut out = Vec::new();
    for n in ctx.nodes_of_kind("composite_literal") {
        let is_pool = n
            .child_by_field_name("type")
            .is_some_and(|t| is_pool_type(ctx, ctx.text(t)));
        if !is_pool {
            continue;
        }
        let Some(body) = n.child_by_field_name("body") else {
            continue;
        };
        for kv in named_children(body)
            .into_iter()
            .filter(|k| k.kind() == "keyed_element")
        {
            let key = kv.child_by_field_name("key").map(|k| ctx.text(k));
            let value = kv.child_by_field_name("value").and_then(|v| v.named_child(0));
            if let (Some("New"), Some(value)) = (key, value) {
                out.push(NewDef {
                    ctx: *ctx,
                    at: n,
                    value,
                    pool: literal_owner(ctx, n),
                });
            }
        }
    }
    for n in ctx.nodes_of_kind("assignment_statement") {
        let targets = n
            .child_by_field_name("left")
            .map(named_children)
            .unwrap_or_default();
        let values = syntax::assigned_values(n);
        for (t, v) in targets.iter().zip(values) {
            if t.kind() != "selector_expression"
                || t.child_by_field_name("field")
                    .is_none_or(|f| ctx.text(f) != "New")
            {
                continue;
            }
            let Some(pool) = t.child_by_field_name("operand") else {
                continue;
            };
            if is_pool(ctx, index, pool) {
                out.push(NewDef {
                    ctx: *ctx,
                    at: n,
                    value: unparen(v),
                    pool: container_name(pool, ctx.src()),
                });
            }
        }
    }
    out
}

/// The variable or field a `sync.Pool{…}` literal initialises.
fn literal_owner<'a>(ctx: &FileCtx<'a>, lit: Node<'_>) -> Option<&'a str> {
    let mut node = lit;
    while let Some(p) = node
        .parent()
        .filter(|p| matches!(p.kind(), "unary_expression" | "parenthesized_expression"))
    {
        node = p;
    }
    let parent = node.parent()?;
    match parent.kind() {
        "literal_element" => {
            let kv = parent.parent().filter(|k| k.kind() == "keyed_element")?;
            kv.child_by_field_name("key").map(|k| ctx.text(k))
        }
        "expression_list" => {
            let stmt = parent.parent()?;
            let i = named_children(parent).iter().position(|v| v.id() == node.id())?;
            match stmt.kind() {
                "var_spec" => {
                    let mut cursor = stmt.walk();
                    let names: Vec<Node<'_>> = stmt.children_by_field_name("name", &mut cursor).collect();
                    names.get(i).map(|n| ctx.text(*n))
                }
                "assignment_statement" | "short_var_declaration" => {
                    let targets = stmt
                        .child_by_field_name("left")
                        .map(named_children)
                        .unwrap_or_default();
                    targets.get(i).and_then(|t| container_name(*t, ctx.src()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every `New` of the pool named `pool`, in any file of the package.
pub fn news_of<'a>(ctx: &FileCtx<'a>, index: &PackageIndex, pool: &str) -> Vec<NewDef<'a>> {
    ctx.package_files
        .iter()
        .flat_map(|f| news_in_file(&ctx.for_file(f), index))
        .filter(|d| d.pool == Some(pool))
        .collect()
}

/// The function a `New` value denotes: the literal itself, or the package
/// function it names (with that function's file).
pub fn new_function<'a>(def: &NewDef<'a>) -> Option<(FileCtx<'a>, Node<'a>)> {
    match def.value.kind() {
        "func_literal" => Some((def.ctx, def.value)),
        "identifier" => def.ctx.find_function(def.ctx.text(def.value)),
        _ => None,
    }
}

/// The first expression of every `return` of `func` itself (not of nested literals).
pub fn returned_values<'t>(func: Node<'t>) -> Vec<Node<'t>> {
    let Some(body) = func.child_by_field_name("body") else {
        return Vec::new();
    };
    descendants(body)
        .filter(|n| n.kind() == "return_statement")
        .filter(|n| syntax::enclosing_function(*n).is_some_and(|f| f.id() == func.id()))
        .filter_map(|r| r.named_child(0))
        .map(|l| {
            if l.kind() == "expression_list" {
                l.named_child(0).unwrap_or(l)
            } else {
                l
            }
        })
        .map(unparen)
        .collect()
}
