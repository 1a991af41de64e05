//! `pool-put-unbounded`: a growable buffer put back into a `sync.Pool`
//! without a capacity check first.

use tree_sitter::Node;

use super::Rule;
use super::pkg_index::{self, PackageIndex, container_name};
use super::pools;
use super::scopes;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax::{self, descendants, unparen};

/// See [`DOC`].
pub struct PoolPutUnbounded;

const ID: &str = "pool-put-unbounded";

const DOC: &str = r#"## What it does
Finds `Put` calls on a `sync.Pool` whose items can grow without limit — `*bytes.Buffer`,
`*strings.Builder`, and slices (`[]T`, `*[]T`) that the package appends to — when no capacity
check guards the `Put`: no `if` before it or around it compares `cap`/`len`/`Cap()`/`Len()` of
the item (directly or through a helper of the package that does). `Reset` does not count: it
empties a buffer but keeps its capacity.

## Why is this bad?
One large request grows a pooled buffer to its size; `Put` keeps that buffer, and every later
`Get` may hand the oversized buffer to a tiny request, which puts it back again. Under steady
traffic the pool never drains, so the peak size becomes the permanent size — per P, times the
number of pools. This is golang/go#23199, the reason `fmt` and `encoding/json` drop buffers above
64 KiB instead of pooling them.

## Example
```go
buf := bufPool.Get().(*bytes.Buffer)
buf.Reset()
defer bufPool.Put(buf)
```

## Use instead
```go
const maxPooled = 64 << 10
if buf.Cap() <= maxPooled {
    bufPool.Put(buf)
}
```

## References
- https://github.com/golang/go/issues/23199
- https://pkg.go.dev/sync#Pool
"#;

impl Rule for PoolPutUnbounded {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if !ctx.package.imports.contains("sync") || !ctx.src().contains(".Put(") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            let Some(c) = syntax::call(call) else { continue };
            let (Some(pool), [item]) = (c.operand, c.args.as_slice()) else {
                continue;
            };
            if ctx.text(c.name) != "Put" {
                continue;
            }
            let index = pkg_index::index(ctx);
            if !pools::is_pool(ctx, index, pool) {
                continue;
            }
            let Some(func) = syntax::enclosing_function(call).filter(|f| !f.has_error()) else {
                continue;
            };
            let Some(pool_name) = container_name(pool, ctx.src()) else {
                continue;
            };
            let Some(ty) = item_type(ctx, index, func, *item, pool_name) else {
                continue;
            };
            if !growable(ctx, &ty, func, pool_name, *item) || guarded(ctx, func, call, *item) {
                continue;
            }
            out.push(ctx.finding(
                ID,
                call,
                format!(
                    "`{}` ({ty}) goes back into the pool `{}` without a capacity check, so one huge request's buffer is kept and reused forever",
                    ctx.text(*item),
                    ctx.text(pool)
                ),
            ));
        }
    }
}

/// The item's type: from `x := p.Get().(T)`, a parameter `x T`, or what the pool's `New` returns.
fn item_type(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    func: Node<'_>,
    item: Node<'_>,
    pool: &str,
) -> Option<String> {
    let item = unparen(item);
    let name = ctx.text(item);
    if item.kind() == "identifier" {
        if let Some(i) = syntax::parameter_names(func, ctx.src())
            .iter()
            .position(|p| *p == name)
        {
            return syntax::parameter_types(func, ctx.src())
                .get(i)
                .map(|t| t.to_string());
        }
        let body = func.child_by_field_name("body")?;
        let asserted = descendants(body).find_map(|n| {
            if !matches!(n.kind(), "short_var_declaration" | "assignment_statement") {
                return None;
            }
            let names = syntax::assigned_names(n, ctx.src());
            if names.first() != Some(&name) {
                return None;
            }
            let v = unparen(*syntax::assigned_values(n).first()?);
            (v.kind() == "type_assertion_expression")
                .then(|| v.child_by_field_name("type"))
                .flatten()
        });
        if let Some(t) = asserted {
            return Some(ctx.text(t).to_string());
        }
    }
    pools::news_of(ctx, index, pool)
        .iter()
        .filter_map(pools::new_function)
        .find_map(|(fctx, f)| {
            pools::returned_values(f)
                .into_iter()
                .find_map(|v| constructed_type(&fctx, f, v))
        })
}

