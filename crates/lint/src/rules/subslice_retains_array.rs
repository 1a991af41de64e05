//! `subslice-retains-array`: a sub-slice or sub-string of a large buffer
//! stored somewhere long-lived, which keeps the whole buffer reachable.

use tree_sitter::Node;

use super::Rule;
use super::buffers::{self, Locals, Params, Value};
use super::pkg_index::{self, PackageIndex};
use super::reach;
use super::scopes;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax::{self, named_children, unparen};

/// See [`DOC`].
pub struct SubsliceRetainsArray;

const ID: &str = "subslice-retains-array";

const DOC: &str = r#"## What it does
Finds sub-slices and sub-strings of large buffers — the result of `io.ReadAll`, `os.ReadFile`, a
`bytes.Buffer` filled from a reader, `make([]byte, N)` with N ≥ 1024, strings converted from
them — and the parts `bytes.Split`/`Fields`/`Trim*`/`Cut` (and their `strings` twins) return,
including through the package's own functions that return such views, when they are stored
somewhere that outlives the function: a package-level variable, a field of a method's receiver
or of a package-level value, a map (as key or value) or slice rooted there, or a handler's
captured state.

## Why is this bad?
A slice or string header points into its backing array, and the garbage collector keeps the
whole array alive as long as any header points into it. Keeping the first 32 bytes of every
1 MB request body keeps every 1 MB body. Heap profiles blame the original `io.ReadAll`, which
makes the leak hard to find.

Copies break the link and are not reported: `bytes.Clone`, `strings.Clone`,
`append([]byte(nil), b...)`, `copy` into a fresh buffer, and `string(b[:n])` (converting bytes to a
string copies them).

## Example
```go
body, _ := io.ReadAll(r.Body)
lastSignature = body[:32] // keeps the whole body
```

## Use instead
```go
lastSignature = bytes.Clone(body[:32])
```

## References
- https://go.dev/blog/slices-intro#a-possible-gotcha
- https://pkg.go.dev/bytes#Clone
- https://pkg.go.dev/strings#Clone
"#;

impl Rule for SubsliceRetainsArray {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let index = pkg_index::index(ctx);
        // Views need a large buffer: one made here, or returned by a package function.
        let src = ctx.src();
        let has_source = buffers::SOURCE_MARKERS.iter().any(|m| src.contains(m))
            || index
                .buffers
                .returns_large_view
                .keys()
                .any(|f| src.contains(f.as_str()));
        if !has_source {
            return;
        }
        let file_idx = pkg_index::file_index(ctx);
        for func in ctx.functions() {
            let stores: Vec<Node<'_>> = scopes::own_nodes(func)
                .into_iter()
                .filter(|n| matches!(n.kind(), "assignment_statement" | "call_expression"))
                .collect();
            if stores.is_empty() {
                continue;
            }
            let locals = Locals::of(ctx.file, &index.buffers, func, Params::Unknown);
            if locals.is_empty() {
                continue;
            }
            let site = Site {
                ctx,
                index,
                file_idx,
                func,
                locals: &locals,
            };
            for n in stores {
                site.check_store(n, out);
            }
        }
    }
}

struct Site<'c, 'a, 'f, 't> {
    ctx: &'c FileCtx<'a>,
    index: &'c PackageIndex,
    file_idx: usize,
    func: Node<'t>,
    locals: &'c Locals<'f>,
}

impl Site<'_, '_, '_, '_> {
    fn check_store(&self, n: Node<'_>, out: &mut Vec<Finding>) {
        let ctx = self.ctx;
        if n.kind() == "call_expression" {
            let Some(c) = syntax::call(n) else { return };
            let name = ctx.text(c.name);
            // A package function or method that stores its parameter somewhere long-lived.
            let imported = c
                .operand
                .is_some_and(|op| op.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(op)));
            if !imported && let Some(stored) = self.index.buffers.stores_param.get(name) {
                for &(i, via_receiver) in stored {
                    let receiver_ok = !via_receiver || c.operand.is_some_and(|op| self.long_lived(op));
                    if let (true, Some(a)) = (receiver_ok, c.args.get(i)) {
                        let callee = ctx.text(c.node.child_by_field_name("function").unwrap_or(c.name));
                        self.check_value(*a, &format!("a long-lived place by `{callee}`"), out);
                    }
                }
            }
            // `m.Store(k, v)` on a long-lived sync.Map.
            let Some(op) = c.operand else { return };
            if matches!(name, "Store" | "LoadOrStore" | "Swap") && self.long_lived(op) {
                for a in c.args.iter().take(2) {
                    self.check_value(*a, &format!("`{}`", ctx.text(op)), out);
                }
            }
            return;
        }
        if n.child_by_field_name("operator")
            .is_none_or(|o| ctx.text(o) != "=")
        {
            return;
        }
        let targets = n
            .child_by_field_name("left")
            .map(named_children)
            .unwrap_or_default();
        let values = syntax::assigned_values(n);
        if targets.len() != values.len() {
            return;
        }
        for (target, value) in targets.iter().zip(values) {
            let Some(sink) = self.sink(*target) else { continue };
            if let Some(key) = (unparen(*target).kind() == "index_expression")
                .then(|| target.child_by_field_name("index"))
                .flatten()
            {
                self.check_value(key, &format!("{sink} as a key"), out);
            }
            let appended = syntax::call(unparen(value)).filter(|c| {
                c.operand.is_none()
                    && ctx.text(c.name) == "append"
                    && c.args.first().is_some_and(|a| ctx.text(*a) == ctx.text(*target))
            });
            match appended {
                Some(c) => {
                    for a in c.args.iter().skip(1).filter(|a| a.kind() != "variadic_argument") {
                        self.check_value(*a, &sink, out);
                    }
                }
                None => self.check_value(value, &sink, out),
            }
        }
    }

    /// Where `target` stores to, if that outlives the function.
    fn sink(&self, target: Node<'_>) -> Option<String> {
        let ctx = self.ctx;
        let target = unparen(target);
        match target.kind() {
            "identifier" => {
                let name = ctx.text(target);
                self.long_lived(target)
                    .then(|| format!("the package-level variable `{name}`"))
                    .filter(|_| ctx.package.is_var(name))
            }
            "selector_expression" => {
                let op = target.child_by_field_name("operand")?;
                self.long_lived(op)
                    .then(|| format!("the field `{}`", ctx.text(target)))
            }
            "index_expression" => {
                let op = target.child_by_field_name("operand")?;
                self.long_lived(op).then(|| format!("`{}`", ctx.text(op)))
            }
            _ => None,
        }
    }

    fn long_lived(&self, expr: Node<'_>) -> bool {
        reach::outlives_function(self.ctx, &self.index.reach, self.file_idx, self.func, expr)
    }

    fn check_value(&self, value: Node<'_>, sink: &str, out: &mut Vec<Finding>) {
        let value = unparen(value);
        let Some(origin) = self.locals.classify(value).into_iter().find_map(|v| match v {
            Value::View(o) => Some(o),
            _ => None,
        }) else {
            return;
        };
        let shown = self.ctx.text(value);
        let shown = if shown.len() > 40 || shown.contains('\n') {
            "this value".to_string()
        } else {
            format!("`{shown}`")
        };
        out.push(self.ctx.finding(
            ID,
            value,
            format!(
                "{shown} shares the backing array of {} and is stored in {sink}, so the whole buffer stays reachable; store a copy (bytes.Clone, strings.Clone)",
                origin.describe()
            ),
        ));
    }
}
