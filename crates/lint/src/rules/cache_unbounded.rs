//! `cache-unbounded`: a map, slice or `sync.Map` that outlives requests and is
//! written on the request path, with no delete, clear, length bound or
//! replacement that runs alongside the inserts (see [`bounds`](super::bounds)).

use tree_sitter::Node;

use super::Rule;
use super::bounds;
use super::pkg_index::{self, PackageIndex, container_name};
use super::scopes;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax::{self, descendants, named_children, unparen};

/// See [`DOC`].
pub struct CacheUnbounded;

const ID: &str = "cache-unbounded";

const DOC: &str = r#"## What it does
Finds maps, slices and `sync.Map`s that outlive a request — package-level variables, fields of the
server a handler method runs on (and of values reached from it), variables captured by a handler
closure — that code on the request path (HTTP handlers, gRPC-shaped handlers, and everything they
call in the package) inserts into or appends to, when nothing deletes from them, clears them,
checks their length against a limit or replaces them alongside those inserts: in the inserting
function or what it calls, off the request path (a janitor, a flush, a rotation), or in something
a common caller runs on the same path — an eviction that only runs on another branch
(`if fast { put(k) } else { putAndEvict(k) }`) does not bound the fast path. Writes with constant
keys, or keys the handler range-checks (`if id < 0 || id >= n`), `k % n` and `k & mask`, are
not reported: their key set is fixed.

## Why is this bad?
Every request adds an entry that is never removed, so the heap grows with the number of distinct
keys clients send — forever. It is the most common "memory leak" in Go services: a cache or
registry with no eviction. Heap profiles show it as steady growth under `runtime.mapassign` or
`runtime.growslice` called from the writing function.

## Example
```go
var sessions = map[string]*session{}

func login(w http.ResponseWriter, r *http.Request) {
    sessions[r.FormValue("sid")] = newSession(r) // never deleted
}
```

## Use instead
Bound the cache (an LRU with a maximum size), expire entries (a janitor that `delete`s them, or
a TTL checked on read), or remove entries when the thing they describe ends (`defer delete(...)`).

## References
- https://go.dev/blog/maps
- https://pkg.go.dev/sync#Map
"#;

