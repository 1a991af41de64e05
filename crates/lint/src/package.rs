//! Cross-file facts about one Go package (the files of one directory with the
//! same `package` clause), computed once before any rule runs, so a rule can
//! ask "does `closeBody` close its argument?" or "is `cache` a package-level
//! variable?" without re-reading sibling files.
//!
//! Facts are deliberately cheap (one pass over each file) and keyed by name:
//! there is no type checker, so a method `Close` on two types shares one entry.
//! Entries only ever make a rule *more* lenient (an argument counts as handed
//! off if any same-named function takes it), which favours precision.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::flow;
use crate::source::SourceFile;
use crate::syntax::{self, descendants, named_children, text};

/// What the package's own functions do with their parameters.
#[derive(Debug, Default, Clone)]
pub struct FuncFacts {
    /// Parameter names in order ("" for unnamed).
    pub params: Vec<String>,
    /// Parameter types' source text, in order.
    pub param_types: Vec<String>,
    /// `true` at index i when the body releases or hands off parameter i
    /// (calls `p.Close()`/`p.Body.Close()`/`close(p)`/`p()`, returns it, stores it).
    pub releases_param: Vec<bool>,
    /// `true` for methods (the name alone may collide with a function's).
    pub is_method: bool,
    /// The first result's type, without `*` (`Session` for `*Session, error`).
    pub result: Option<String>,
    /// The body calls `context.WithCancel`/`WithTimeout`/`WithDeadline` (any variant).
    pub makes_cancel: bool,
    /// The body opens a file, connection or listener (`os.Open*`, `os.Create*`, `net.Dial*`, `net.Listen*`).
    pub opens_file: bool,
    /// The body builds an `http.Transport` and the result type is a client,
    /// transport or round-tripper: a factory whose every call makes a new pool.
    pub returns_transport: bool,
}

/// One package-level `var`.
#[derive(Debug, Clone)]
pub struct PackageVar {
    /// The variable's name.
    pub name: String,
    /// Declared type text, if written (`map[string][]byte`).
    pub ty: Option<String>,
    /// Initial value text, if written (`make(map[string]int)`).
    pub value: Option<String>,
    /// Index into [`PackageFacts::files`] of the declaring file.
    pub file: usize,
    /// 1-based line of the declaration.
    pub line: usize,
}

/// Facts about one package; shared read-only by every file's rules.
#[derive(Debug, Default)]
pub struct PackageFacts {
    /// Paths of the package's files (index = `PackageVar::file`).
    pub files: Vec<std::path::PathBuf>,
    /// Package-level variables by name.
    pub vars: HashMap<String, PackageVar>,
    /// Functions and methods by name (methods merged with same-named functions).
    pub funcs: HashMap<String, FuncFacts>,
    /// Field names `X` closed somewhere as `recv.X.Close()` (or Stop/Release…):
    /// storing a resource in such a field hands it to an owner that closes it.
    pub closed_fields: HashSet<String>,
    /// Import paths used by any file of the package.
    pub imports: HashSet<String>,
    /// Receiver type name (without `*`) → its method names.
    pub methods: HashMap<String, HashSet<String>>,
    /// Names of functions called from inside an HTTP handler (a function with an
    /// `http.ResponseWriter` or `*http.Request` parameter): they run per request.
    pub handler_callees: HashSet<String>,
    /// Names declared (as fields or variables) with a `sync.Mutex`/`RWMutex` type.
    pub mutex_names: HashSet<String>,
    /// Whole-package indexes (request path, container bounds, views of large
    /// buffers) for the retention/cache/pool/subscription rules, built on
    /// first use so packages those rules skip never pay for them.
    pub index: std::sync::OnceLock<crate::rules::pkg_index::PackageIndex>,
}

impl PackageFacts {
    /// Builds the facts of the package made of `files`.
    pub fn build(files: &[&SourceFile]) -> PackageFacts {
        let mut facts = PackageFacts {
            files: files.iter().map(|f| f.path.clone()).collect(),
            ..Default::default()
        };
        for (idx, file) in files.iter().enumerate() {
            facts.add_file(idx, file);
        }
        facts.propagate_releases(files);
        facts
    }

