//! `pool-of-resources`: a `sync.Pool` used for closable resources — its `New`
//! opens files or connections, or open resources are `Put` into it.

use tree_sitter::Node;

use super::Rule;
use super::pkg_index::{self, PackageIndex, container_name};
use super::pools::{self, NewDef};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax::{self, descendants, unparen};

/// See [`DOC`].
pub struct PoolOfResources;

const ID: &str = "pool-of-resources";

const DOC: &str = r#"## What it does
Finds `sync.Pool`s whose `New` returns an open resource — a file (`os.Open`, `os.Create`,
`os.OpenFile`, `os.CreateTemp`), a network connection or listener (`net.Dial*`, `net.Listen*`,
`tls.Dial`, `Dialer.Dial*`), a database handle (`sql.Open`) or an HTTP response — directly, through
a local variable, or through a function of the package that returns one; and `Put` calls that
park such a resource (by its declared type: `*os.File`, `net.Conn`, `net.Listener`, `*sql.Conn`,
`*http.Response`…) in a pool.

## Why is this bad?
`sync.Pool` may drop any idle item at any garbage collection, silently, without calling `Close`.
A pooled file or connection then stays open until its finalizer runs (if it has one and ever
becomes unreachable), so descriptors, sockets and server-side sessions pile up instead of being
reused. A pool is for memory; resources need a pool that closes what it evicts.

## Example
```go
var conns = sync.Pool{New: func() any {
    c, _ := net.Dial("tcp", addr)
    return c
}}
```

## Use instead
A bounded pool that closes what does not fit (a buffered channel, or the client library's own
pool: `http.Transport`, `database/sql`), or open and close per use.

## References
- https://pkg.go.dev/sync#Pool
- https://victoriametrics.com/blog/go-sync-pool/
"#;

/// Declared types of values that hold an OS or server-side resource.
const RESOURCE_TYPES: &[&str] = &[
    "*os.File",
    "net.Conn",
    "*net.TCPConn",
    "*net.UDPConn",
    "*net.UnixConn",
    "*net.IPConn",
    "net.Listener",
    "*net.TCPListener",
    "*net.UnixListener",
    "net.PacketConn",
    "*tls.Conn",
    "*sql.DB",
    "*sql.Conn",
    "*sql.Rows",
    "*sql.Stmt",
    "*sql.Tx",
    "*http.Response",
    "*grpc.ClientConn",
];

impl Rule for PoolOfResources {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let src = ctx.src();
        if !ctx.package.imports.contains("sync") || !(src.contains(".Put(") || src.contains("Pool")) {
            return;
        }
        let index = pkg_index::index(ctx);
        let news = if src.contains("Pool") || src.contains(".New") {
            pools::news_in_file(ctx, index)
        } else {
            Vec::new()
        };
        for def in news {
            if let Some(what) = new_returns_resource(index, &def) {
                let pool = def.pool.map_or(String::new(), |p| format!(" `{p}`"));
                out.push(ctx.finding(
                    ID,
                    def.at,
                    format!("sync.Pool{pool} makes {what}; the pool drops idle items at GC without closing them, so they leak"),
                ));
            }
        }
        if !src.contains(".Put(") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            if let Some(msg) = put_of_resource(ctx, index, call) {
                out.push(ctx.finding(ID, call, msg));
            }
        }
    }
}

/// What a `New` returns when that is a resource ("a connection from net.Dial").
fn new_returns_resource(index: &PackageIndex, def: &NewDef<'_>) -> Option<String> {
    let (fctx, func) = pools::new_function(def)?;
    returns_resource(index, &fctx, func, 0)
}

fn returns_resource(index: &PackageIndex, ctx: &FileCtx<'_>, func: Node<'_>, depth: u8) -> Option<String> {
    if let Some(t) = declared_result(ctx, func).filter(|t| is_resource_type(t) || holds_resource(index, t)) {
        return Some(format!(
            "a {t} (the result of `{}`)",
            syntax::function_name(func, ctx.src()).unwrap_or("New")
        ));
    }
    pools::returned_values(func)
        .into_iter()
        .find_map(|v| resource_expr(index, ctx, func, v, depth))
}

/// The declared type of a function's single (or first) result.
fn declared_result<'a>(ctx: &FileCtx<'a>, func: Node<'_>) -> Option<&'a str> {
    let r = func.child_by_field_name("result")?;
    let t = if r.kind() == "parameter_list" {
        r.named_child(0)?.child_by_field_name("type")?
    } else {
        r
    };
    Some(ctx.text(t))
}

fn is_resource_type(t: &str) -> bool {
    RESOURCE_TYPES.contains(&t)
}

