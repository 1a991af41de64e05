//! Whole-package facts for the retention, cache, pool and subscription rules,
//! built once per package on first use (kept in `PackageFacts::index`):
//! the request path ([`Reach`]), which functions return views of large
//! buffers ([`BufferFacts`]), which containers are bounded somewhere, struct
//! field types, and which methods the package declares and calls.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::bounds::{self, BoundSite};
use super::buffer_facts;
use super::buffers::BufferFacts;
use super::reach::{self, Reach};
use super::scopes::Scopes;
use crate::context::FileCtx;
use crate::source::SourceFile;
use crate::syntax::{self, named_children, text, unparen};

/// See the module docs.
#[derive(Debug, Default)]
pub struct PackageIndex {
    /// Request-path functions and long-lived receivers.
    pub reach: Reach,
    /// Constants and functions returning views.
    pub buffers: BufferFacts,
    /// Struct field name → declared type texts (over every struct of the package).
    pub field_types: HashMap<String, Vec<String>>,
    /// Container name (variable or field) → the places that delete from it,
    /// clear it, check its length against a limit, or replace it.
    pub bounds: HashMap<String, Vec<BoundSite>>,
    /// Declared function → the names it calls (see [`bounds::call_graph`]).
    pub calls: HashMap<String, HashSet<String>>,
    /// Method calls made anywhere: (last name of the receiver, method).
    pub method_calls: HashSet<(String, String)>,
    /// Functions returning a registration's cancel/handle: name → (result index, `recv.Method`).
    pub handle_wrappers: HashMap<String, (usize, String)>,
    /// Struct type name → its fields' type texts.
    pub struct_fields: HashMap<String, Vec<String>>,
    /// Names of the package's constants (any type).
    pub const_names: HashSet<String>,
    /// Methods declared in the package → the type of their first result ("" for none).
    pub method_results: HashMap<String, String>,
}