/// The type a `New` function's returned expression constructs.
fn constructed_type(ctx: &FileCtx<'_>, func: Node<'_>, v: Node<'_>) -> Option<String> {
    let text = ctx.text(v);
    if let Some(inner) = text.strip_prefix("new(").and_then(|t| t.strip_suffix(')')) {
        return Some(format!("*{inner}"));
    }
    if let Some(lit) = text.strip_prefix('&') {
        if let Some((ty, _)) = lit.split_once('{') {
            return Some(format!("*{ty}"));
        }
        // `&b` with `b := make([]byte, …)`.
        let body = func.child_by_field_name("body")?;
        return descendants(body).find_map(|n| {
            let names = syntax::assigned_names(n, ctx.src());
            let value = syntax::assigned_values(n).first().map(|x| ctx.text(*x))?;
            let ty = value.strip_prefix("make(")?.split([',', ')']).next()?;
            (names.first() == Some(&lit)).then(|| format!("*{}", ty.trim()))
        });
    }
    if let Some(rest) = text.strip_prefix("make(") {
        return rest.split([',', ')']).next().map(|t| t.trim().to_string());
    }
    if text.starts_with("bytes.NewBuffer") {
        return Some("*bytes.Buffer".into());
    }
    None
}

/// Buffers and builders always grow; slices grow if the package appends to
/// Buffers and builders always grow. A pooled `*[]T` grows when the package
/// writes a (re-sliced or appended) slice back through the pointer
/// (`*bp = append(b, …)`) in a function that gets from the pool; a pooled
/// `[]T` when the value put back was assigned from an append.
fn growable(ctx: &FileCtx<'_>, ty: &str, func: Node<'_>, pool: &str, item: Node<'_>) -> bool {
    let ty: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(ty.as_str(), "*bytes.Buffer" | "*strings.Builder") {
        return true;
    }
    if let Some(elem) = ty.strip_prefix('*') {
        if !elem.starts_with("[]") {
            return false;
        }
        let get = format!("{pool}.Get(");
        // `*bp = b` writes a possibly grown slice back, and some append in the
        // function can grow it without limit.
        let grows_and_writes_back = |f: Node<'_>, src: &str| {
            let own = scopes::own_nodes(f);
            let writes_back = own.iter().any(|n| {
                n.kind() == "assignment_statement"
                    && n.child_by_field_name("left")
                        .and_then(|l| l.named_child(0))
                        .is_some_and(|t| t.kind() == "unary_expression")
            });
            let resets = own.iter().any(|n| is_reset(*n, src));
            writes_back && own.iter().any(|n| unbounded_append(*n, src, resets))
        };
        return grows_and_writes_back(func, ctx.src())
            || ctx.package_files.iter().any(|f| {
                f.src.contains(&get)
                    && descendants(f.tree.root_node())
                        .filter(|n| syntax::is_function(*n) && f.text(*n).contains(&get))
                        .any(|n| grows_and_writes_back(n, &f.src))
            });
    }
    if !ty.starts_with("[]") {
        return false;
    }
    let name = ctx.text(unparen(item));
    scopes::own_nodes(func).into_iter().any(|n| {
        n.kind() == "assignment_statement"
            && syntax::assigned_names(n, ctx.src()).first() == Some(&name)
            && syntax::assigned_values(n)
                .first()
                .and_then(|v| syntax::call(unparen(*v)))
                .is_some_and(|c| {
                    let called = ctx.text(c.name);
                    (c.operand.is_none() && called == "append") || called.starts_with("Append")
                })
    })
}