    /// A parameter passed straight on to a package function that releases
    /// (or keeps) it is released too: `NewClient(conn)` → `NewClientCodec(conn)`
    /// → stored in a struct. Two rounds reach the common wrapper chains.
    fn propagate_releases(&mut self, files: &[&SourceFile]) {
        for _ in 0..2 {
            let mut updates: Vec<(String, usize)> = Vec::new();
            for file in files {
                let src = file.src.as_str();
                for func in named_children(file.tree.root_node()) {
                    if !matches!(func.kind(), "function_declaration" | "method_declaration") {
                        continue;
                    }
                    let (Some(name), Some(body)) =
                        (syntax::function_name(func, src), func.child_by_field_name("body"))
                    else {
                        continue;
                    };
                    let Some(f) = self.funcs.get(name) else { continue };
                    for (i, p) in f.params.iter().enumerate() {
                        if p.is_empty() || p == "_" || f.releases_param.get(i).copied().unwrap_or(true) {
                            continue;
                        }
                        let passed_on = descendants(body).filter_map(syntax::call).any(|c| {
                            c.operand.is_none_or(|o| !file.imports.contains_key(text(o, src)))
                                && c.args.iter().enumerate().any(|(j, a)| {
                                    text(*a, src) == p && self.takes_param(text(c.name, src), j)
                                })
                        });
                        if passed_on {
                            updates.push((name.to_string(), i));
                        }
                    }
                }
            }
            if updates.is_empty() {
                return;
            }
            for (name, i) in updates {
                if let Some(slot) = self
                    .funcs
                    .get_mut(&name)
                    .and_then(|f| f.releases_param.get_mut(i))
                {
                    *slot = true;
                }
            }
        }
    }

    fn add_file(&mut self, idx: usize, file: &SourceFile) {
        let src = file.src.as_str();
        let root = file.tree.root_node();
        self.imports.extend(file.imports.values().cloned());
        for top in named_children(root) {
            match top.kind() {
                "var_declaration" => {
                    for spec in descendants(top).filter(|n| n.kind() == "var_spec") {
                        let ty = spec.child_by_field_name("type").map(|t| text(t, src).to_string());
                        let value = spec
                            .child_by_field_name("value")
                            .map(|v| text(v, src).to_string());
                        for name in syntax::assigned_names(spec, src) {
                            if name == "_" {
                                continue;
                            }
                            let line = spec.start_position().row + 1;
                            let var = PackageVar {
                                name: name.to_string(),
                                ty: ty.clone(),
                                value: value.clone(),
                                file: idx,
                                line,
                            };
                            self.vars.insert(name.to_string(), var);
                        }
                    }
                }
                "function_declaration" | "method_declaration" => self.add_func(top, file),
                _ => {}
            }
        }
        let http = file.local_name("net/http");
        for node in descendants(root) {
            if let Some(http) = http
                && syntax::is_function(node)
                && is_handler(node, src, http)
            {
                for c in descendants(node).filter_map(syntax::call) {
                    self.handler_callees.insert(text(c.name, src).to_string());
                }
            }
            if matches!(node.kind(), "field_declaration" | "var_spec")
                && node
                    .child_by_field_name("type")
                    .is_some_and(|t| text(t, src).ends_with("Mutex"))
            {
                let mut cursor = node.walk();
                for name in node.children_by_field_name("name", &mut cursor) {
                    self.mutex_names.insert(text(name, src).to_string());
                }
            }
            let Some(call) = syntax::call(node) else { continue };
            let Some(operand) = call.operand else { continue };
            if operand.kind() == "selector_expression"
                && flow::GENERIC_RELEASE.contains(&text(call.name, src))
                && let Some(field) = operand.child_by_field_name("field")
            {
                self.closed_fields.insert(text(field, src).to_string());
            }
        }
    }

