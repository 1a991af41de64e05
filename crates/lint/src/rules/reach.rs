//! Which functions run per request, and which values outlive a request.
//!
//! A handler is a function whose parameters say it serves a request
//! (`http.ResponseWriter`, `*http.Request`, gin/echo/fiber contexts) or a
//! method shaped like a gRPC handler (`(ctx context.Context, req *T) (*U,
//! error)`, or a server stream). Everything a handler calls in the package —
//! functions by name, methods by name, function literals inside — is on the
//! request path. A value outlives the request when it is rooted at a
//! package-level variable, at the receiver of a handler method (the server),
//! at the receiver of a method called on such a value, or is captured by a
//! handler literal from the function that built it.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::scopes::Scopes;
use crate::context::FileCtx;
use crate::source::SourceFile;
use crate::syntax::{self, descendants, named_children, text, unparen};

/// A function (declaration or literal) of the package: (file index, start byte).
pub type FnPos = (usize, usize);

/// Request-path facts of one package.
#[derive(Debug, Default)]
pub struct Reach {
    /// Functions on the request path → the handler that reaches them (for messages).
    pub request: HashMap<FnPos, String>,
    /// Handler roots.
    pub roots: HashSet<FnPos>,
    /// Methods called on the request path on a receiver that outlives the request.
    pub long_lived_receiver: HashSet<FnPos>,
    /// Parameters (function, index) passed a long-lived argument on the request path.
    pub long_lived_params: HashSet<(FnPos, usize)>,
    /// Package-level variable names.
    vars: HashSet<String>,
    /// Names each function declares (see [`Scopes`]).
    pub decls: HashMap<FnPos, HashSet<String>>,
}

/// Just enough typing to send `x.m()` to the right `m`: the declared types
/// of receivers, parameters, package variables and struct fields.
struct Types {
    /// Package-level variable → its type's base name.
    vars: HashMap<String, String>,
    /// Field name → the base names of its declared types (over all structs).
    fields: HashMap<String, HashSet<String>>,
    /// Struct types declared in the package.
    structs: HashSet<String>,
}

/// `*pkg.T[K]` → `pkg.T`; `*T` → `T`.
fn base_type(t: &str) -> String {
    let t = t.trim().trim_start_matches('*');
    t.split('[').next().unwrap_or(t).to_string()
}

impl Types {
    fn build(files: &[&SourceFile], scopes: &Scopes<'_>, vars: HashMap<String, String>) -> Types {
        let mut types = Types {
            vars,
            fields: HashMap::new(),
            structs: HashSet::new(),
        };
        for &(i, n) in scopes
            .package_nodes
            .iter()
            .filter(|(_, n)| n.kind() == "field_declaration")
        {
            let src = &files[i].src;
            let Some(ty) = n.child_by_field_name("type") else {
                continue;
            };
            let mut cursor = n.walk();
            for name in n.children_by_field_name("name", &mut cursor) {
                types
                    .fields
                    .entry(text(name, src).to_string())
                    .or_default()
                    .insert(base_type(text(ty, src)));
            }
            let owner = n
                .parent()
                .and_then(|l| l.parent())
                .filter(|st| st.kind() == "struct_type");
            if let Some(name) = owner
                .and_then(|st| st.parent())
                .and_then(|ts| ts.child_by_field_name("name"))
            {
                types.structs.insert(text(name, src).to_string());
            }
        }
        types
    }

    /// The base type of `op` in `func`, when it can be told from declarations.
    fn operand_type(&self, file: &SourceFile, func: Node<'_>, op: Node<'_>) -> Option<String> {
        let op = unparen(op);
        let src = &file.src;
        match op.kind() {
            "identifier" => {
                let name = text(op, src);
                let mut cur = Some(func);
                while let Some(f) = cur {
                    if receiver_name(f, src) == Some(name) {
                        return receiver_type(f, src);
                    }
                    if let Some(k) = syntax::parameter_names(f, src).iter().position(|p| *p == name) {
                        return syntax::parameter_types(f, src).get(k).map(|t| base_type(t));
                    }
                    cur = syntax::enclosing_function(f);
                }
                self.vars.get(name).cloned()
            }
            "selector_expression" => {
                let field = text(op.child_by_field_name("field")?, src);
                // A field no struct of ours declares belongs to another package's type.
                let Some(candidates) = self.fields.get(field) else {
                    return Some("?.external".to_string());
                };
                (candidates.len() == 1)
                    .then(|| candidates.iter().next().cloned())
                    .flatten()
            }
            _ => None,
        }
    }