/// True if an `if` around the `Put` or before it — or a loop condition before
/// it (`for buf.Len() < size { … }`: the writer stops at a limit) — checks the
/// item's size.
fn guarded(ctx: &FileCtx<'_>, func: Node<'_>, put: Node<'_>, item: Node<'_>) -> bool {
    let name = ctx.text(unparen(item)).trim_start_matches(['&', '*']).to_string();
    let conditions = scopes::own_nodes(func)
        .into_iter()
        .filter(|n| n.start_byte() < put.start_byte())
        .filter_map(|n| match n.kind() {
            "if_statement" => n.child_by_field_name("condition"),
            "for_statement" => syntax::named_children(n)
                .into_iter()
                .find_map(|c| match c.kind() {
                    "for_clause" => c.child_by_field_name("condition"),
                    "block" | "range_clause" => None,
                    _ => Some(c),
                }),
            _ => None,
        });
    conditions
        .into_iter()
        .any(|cond| checks_size(ctx, cond, &name, 0))
}

/// True if `cond` compares `cap(x)`, `len(x)`, `x.Cap()` or `x.Len()` for an
/// expression mentioning `name`, or calls a package function doing so on it.
fn checks_size(ctx: &FileCtx<'_>, cond: Node<'_>, name: &str, depth: u8) -> bool {
    let mentions = |n: Node<'_>| descendants(n).any(|i| i.kind() == "identifier" && ctx.text(i) == name);
    descendants(cond).any(|n| {
        let Some(c) = syntax::call(n) else { return false };
        let called = ctx.text(c.name);
        let size_call = match c.operand {
            None => matches!(called, "cap" | "len") && c.args.first().is_some_and(|a| mentions(*a)),
            Some(op) => matches!(called, "Cap" | "Len") && mentions(op),
        };
        if size_call {
            // Up through arithmetic (`buf.Len()+n <= max`) to a comparison.
            let mut cur = n.parent();
            while let Some(p) = cur {
                let op = p.child_by_field_name("operator").map(|o| ctx.text(o));
                match (p.kind(), op) {
                    ("binary_expression", Some("<" | "<=" | ">" | ">=")) => return true,
                    ("binary_expression", Some("+" | "-" | "*" | "/")) | ("parenthesized_expression", _) => {
                        cur = p.parent()
                    }
                    _ => return false,
                }
            }
            return false;
        }
        // A helper of the package: `if fits(buf) { pool.Put(buf) }`.
        if depth > 0 || c.operand.is_some() {
            return false;
        }
        let Some(i) = c.args.iter().position(|a| mentions(*a)) else {
            return false;
        };
        let Some((fctx, decl)) = ctx.find_function(called) else {
            return false;
        };
        let params = syntax::parameter_names(decl, fctx.src());
        let Some(param) = params.get(i).filter(|p| !p.is_empty()) else {
            return false;
        };
        decl.child_by_field_name("body")
            .is_some_and(|b| checks_size(&fctx, b, param, depth + 1))
    })
}

/// An `append`/`strconv.Append…` that can grow a slice without limit: in a
/// loop, spreading another slice (`xs...`), or — unless the function resets
/// the slice (`b[:0]`) — any append, since each use then adds more.
/// `strconv.AppendInt(b[:0], n, 10)` or a reset followed by `append(b, '.')`
/// add a bounded amount per use.
fn unbounded_append(n: Node<'_>, src: &str, function_resets: bool) -> bool {
    let Some(c) = syntax::call(n) else { return false };
    let name = syntax::text(c.name, src);
    if !((c.operand.is_none() && name == "append") || name.starts_with("Append")) {
        return false;
    }
    let in_loop = syntax::ancestor_in_function(n, &["for_statement"]).is_some();
    let spreads = c.args.iter().any(|a| a.kind() == "variadic_argument");
    let reset = function_resets || c.args.first().is_some_and(|a| is_reset(unparen(*a), src));
    in_loop || spreads || !reset
}

/// `b[:0]`: a slice emptied for reuse.
fn is_reset(n: Node<'_>, src: &str) -> bool {
    n.kind() == "slice_expression"
        && n.child_by_field_name("start").is_none()
        && n.child_by_field_name("end")
            .is_some_and(|e| syntax::text(e, src) == "0")
}