impl Rule for CacheUnbounded {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let file_idx = pkg_index::file_index(ctx);
        let index = pkg_index::index(ctx);
        for (func, via) in index.request_functions(ctx, file_idx) {
            for n in scopes::own_nodes(func) {
                for w in writes(ctx, index, n) {
                    report(ctx, index, file_idx, func, via, w, out);
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Slice,
    SyncMap,
}

/// One insertion: the container expression and where to report it.
struct Write<'t> {
    container: Node<'t>,
    at: Node<'t>,
    kind: Kind,
    /// The key inserted (maps), if there is one.
    key: Option<Node<'t>>,
}

/// The insertions `n` makes into a container, if any.
fn writes<'t>(ctx: &FileCtx<'_>, index: &PackageIndex, n: Node<'t>) -> Vec<Write<'t>> {
    let mut out = Vec::new();
    match n.kind() {
        "assignment_statement" => {
            let targets = n
                .child_by_field_name("left")
                .map(named_children)
                .unwrap_or_default();
            let values = syntax::assigned_values(n);
            let plain = n
                .child_by_field_name("operator")
                .is_some_and(|o| ctx.text(o) == "=");
            for (i, t) in targets.iter().enumerate() {
                if let Some(w) = map_insert(ctx, *t) {
                    out.push(w);
                } else if plain && values.get(i).is_some_and(|v| appends_to(ctx, *v, *t)) {
                    out.push(Write {
                        container: *t,
                        at: *t,
                        kind: Kind::Slice,
                        key: None,
                    });
                }
            }
        }
        "inc_statement" | "dec_statement" => {
            if let Some(w) = n.named_child(0).and_then(|t| map_insert(ctx, t)) {
                out.push(w);
            }
        }
        "call_expression" => {
            let Some(c) = syntax::call(n) else { return out };
            let Some(op) = c.operand else { return out };
            let inserts = matches!(ctx.text(c.name), "Store" | "LoadOrStore" | "Swap");
            let constant_key = c.args.first().is_some_and(|k| is_constant(ctx, *k));
            if inserts && !constant_key && is_sync_map(ctx, index, op) {
                out.push(Write {
                    container: op,
                    at: n,
                    kind: Kind::SyncMap,
                    key: c.args.first().copied(),
                });
            }
        }
        _ => {}
    }
    out
}

/// `m[k] = v` / `m[k]++` with a non-constant key: a possible new entry.
fn map_insert<'t>(ctx: &FileCtx<'_>, target: Node<'t>) -> Option<Write<'t>> {
    let target = unparen(target);
    if target.kind() != "index_expression" {
        return None;
    }
    let container = target.child_by_field_name("operand")?;
    let key = target.child_by_field_name("index")?;
    if is_constant(ctx, key) || !matches!(unparen(container).kind(), "identifier" | "selector_expression") {
        return None;
    }
    Some(Write {
        container,
        at: target,
        kind: Kind::Map,
        key: Some(key),
    })
}

/// `s = append(s, …)`.
fn appends_to(ctx: &FileCtx<'_>, value: Node<'_>, target: Node<'_>) -> bool {
    let Some(c) = syntax::call(unparen(value)) else {
        return false;
    };
    c.operand.is_none()
        && ctx.text(c.name) == "append"
        && matches!(target.kind(), "identifier" | "selector_expression")
        && c.args.first().is_some_and(|a| ctx.text(*a) == ctx.text(target))
}

/// Literals, constants of the package and `pkg.Name` selectors: a fixed key set.
fn is_constant(ctx: &FileCtx<'_>, key: Node<'_>) -> bool {
    let key = unparen(key);
    match key.kind() {
        "interpreted_string_literal"
        | "raw_string_literal"
        | "int_literal"
        | "rune_literal"
        | "float_literal"
        | "true"
        | "false"
        | "nil" => true,
        "identifier" => super::pkg_index::index(ctx).const_names.contains(ctx.text(key)),
        "selector_expression" => key
            .child_by_field_name("operand")
            .is_some_and(|o| o.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(o))),
        _ => false,
    }
}

fn is_sync_map(ctx: &FileCtx<'_>, index: &PackageIndex, op: Node<'_>) -> bool {
    let is = |t: &str| t.trim_start_matches('*') == "sync.Map";
    let op = unparen(op);
    match op.kind() {
        "identifier" => ctx.package.vars.get(ctx.text(op)).is_some_and(|v| {
            v.ty.as_deref().is_some_and(is)
                || v.value
                    .as_deref()
                    .is_some_and(|x| matches!(x, "sync.Map{}" | "&sync.Map{}" | "new(sync.Map)"))
        }),
        "selector_expression" => op
            .child_by_field_name("field")
            .is_some_and(|f| index.field_type_is(ctx.text(f), is)),
        _ => false,
    }
}

/// True if the container written at `w` is a map (index writes on slices and
/// arrays do not grow them).
fn is_map(ctx: &FileCtx<'_>, index: &PackageIndex, func: Node<'_>, container: Node<'_>) -> bool {
    let is = |t: &str| t.trim_start_matches('*').starts_with("map[");
    let made = |v: &str| v.starts_with("map[") || v.starts_with("make(map[");
    let c = unparen(container);
    let name = ctx.text(c);
    match c.kind() {
        "selector_expression" => c
            .child_by_field_name("field")
            .is_some_and(|f| index.field_type_is(ctx.text(f), is)),
        "identifier" => {
            // The nearest declaration: a local of this or an enclosing function, else the package's.
            let mut cur = Some(func);
            while let Some(f) = cur {
                if let Some(decl) = local_decl(ctx, f, name) {
                    return decl.0.is_some_and(is) || decl.1.is_some_and(made);
                }
                cur = syntax::enclosing_function(f);
            }
            ctx.package
                .vars
                .get(name)
                .is_some_and(|v| v.ty.as_deref().is_some_and(is) || v.value.as_deref().is_some_and(made))
        }
        _ => false,
    }
}

/// (declared type, value) of the local `name` declared directly in `func`.
fn local_decl<'a>(
    ctx: &FileCtx<'a>,
    func: Node<'_>,
    name: &str,
) -> Option<(Option<&'a str>, Option<&'a str>)> {
    let body = func.child_by_field_name("body")?;
    descendants(body).find_map(|n| {
        if !matches!(n.kind(), "short_var_declaration" | "var_spec")
            || syntax::enclosing_function(n).is_none_or(|f| f.id() != func.id())
        {
            return None;
        }
        let names = syntax::assigned_names(n, ctx.src());
        let i = names.iter().position(|x| *x == name)?;
        let ty = n.child_by_field_name("type").map(|t| ctx.text(t));
        let value = syntax::assigned_values(n).get(i).map(|v| ctx.text(*v));
        Some((ty, value))
    })
}