    /// Can a call on a value of type `ty` land in `method`? Unknown types and
    /// the package's interfaces may reach any same-named method; a package
    /// struct only its own; a type from another package none of ours.
    fn may_receive(&self, ty: Option<&str>, file: &SourceFile, method: Node<'_>) -> bool {
        match ty {
            None => true,
            Some(t) if t.contains('.') => false,
            Some(t) if self.structs.contains(t) => receiver_type(method, &file.src).as_deref() == Some(t),
            Some(_) => true,
        }
    }
}

/// The base name of a method's receiver type (`T` for `func (x *T[K]) m()`).
fn receiver_type(func: Node<'_>, src: &str) -> Option<String> {
    let recv = func.child_by_field_name("receiver")?;
    let decl = named_children(recv)
        .into_iter()
        .find(|d| d.kind() == "parameter_declaration")?;
    decl.child_by_field_name("type").map(|t| base_type(text(t, src)))
}

/// Position key of a function node.
pub fn pos(file: usize, func: Node<'_>) -> FnPos {
    (file, func.start_byte())
}

impl Reach {
    /// Computes the request path of the package made of `files`.
    pub fn build(
        files: &[&SourceFile],
        var_types: HashMap<String, String>,
        scopes: &Scopes<'_>,
        decls: HashMap<FnPos, HashSet<String>>,
    ) -> Reach {
        let vars: HashSet<String> = var_types.keys().cloned().collect();
        let mut reach = Reach {
            vars,
            decls,
            ..Default::default()
        };
        let types = Types::build(files, scopes, var_types);
        let mut funcs: HashMap<&str, Vec<(usize, Node<'_>)>> = HashMap::new();
        let mut methods: HashMap<&str, Vec<(usize, Node<'_>)>> = HashMap::new();
        for &(i, n) in &scopes.funcs {
            let f = files[i];
            if let Some(name) = syntax::function_name(n, &f.src) {
                let map = if n.kind() == "method_declaration" {
                    &mut methods
                } else {
                    &mut funcs
                };
                map.entry(name).or_default().push((i, n));
            }
            if let Some(kind) = handler_kind(f, n) {
                let name = match syntax::function_name(n, &f.src) {
                    Some(name) => format!("{kind} `{name}`"),
                    None => format!("the {kind} literal at line {}", n.start_position().row + 1),
                };
                reach.roots.insert(pos(i, n));
                reach.request.insert(pos(i, n), name);
            }
        }
        // Propagate over a worklist; a function is revisited when its
        // receiver or a parameter becomes long-lived.
        let mut work: Vec<(usize, Node<'_>)> = scopes
            .funcs
            .iter()
            .copied()
            .filter(|(i, n)| reach.request.contains_key(&pos(*i, *n)))
            .collect();
        let by_pos: HashMap<FnPos, (usize, Node<'_>)> =
            scopes.funcs.iter().map(|&(i, n)| (pos(i, n), (i, n))).collect();
        let mut visits = 0usize;
        while let Some((i, func)) = work.pop() {
            visits += 1;
            if visits > 50 * scopes.funcs.len() + 1000 {
                break; // a safety net; the lattice is finite and small
            }
            let Some(via) = reach.request.get(&pos(i, func)).cloned() else {
                continue;
            };
            let src = &files[i].src;
            for &n in scopes.nodes(i, func) {
                if n.kind() == "func_literal" {
                    if reach.request.insert(pos(i, n), via.clone()).is_none() {
                        work.push((i, n));
                    }
                    continue;
                }
                let Some(c) = syntax::call(n) else { continue };
                let name = text(c.name, src);
                let targets: Vec<(usize, Node<'_>, bool)> = match c.operand {
                    None => funcs
                        .get(name)
                        .into_iter()
                        .flatten()
                        .map(|&(j, t)| (j, t, false))
                        .collect(),
                    Some(op)
                        if !(op.kind() == "identifier" && files[i].imports.contains_key(text(op, src))) =>
                    {
                        let Some(ms) = methods.get(name) else { continue };
                        let long = reach.long_lived(files[i], i, func, op);
                        let ty = types.operand_type(files[i], func, op);
                        ms.iter()
                            .map(|&(j, t)| (j, t, long && types.may_receive(ty.as_deref(), files[j], t)))
                            .collect()
                    }
                    Some(_) => Vec::new(),
                };
                if targets.is_empty() {
                    continue;
                }
                let long_args: Vec<usize> = (0..c.args.len())
                    .filter(|k| reach.long_lived(files[i], i, func, c.args[*k]))
                    .collect();
                for (j, target, long_receiver) in targets {
                    let p = pos(j, target);
                    let mut changed = reach.request.insert(p, via.clone()).is_none();
                    if long_receiver {
                        changed |= reach.long_lived_receiver.insert(p);
                    }
                    for k in &long_args {
                        changed |= reach.long_lived_params.insert((p, *k));
                    }
                    if changed && let Some(&t) = by_pos.get(&p) {
                        work.push(t);
                    }
                }
            }
        }
        reach
    }

    /// The handler that puts `func` (file `file`) on the request path, if any.
    pub fn request_path(&self, file: usize, func: Node<'_>) -> Option<&str> {
        self.request.get(&pos(file, func)).map(String::as_str)
    }

    /// True if `func` itself declares `name`.
    pub fn declares(&self, file_idx: usize, func: Node<'_>, name: &str) -> bool {
        self.decls
            .get(&pos(file_idx, func))
            .is_some_and(|d| d.contains(name))
    }

    /// True if the value `expr`, evaluated in `func`, outlives a request.
    pub fn long_lived(&self, file: &SourceFile, file_idx: usize, func: Node<'_>, expr: Node<'_>) -> bool {
        let Some(root) = root_ident(expr) else {
            return false;
        };
        let name = text(root, &file.src);
        let mut cur = func;
        loop {
            if receiver_name(cur, &file.src) == Some(name) {
                let p = pos(file_idx, cur);
                return self.roots.contains(&p) || self.long_lived_receiver.contains(&p);
            }
            if let Some(k) = syntax::parameter_names(cur, &file.src)
                .iter()
                .position(|p| *p == name)
            {
                return self.long_lived_params.contains(&(pos(file_idx, cur), k));
            }
            if self.declares(file_idx, cur, name) {
                return false;
            }
            let Some(outer) = syntax::enclosing_function(cur) else {
                break;
            };
            // Captured by a handler closure from the function that built it:
            // it lives as long as the handler is registered.
            if self.roots.contains(&pos(file_idx, cur)) && self.declared_above(file_idx, outer, name) {
                return true;
            }
            cur = outer;
        }
        self.vars.contains(name)
    }

    /// True if `name` is declared in `func` or a function enclosing it.
    fn declared_above(&self, file_idx: usize, func: Node<'_>, name: &str) -> bool {
        let mut cur = Some(func);
        while let Some(f) = cur {
            if self.declares(file_idx, f, name) {
                return true;
            }
            cur = syntax::enclosing_function(f);
        }
        false
    }
}

/// True if `expr`, evaluated in `func`, is rooted somewhere that outlives the
/// call: a package-level variable, the receiver of `func` (or of a method
/// enclosing it), or state that outlives a request ([`Reach::long_lived`]).
pub fn outlives_function(
    ctx: &FileCtx<'_>,
    reach: &Reach,
    file_idx: usize,
    func: Node<'_>,
    expr: Node<'_>,
) -> bool {
    let Some(root) = root_ident(expr) else {
        return false;
    };
    let name = ctx.text(root);
    let mut cur = Some(func);
    while let Some(f) = cur {
        if receiver_name(f, ctx.src()) == Some(name) {
            return true;
        }
        if reach.declares(file_idx, f, name) {
            return reach.long_lived(ctx.file, file_idx, func, expr);
        }
        cur = syntax::enclosing_function(f);
    }
    ctx.package.is_var(name)
}

/// What kind of handler `func` is ("handler", "gRPC handler"), if it is one.
pub fn handler_kind(file: &SourceFile, func: Node<'_>) -> Option<&'static str> {
    let src = &file.src;
    let types = syntax::parameter_types(func, src);
    let qualified = |pkg: &str, name: &str, ty: &str| {
        let ty = ty.trim_start_matches('*');
        ty.split_once('.')
            .is_some_and(|(q, n)| n == name && file.is_pkg(q, pkg))
    };
    let web = types.iter().any(|t| {
        qualified("net/http", "ResponseWriter", t)
            || (t.starts_with('*') && qualified("net/http", "Request", t))
            || qualified("github.com/gin-gonic/gin", "Context", t)
            || qualified("github.com/labstack/echo/v4", "Context", t)
            || qualified("github.com/labstack/echo", "Context", t)
            || qualified("github.com/gofiber/fiber/v2", "Ctx", t)
    });
    if web {
        return Some("handler");
    }
    if func.kind() != "method_declaration" {
        return None;
    }
    let results: Vec<String> = match func.child_by_field_name("result") {
        Some(r) if r.kind() == "parameter_list" => named_children(r)
            .iter()
            .filter_map(|d| d.child_by_field_name("type"))
            .map(|t| text(t, src).to_string())
            .collect(),
        Some(r) => vec![text(r, src).to_string()],
        None => Vec::new(),
    };
    // protoc-gen-go names messages `FooRequest`/`FooResponse` (or `…Reply`);
    // requiring that keeps `BeginTx(ctx, *TxOptions) (*Tx, error)` out.
    let base = |t: &str| {
        t.trim_start_matches('*')
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_string()
    };
    let unary = types.len() == 2
        && qualified("context", "Context", types[0])
        && types[1].starts_with('*')
        && ["Request", "Req"].iter().any(|sfx| base(types[1]).ends_with(sfx))
        && results.len() == 2
        && results[0].starts_with('*')
        && ["Response", "Reply", "Resp"]
            .iter()
            .any(|sfx| base(&results[0]).ends_with(sfx))
        && results[1] == "error";
    let stream = results == ["error"]
        && types.last().is_some_and(|t| {
            let last = t.rsplit('.').next().unwrap_or(t);
            last.contains('_') && last.ends_with("Server")
        });
    (unary || stream).then_some("gRPC handler")
}

/// The receiver's name of a method declaration.
pub fn receiver_name<'s>(func: Node<'_>, src: &'s str) -> Option<&'s str> {
    if func.kind() != "method_declaration" {
        return None;
    }
    let recv = func.child_by_field_name("receiver")?;
    let decl = named_children(recv)
        .into_iter()
        .find(|d| d.kind() == "parameter_declaration")?;
    decl.child_by_field_name("name").map(|n| text(n, src))
}

/// The identifier a value expression is rooted at: `s` in `s.cache.m[k]`.
pub fn root_ident(expr: Node<'_>) -> Option<Node<'_>> {
    let expr = unparen(expr);
    match expr.kind() {
        "identifier" => Some(expr),
        "selector_expression" | "index_expression" | "slice_expression" | "type_assertion_expression" => {
            root_ident(expr.child_by_field_name("operand")?)
        }
        "unary_expression" => root_ident(expr.child_by_field_name("operand")?),
        _ => None,
    }
}

/// True if `name` is declared by `func` itself: a parameter, named result or
/// a local (`:=`, `var`, range or select variables), not counting nested literals.
pub fn declared_in(func: Node<'_>, name: &str, src: &str) -> bool {
    if syntax::parameter_names(func, src).contains(&name) {
        return true;
    }
    if let Some(r) = func
        .child_by_field_name("result")
        .filter(|r| r.kind() == "parameter_list")
    {
        let named = named_children(r).into_iter().any(|d| {
            let mut cursor = d.walk();
            d.children_by_field_name("name", &mut cursor)
                .any(|n| text(n, src) == name)
        });
        if named {
            return true;
        }
    }
    let Some(body) = func.child_by_field_name("body") else {
        return false;
    };
    descendants(body).any(|n| {
        let declares = match n.kind() {
            "short_var_declaration" | "var_spec" | "const_spec" => true,
            "range_clause" | "receive_statement" => {
                let head = n
                    .child_by_field_name("right")
                    .map_or(n.end_byte(), |r| r.start_byte());
                src.get(n.start_byte()..head).is_some_and(|h| h.contains(":="))
            }
            _ => false,
        };
        declares
            && syntax::assigned_names(n, src).contains(&name)
            && syntax::enclosing_function(n).is_some_and(|f| f.id() == func.id())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::go_parser;

    #[test]
    fn request_path_and_long_lived_values() {
        let src = "package p\nimport (\"context\"; \"net/http\")\n\
            var global = map[string]int{}\n\
            type srv struct{ m map[string]int }\n\
            type Req struct{}\ntype Resp struct{}\n\
            func (s *srv) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.put(r.URL.Path); local := &srv{}; local.put(\"x\") }\n\
            func (s *srv) put(k string) { s.m[k] = 1; global[k] = 1 }\n\
            func (s *srv) Get(ctx context.Context, req *Req) (*Resp, error) { return nil, nil }\n\
            func startup() { (&srv{}).put(\"y\") }\n";
        let f = SourceFile::parse(&mut go_parser(), "t.go".into(), src.into()).unwrap();
        let mut scopes = Scopes::build(&[&f]);
        let decls = std::mem::take(&mut scopes.decls);
        let reach = Reach::build(
            &[&f],
            [("global".to_string(), "map".to_string())].into_iter().collect(),
            &scopes,
            decls,
        );
        let func = |name: &str| {
            scopes
                .funcs
                .iter()
                .map(|(_, n)| *n)
                .find(|n| syntax::function_name(*n, &f.src) == Some(name))
                .unwrap()
        };
        assert_eq!(
            reach.request_path(0, func("ServeHTTP")),
            Some("handler `ServeHTTP`")
        );
        assert_eq!(reach.request_path(0, func("Get")), Some("gRPC handler `Get`"));
        assert!(reach.request_path(0, func("put")).is_some());
        assert!(reach.request_path(0, func("startup")).is_none());
        // `s.put` on the server makes put's receiver long-lived; `local.put` alone would not.
        let put = func("put");
        let target = |text: &str| syntax::descendants(put).find(|n| f.text(*n) == text).unwrap();
        assert!(reach.long_lived(&f, 0, put, target("s.m")));
        assert!(reach.long_lived(&f, 0, put, target("global")));
        assert!(!reach.long_lived(&f, 0, put, target("k")));
    }
}