/// Does `v` (returned from `func`) hold a resource? Follows locals assigned
/// from acquiring calls and the package's own functions.
fn resource_expr(
    index: &PackageIndex,
    ctx: &FileCtx<'_>,
    func: Node<'_>,
    v: Node<'_>,
    depth: u8,
) -> Option<String> {
    let v = unparen(v);
    match v.kind() {
        "call_expression" => acquisition(ctx, v).or_else(|| {
            let c = syntax::call(v)?;
            if c.operand.is_some() || depth >= 3 {
                return None;
            }
            let (fctx, decl) = ctx.find_function(ctx.text(c.name))?;
            returns_resource(index, &fctx, decl, depth + 1)
        }),
        "identifier" => {
            let name = ctx.text(v);
            let body = func.child_by_field_name("body")?;
            descendants(body).find_map(|n| {
                if !matches!(
                    n.kind(),
                    "short_var_declaration" | "assignment_statement" | "var_spec"
                ) {
                    return None;
                }
                if syntax::assigned_names(n, ctx.src()).first() != Some(&name) {
                    return None;
                }
                let value = *syntax::assigned_values(n).first()?;
                resource_expr(index, ctx, func, value, depth)
            })
        }
        _ => None,
    }
}

/// "a connection from net.Dial" for acquiring calls.
fn acquisition(ctx: &FileCtx<'_>, call: Node<'_>) -> Option<String> {
    const OS: &[&str] = &["Open", "Create", "OpenFile", "CreateTemp", "NewFile"];
    const NET: &[&str] = &[
        "Dial",
        "DialTimeout",
        "DialTCP",
        "DialUDP",
        "DialUnix",
        "DialIP",
        "Listen",
        "ListenTCP",
        "ListenUDP",
        "ListenUnix",
        "ListenPacket",
    ];
    let f = ctx.file;
    if let Some(n) = f.pkg_call(call, "os", OS) {
        return Some(format!("a file from os.{n}"));
    }
    if let Some(n) = f.pkg_call(call, "net", NET) {
        let noun = if n.starts_with("Listen") {
            "listener"
        } else {
            "connection"
        };
        return Some(format!("a {noun} from net.{n}"));
    }
    if let Some(n) = f.pkg_call(call, "crypto/tls", &["Dial", "DialWithDialer", "Listen"]) {
        return Some(format!("a connection from tls.{n}"));
    }
    if let Some(n) = f.pkg_call(call, "database/sql", &["Open", "OpenDB"]) {
        return Some(format!("a database handle from sql.{n}"));
    }
    if let Some(n) = f.pkg_call(call, "net/http", &["Get", "Post", "Head", "PostForm"]) {
        return Some(format!("a response from http.{n}"));
    }
    let c = syntax::call(call)?;
    let name = ctx.text(c.name);
    let op = c.operand?;
    let imported = op.kind() == "identifier" && f.imports.contains_key(ctx.text(op));
    (!imported && matches!(name, "Dial" | "DialContext") && f.imports_path("net"))
        .then(|| format!("a connection from {}.{name}", ctx.text(op)))
}

/// `p.Put(x)` where `x` is declared as a resource and `p`'s `New` (if any) does
/// not already make resources (that is reported once, at the `New`).
fn put_of_resource(ctx: &FileCtx<'_>, index: &PackageIndex, call: Node<'_>) -> Option<String> {
    let c = syntax::call(call)?;
    let (Some(pool), [item]) = (c.operand, c.args.as_slice()) else {
        return None;
    };
    if ctx.text(c.name) != "Put" || !pools::is_pool(ctx, index, pool) {
        return None;
    }
    let func = syntax::enclosing_function(call)?;
    let ty = declared_type(ctx, index, func, *item)?;
    if !is_resource_type(&ty) && !holds_resource(index, &ty) {
        return None;
    }
    let name = container_name(pool, ctx.src())?;
    if pools::news_of(ctx, index, name)
        .iter()
        .any(|d| new_returns_resource(index, d).is_some())
    {
        return None;
    }
    Some(format!(
        "`{}` ({ty}) is put into the sync.Pool `{}`, which drops idle items at GC without closing them",
        ctx.text(*item),
        ctx.text(pool)
    ))
}

/// A struct of the package with a field that is a resource (`type conn struct
/// { c net.Conn }`), directly or through another such struct.
fn holds_resource(index: &PackageIndex, ty: &str) -> bool {
    fn holds(index: &PackageIndex, ty: &str, depth: u8) -> bool {
        let name = ty.trim_start_matches('*');
        depth < 3
            && index.struct_fields.get(name).is_some_and(|fields| {
                fields.iter().any(|f| {
                    is_resource_type(f) || (f.trim_start_matches('*') != name && holds(index, f, depth + 1))
                })
            })
    }
    holds(index, ty, 0)
}

/// The declared type of `item`: a parameter, or a field of a package struct.
fn declared_type(ctx: &FileCtx<'_>, index: &PackageIndex, func: Node<'_>, item: Node<'_>) -> Option<String> {
    let item = unparen(item);
    match item.kind() {
        "identifier" => {
            let i = syntax::parameter_names(func, ctx.src())
                .iter()
                .position(|p| *p == ctx.text(item))?;
            syntax::parameter_types(func, ctx.src())
                .get(i)
                .map(|t| t.to_string())
        }
        "selector_expression" => {
            let field = ctx.text(item.child_by_field_name("field")?);
            let types = index.field_types.get(field)?;
            types.iter().find(|t| is_resource_type(t)).cloned()
        }
        _ => None,
    }
}