fn report(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    file_idx: usize,
    func: Node<'_>,
    via: &str,
    w: Write<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(name) = container_name(w.container, ctx.src()) else {
        return;
    };
    if w.kind == Kind::Map && !is_map(ctx, index, func, w.container) {
        return;
    }
    if !index.reach.long_lived(ctx.file, file_idx, func, w.container)
        || w.key.is_some_and(|k| key_bounded(ctx, index, func, k, 0))
        || bounds::covered(ctx, index, file_idx, func, w.at, name)
    {
        return;
    }
    let what = match w.kind {
        Kind::Map => "map",
        Kind::Slice => "slice",
        Kind::SyncMap => "sync.Map",
    };
    let whose = match unparen(w.container).kind() {
        "selector_expression" => format!("{what} field `{}`", ctx.text(w.container)),
        _ if ctx.package.vars.contains_key(name) && !super::reach::declared_in(func, name, ctx.src()) => {
            format!("package-level {what} `{name}`")
        }
        _ => format!("{what} `{name}` captured by the handler"),
    };
    out.push(ctx.finding(
        ID,
        w.at,
        format!(
            "{whose} grows on the request path (reached from {via}) and no delete, clear, length bound or replacement runs alongside these inserts (none in the package, or only on other branches)"
        ),
    ));
}

/// True if the key's range is limited: `k % n`, `k & mask`, or a `k` that the
/// function (or, for a parameter, every request-path caller) compares
/// against a limit (`if id < 0 || id >= n { return }`, `for k < n`).
fn key_bounded(ctx: &FileCtx<'_>, index: &PackageIndex, func: Node<'_>, key: Node<'_>, depth: u8) -> bool {
    let key = unparen(key);
    if key.kind() == "binary_expression" {
        return key
            .child_by_field_name("operator")
            .is_some_and(|o| matches!(ctx.text(o), "%" | "&"));
    }
    if key.kind() != "identifier" || depth > 3 {
        return false;
    }
    let name = ctx.text(key);
    let compared = scopes::own_nodes(func).into_iter().any(|n| {
        n.kind() == "binary_expression"
            && n.child_by_field_name("operator")
                .is_some_and(|o| matches!(ctx.text(o), "<" | "<=" | ">" | ">="))
            && ["left", "right"].iter().any(|side| {
                let (this, other) = (
                    n.child_by_field_name(side),
                    n.child_by_field_name(if *side == "left" { "right" } else { "left" }),
                );
                this.is_some_and(|t| ctx.text(unparen(t)) == name)
                    && other.is_some_and(|o| ctx.text(unparen(o)) != "0")
            })
    });
    if compared {
        return true;
    }
    // A parameter: bounded if every request-path caller passes a bounded key.
    let Some(i) = syntax::parameter_names(func, ctx.src())
        .iter()
        .position(|p| *p == name)
    else {
        return false;
    };
    let Some(callee) = syntax::function_name(func, ctx.src()) else {
        return false;
    };
    let mut callers = 0;
    for (j, f) in ctx.package_files.iter().enumerate() {
        let fctx = ctx.for_file(f);
        for call in scopes::calls_named(f.tree.root_node(), &f.src, callee) {
            let Some(caller) = syntax::enclosing_function(call) else {
                continue;
            };
            if index.reach.request_path(j, caller).is_none() {
                continue;
            }
            callers += 1;
            let arg = syntax::call(call).and_then(|c| c.args.get(i).copied());
            if !arg.is_some_and(|a| key_bounded(&fctx, index, caller, a, depth + 1)) {
                return false;
            }
        }
    }
    callers > 0
}