    fn add_func(&mut self, func: Node<'_>, file: &SourceFile) {
        let src = file.src.as_str();
        let Some(name) = syntax::function_name(func, src) else {
            return;
        };
        let params: Vec<String> = syntax::parameter_names(func, src)
            .into_iter()
            .map(str::to_string)
            .collect();
        let param_types = syntax::parameter_types(func, src)
            .into_iter()
            .map(str::to_string)
            .collect();
        let releases_param = match func.child_by_field_name("body") {
            Some(body) => params
                .iter()
                .map(|p| !p.is_empty() && p != "_" && flow::body_releases_name(body, src, p))
                .collect(),
            None => vec![false; params.len()],
        };
        let is_method = func.kind() == "method_declaration";
        if is_method
            && let Some(recv) = func
                .child_by_field_name("receiver")
                .and_then(|r| receiver_type(r, src))
        {
            self.methods.entry(recv).or_default().insert(name.to_string());
        }
        let result = func
            .child_by_field_name("result")
            .and_then(|r| first_result_type(r, src));
        let makes_cancel = func.child_by_field_name("body").is_some_and(|b| {
            descendants(b).filter_map(syntax::call).any(|c| {
                let n = text(c.name, src);
                n.starts_with("WithCancel") || n.starts_with("WithTimeout") || n.starts_with("WithDeadline")
            })
        });
        let (opens_file, builds_transport) = match func.child_by_field_name("body") {
            Some(b) => opens_and_builds(b, file),
            None => (false, false),
        };
        let returns_transport = builds_transport
            && result.as_deref().is_some_and(|r| {
                r.contains("Client") || r.contains("Transport") || r.contains("RoundTripper")
            });
        let facts = FuncFacts {
            params,
            param_types,
            releases_param,
            is_method,
            result,
            makes_cancel,
            opens_file,
            returns_transport,
        };
        match self.funcs.get_mut(name) {
            Some(existing) => {
                for (i, r) in facts.releases_param.iter().enumerate() {
                    if let Some(slot) = existing.releases_param.get_mut(i) {
                        *slot |= *r;
                    }
                }
            }
            None => {
                self.funcs.insert(name.to_string(), facts);
            }
        }
    }

    /// True if the package's function or method `name` releases or keeps its
    /// argument at `index`.
    pub fn takes_param(&self, name: &str, index: usize) -> bool {
        self.funcs
            .get(name)
            .and_then(|f| f.releases_param.get(index))
            .copied()
            .unwrap_or(false)
    }

    /// True if the type `ty` (without `*`) has a method named `method`.
    pub fn has_method(&self, ty: &str, method: &str) -> bool {
        self.methods.get(ty).is_some_and(|m| m.contains(method))
    }

    /// True if `name` is a package-level variable.
    pub fn is_var(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }
}

/// `(s *Session)` → `Session` (type parameters dropped).
fn receiver_type(recv: Node<'_>, src: &str) -> Option<String> {
    let decl = named_children(recv)
        .into_iter()
        .find(|n| n.kind() == "parameter_declaration")?;
    let ty = text(decl.child_by_field_name("type")?, src);
    let ty = ty.trim_start_matches('*');
    Some(ty.split('[').next().unwrap_or(ty).trim().to_string())
}

/// `(*Session, error)` or `*Session` → `Session`.
fn first_result_type(result: Node<'_>, src: &str) -> Option<String> {
    let ty = if result.kind() == "parameter_list" {
        let decl = named_children(result)
            .into_iter()
            .find(|n| n.kind() == "parameter_declaration")?;
        text(decl.child_by_field_name("type")?, src)
    } else {
        text(result, src)
    };
    Some(ty.trim_start_matches('*').to_string())
}

/// Does `body` open a file/conn/listener, and does it build an `http.Transport`?
fn opens_and_builds(body: Node<'_>, file: &SourceFile) -> (bool, bool) {
    let src = file.src.as_str();
    let http = file.local_name("net/http");
    let mut opens = false;
    let mut builds = false;
    for n in descendants(body) {
        if let Some(c) = syntax::call(n) {
            let name = text(c.name, src);
            if let Some(op) = c
                .operand
                .filter(|o| o.kind() == "identifier")
                .map(|o| text(o, src))
            {
                opens |= (file.is_pkg(op, "os")
                    && matches!(name, "Open" | "Create" | "OpenFile" | "CreateTemp"))
                    || (file.is_pkg(op, "net") && (name.starts_with("Dial") || name.starts_with("Listen")));
            }
        }
        if n.kind() == "composite_literal"
            && let (Some(http), Some(ty)) = (http, n.child_by_field_name("type"))
        {
            builds |= text(ty, src) == format!("{http}.Transport");
        }
        if n.kind() == "call_expression" {
            let t = text(n, src);
            builds |= t.contains("Transport") && (t.ends_with(".Clone()") || t.starts_with("new("));
        }
    }
    (opens, builds)
}

/// A function with an `http.ResponseWriter` or `*http.Request` parameter
/// (`http` = the file's local name for net/http).
pub fn is_handler(func: Node<'_>, src: &str, http: &str) -> bool {
    syntax::parameter_types(func, src).iter().any(|t| {
        let t = t.trim_start_matches('*');
        t.strip_prefix(http)
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|r| r == "ResponseWriter" || r == "Request")
    })
}