/// The index of `ctx`'s package, built on first use.
pub fn index<'a>(ctx: &FileCtx<'a>) -> &'a PackageIndex {
    ctx.package.index.get_or_init(|| {
        // Variable → its type's base name, from the declared type or the value.
        let vars = ctx
            .package
            .vars
            .iter()
            .map(|(name, v)| {
                let ty = v.ty.clone().or_else(|| {
                    let value = v.value.as_deref()?.trim_start_matches('&');
                    let ty = value
                        .strip_prefix("new(")
                        .map_or(value, |t| t.trim_end_matches(')'));
                    ty.split(['{', '('])
                        .next()
                        .filter(|t| !t.is_empty() && !t.contains(' '))
                        .map(str::to_string)
                });
                (
                    name.clone(),
                    ty.map(|t| t.trim_start_matches('*').to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        PackageIndex::build(ctx.package_files, vars)
    })
}

/// The position of `ctx`'s file among its package's files.
pub fn file_index(ctx: &FileCtx<'_>) -> usize {
    ctx.package_files
        .iter()
        .position(|f| std::ptr::eq(*f, ctx.file))
        .unwrap_or(0)
}

impl PackageIndex {
    /// The request-path functions of `ctx`'s file (index `file_idx`), in
    /// source order, with the handler that reaches each.
    pub fn request_functions<'a>(&'a self, ctx: &FileCtx<'a>, file_idx: usize) -> Vec<(Node<'a>, &'a str)> {
        let mut starts: Vec<(usize, &str)> = self
            .reach
            .request
            .iter()
            .filter(|((f, _), _)| *f == file_idx)
            .map(|((_, s), v)| (*s, v.as_str()))
            .collect();
        starts.sort_unstable();
        starts
            .into_iter()
            .filter_map(|(s, via)| Some((super::scopes::function_at(ctx.root(), s)?, via)))
            .collect()
    }

    fn build(files: &[&SourceFile], var_types: HashMap<String, String>) -> PackageIndex {
        let vars: HashSet<String> = var_types.keys().cloned().collect();
        let mut scopes = Scopes::build(files);
        let consts = buffer_facts::package_consts(files, &scopes);
        let buffers = buffer_facts::facts(files, consts, &vars, &scopes);
        let decls = std::mem::take(&mut scopes.decls);
        let mut idx = PackageIndex {
            reach: Reach::build(files, var_types, &scopes, decls),
            buffers,
            ..Default::default()
        };
        for &(i, n) in &scopes.package_nodes {
            idx.add_node(i, files[i], n);
        }
        idx.calls = bounds::call_graph(files, &scopes);
        idx.handle_wrappers =
            super::subscription_not_removed::handle_wrappers(files, &scopes, &idx.method_results);
        idx
    }

    fn add_node(&mut self, file_idx: usize, file: &SourceFile, n: Node<'_>) {
        let src = &file.src;
        {
            match n.kind() {
                "field_declaration" => {
                    let Some(ty) = n.child_by_field_name("type") else {
                        return;
                    };
                    let owner = n
                        .parent()
                        .and_then(|l| l.parent())
                        .filter(|st| st.kind() == "struct_type")
                        .and_then(|st| st.parent())
                        .filter(|ts| ts.kind() == "type_spec")
                        .and_then(|ts| ts.child_by_field_name("name"));
                    if let Some(owner) = owner {
                        self.struct_fields
                            .entry(text(owner, src).to_string())
                            .or_default()
                            .push(text(ty, src).to_string());
                    }
                    let mut cursor = n.walk();
                    for name in n.children_by_field_name("name", &mut cursor) {
                        self.field_types
                            .entry(text(name, src).to_string())
                            .or_default()
                            .push(text(ty, src).to_string());
                    }
                }
                "method_declaration" => {
                    if let Some(name) = syntax::function_name(n, src) {
                        let first = n.child_by_field_name("result").map(|r| match r.kind() {
                            "parameter_list" => named_children(r)
                                .first()
                                .and_then(|d| d.child_by_field_name("type"))
                                .map_or("", |t| text(t, src)),
                            _ => text(r, src),
                        });
                        let slot = self.method_results.entry(name.to_string()).or_default();
                        if slot.is_empty() {
                            *slot = first.unwrap_or("").to_string();
                        }
                    }
                }
                "call_expression" => self.add_call(file_idx, file, n),
                "const_spec" => {
                    let mut cursor = n.walk();
                    self.const_names.extend(
                        n.children_by_field_name("name", &mut cursor)
                            .map(|c| text(c, src).to_string()),
                    );
                }
                "binary_expression" => {
                    let is_cmp = n
                        .child_by_field_name("operator")
                        .is_some_and(|o| matches!(text(o, src), "<" | "<=" | ">" | ">=" | "==" | "!="));
                    if !is_cmp {
                        return;
                    }
                    for side in ["left", "right"] {
                        let Some(e) = n.child_by_field_name(side).map(unparen) else {
                            continue;
                        };
                        if let Some(c) =
                            syntax::call(e).filter(|c| c.operand.is_none() && text(c.name, src) == "len")
                        {
                            let other = n.child_by_field_name(if side == "left" { "right" } else { "left" });
                            let emptiness = other.is_some_and(|o| matches!(text(unparen(o), src), "0" | "1"));
                            if let (false, Some(name)) =
                                (emptiness, c.args.first().and_then(|a| container_name(*a, src)))
                            {
                                self.add_bound(file_idx, file, name, n);
                            }
                        }
                    }
                }
                "assignment_statement" => self.add_assignment(file_idx, file, n),
                _ => {}
            }
        }
    }

    fn add_bound(&mut self, file_idx: usize, file: &SourceFile, name: &str, n: Node<'_>) {
        let Some(func) = syntax::enclosing_function(n) else {
            return;
        };
        let site = BoundSite {
            func: reach::pos(file_idx, func),
            decl: bounds::outer_decl(n, &file.src).map(str::to_string),
            at: n.start_byte(),
        };
        self.bounds.entry(name.to_string()).or_default().push(site);
    }

    fn add_call(&mut self, file_idx: usize, file: &SourceFile, n: Node<'_>) {
        let src = &file.src;
        let Some(c) = syntax::call(n) else { return };
        let name = text(c.name, src);
        match c.operand {
            None if matches!(name, "delete" | "clear") => {
                if let Some(container) = c.args.first().and_then(|a| container_name(*a, src)) {
                    self.add_bound(file_idx, file, container, n);
                }
            }
            None => {}
            Some(op) => {
                if let Some(recv) = container_name(op, src) {
                    self.method_calls.insert((recv.to_string(), name.to_string()));
                    if matches!(name, "Delete" | "LoadAndDelete" | "CompareAndDelete" | "Clear") {
                        self.add_bound(file_idx, file, recv, n);
                    }
                }
            }
        }
    }

    /// `c = <anything but append(c, …)>` replaces the container; not counted
    /// in `init`, or when `c` is a local or a field of a local being built.
    fn add_assignment(&mut self, file_idx: usize, file: &SourceFile, n: Node<'_>) {
        let src = &file.src;
        if n.child_by_field_name("operator")
            .is_none_or(|o| text(o, src) != "=")
        {
            return;
        }
        let Some(func) = syntax::enclosing_function(n) else {
            return;
        };
        if func.kind() == "function_declaration" && syntax::function_name(func, src) == Some("init") {
            return;
        }
        let targets = n
            .child_by_field_name("left")
            .map(named_children)
            .unwrap_or_default();
        let values = syntax::assigned_values(n);
        for (i, target) in targets.iter().enumerate() {
            if !matches!(target.kind(), "identifier" | "selector_expression") {
                continue;
            }
            let Some(name) = container_name(*target, src) else {
                continue;
            };
            let grows = values
                .get(i)
                .and_then(|v| syntax::call(unparen(*v)))
                .is_some_and(|c| {
                    c.operand.is_none()
                        && text(c.name, src) == "append"
                        && c.args
                            .first()
                            .is_some_and(|a| text(*a, src) == text(*target, src))
                });
            let local_root = reach::root_ident(*target).is_some_and(|r| {
                self.reach.declares(file_idx, func, text(r, src))
                    && reach::receiver_name(func, src) != Some(text(r, src))
            });
            if !grows && !local_root {
                self.add_bound(file_idx, file, name, n);
            }
        }
    }

    /// True if some struct of the package declares field `name` with a type
    /// satisfying `pred`.
    pub fn field_type_is(&self, name: &str, pred: impl Fn(&str) -> bool) -> bool {
        self.field_types
            .get(name)
            .is_some_and(|ts| ts.iter().any(|t| pred(t)))
    }
}

/// The name a container is known by: the variable (`sessions`), or the last
/// field (`byID` in `c.byID`), after stripping indexing (`m[a]` → `m`).
pub fn container_name<'s>(expr: Node<'_>, src: &'s str) -> Option<&'s str> {
    let expr = unparen(expr);
    match expr.kind() {
        "identifier" => Some(text(expr, src)),
        "selector_expression" => expr.child_by_field_name("field").map(|f| text(f, src)),
        "index_expression" | "slice_expression" => container_name(expr.child_by_field_name("operand")?, src),
        "unary_expression" => container_name(expr.child_by_field_name("operand")?, src),
        _ => None,
    }
}
