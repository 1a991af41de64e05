//! Which local values hold a large buffer, and which are views (sub-slices,
//! sub-strings, split parts) that share a large buffer's backing array.
//! Shared by `subslice-retains-array` and `closure-retains`.
//!
//! The analysis is per function and flow-insensitive: a variable is "large"
//! or "a view" if any assignment in the function makes it so. Copies
//! (`string(b)`, `bytes.Clone`, `append([]byte(nil), b...)`, `copy`) are
//! simply not views, so nothing needs to list them.

use std::collections::HashMap;

use tree_sitter::Node;

use super::buffer_facts::const_int;
use crate::source::SourceFile;
use crate::syntax::{self, descendants, text, unparen};

/// Buffers at least this big (in elements) count as large: a view of a few
/// bytes then keeps at least two orders of magnitude more alive.
pub const LARGE: i64 = 1024;

/// Text that must appear in a file for it to make a large buffer itself.
pub const SOURCE_MARKERS: &[&str] = &["ReadAll", "ReadFile", "make(", ".Bytes()"];

/// Where a large buffer comes from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// `io.ReadAll`, `make([]byte, 65536)`, `the buffer readID reads`.
    pub what: String,
    /// 1-based line of the allocation (0 when it is in another function).
    pub line: usize,
}

impl Origin {
    /// "io.ReadAll at line 12".
    pub fn describe(&self) -> String {
        if self.line == 0 {
            self.what.clone()
        } else {
            format!("{} at line {}", self.what, self.line)
        }
    }
}

/// What a value is, as far as retention goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A large buffer (or a string copy of one).
    Large(Origin),
    /// A sub-slice/sub-string sharing a large buffer.
    View(Origin),
    /// A slice whose elements are views (`bytes.Split(big, …)`).
    Views(Origin),
    /// Parameter `i` of the function (used to find functions returning views of a parameter).
    Param(usize),
    /// A view of parameter `i`.
    ParamView(usize),
}

/// Package facts the classification needs from other functions.
#[derive(Debug, Default, Clone)]
pub struct BufferFacts {
    /// Integer constants of the package.
    pub consts: HashMap<String, i64>,
    /// Functions that may return a view of parameter `i`.
    pub returns_param_view: HashMap<String, usize>,
    /// Functions that return a view of a large buffer they allocate or read.
    pub returns_large_view: HashMap<String, Origin>,
    /// Function name → parameter index → a large buffer or view some call site passes.
    pub param_origins: HashMap<String, HashMap<usize, Value>>,
    /// Function name → parameters it stores somewhere long-lived, and whether
    /// through its receiver (which must then be long-lived at the call site).
    pub stores_param: HashMap<String, Vec<(usize, bool)>>,
}

/// The values of one function's local variables.
pub struct Locals<'f> {
    pub(super) file: &'f SourceFile,
    facts: &'f BufferFacts,
    vars: HashMap<String, Vec<Value>>,
    /// Byte range of the function, to look for what fills a buffer.
    span: std::ops::Range<usize>,
}

pub(super) const SPLITTERS: &[&str] = &[
    "Split",
    "SplitN",
    "SplitAfter",
    "SplitAfterN",
    "Fields",
    "FieldsFunc",
];
pub(super) const TRIMMERS: &[&str] = &[
    "TrimSpace",
    "Trim",
    "TrimLeft",
    "TrimRight",
    "TrimPrefix",
    "TrimSuffix",
    "TrimFunc",
    "TrimLeftFunc",
    "TrimRightFunc",
];
pub(super) const CUTTERS: &[&str] = &["Cut", "CutPrefix", "CutSuffix"];
const READERS: &[(&str, &[&str])] = &[
    ("io", &["ReadAll"]),
    ("io/ioutil", &["ReadAll", "ReadFile"]),
    ("os", &["ReadFile"]),
];

/// What parameters start as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Params {
    /// Unknown (nothing).
    Unknown,
    /// `Param(i)`, to find functions that return views of their parameters.
    Symbolic,
    /// What the package's call sites pass ([`BufferFacts::param_origins`]).
    FromCallers,
}

impl<'f> Locals<'f> {
    /// Classifies the variables of `func`; parameters start as `params` says.
    pub fn of(file: &'f SourceFile, facts: &'f BufferFacts, func: Node<'_>, params: Params) -> Locals<'f> {
        Locals::with_nodes(file, facts, func, params, &super::scopes::own_nodes(func))
    }

    /// Like [`Locals::of`], given `func`'s own nodes (other kinds are skipped).
    pub fn with_nodes(
        file: &'f SourceFile,
        facts: &'f BufferFacts,
        func: Node<'_>,
        params: Params,
        nodes: &[Node<'_>],
    ) -> Locals<'f> {
        let mut l = Locals {
            file,
            facts,
            vars: HashMap::new(),
            span: func.byte_range(),
        };
        let passed = syntax::function_name(func, &file.src).and_then(|n| facts.param_origins.get(n));
        for (i, p) in syntax::parameter_names(func, &file.src).into_iter().enumerate() {
            if p.is_empty() || p == "_" {
                continue;
            }
            match params {
                Params::Symbolic => l.vars.entry(p.to_string()).or_default().push(Value::Param(i)),
                Params::FromCallers => {
                    if let Some(v) = passed.and_then(|m| m.get(&i)) {
                        l.vars.entry(p.to_string()).or_default().push(v.clone());
                    }
                }
                Params::Unknown => {}
            }
        }
        let stmts: Vec<Node<'_>> = nodes
            .iter()
            .copied()
            .filter(|n| {
                matches!(
                    n.kind(),
                    "short_var_declaration" | "assignment_statement" | "var_spec" | "range_clause"
                )
            })
            .collect();
        // A few rounds reach `b := a[:n]; c := b[1:]` chains in any order.
        for _ in 0..3 {
            let before: usize = l.vars.values().map(Vec::len).sum();
            for s in &stmts {
                l.assign(*s);
            }
            if l.vars.values().map(Vec::len).sum::<usize>() == before {
                break;
            }
        }
        l
    }

    /// True if no variable holds a large buffer or a view.
    pub fn is_empty(&self) -> bool {
        self.vars
            .values()
            .all(|vs| vs.iter().all(|v| matches!(v, Value::Param(_))))
    }

    fn add(&mut self, name: &str, v: Value) {
        if name == "_" || name.contains('.') || name.contains('[') {
            return;
        }
        let e = self.vars.entry(name.to_string()).or_default();
        if !e.contains(&v) {
            e.push(v);
        }
    }

    fn assign(&mut self, stmt: Node<'_>) {
        let src = &self.file.src;
        if stmt.kind() == "assignment_statement"
            && stmt
                .child_by_field_name("operator")
                .is_some_and(|o| text(o, src) != "=")
        {
            return;
        }
        let names = syntax::assigned_names(stmt, src);
        let values = syntax::assigned_values(stmt);
        if stmt.kind() == "range_clause" {
            if let (Some(name), Some(over)) = (names.get(1), values.first()) {
                for v in self.classify(*over) {
                    if let Value::Views(o) = v {
                        self.add(name, Value::View(o));
                    }
                }
            }
            return;
        }
        if names.len() == values.len() {
            for (name, value) in names.iter().zip(values) {
                for v in self.classify(value) {
                    self.add(name, v);
                }
            }
        } else if let [value] = values.as_slice() {
            let value = unparen(*value);
            let cut = self.pkg_fn(value, &["bytes", "strings"], CUTTERS).is_some();
            let firsts = if cut { 2 } else { 1 };
            for name in names.iter().take(firsts) {
                let vs = if cut {
                    self.view_of_arg(value, 0)
                } else {
                    self.classify(value)
                };
                for v in vs {
                    self.add(name, v);
                }
            }
        }
    }

    /// The values `expr` may have.
    pub fn classify(&self, expr: Node<'_>) -> Vec<Value> {
        let expr = unparen(expr);
        let src = &self.file.src;
        match expr.kind() {
            "identifier" => self.vars.get(text(expr, src)).cloned().unwrap_or_default(),
            "slice_expression" => {
                let whole = ["start", "end", "capacity"]
                    .iter()
                    .all(|f| expr.child_by_field_name(f).is_none());
                let Some(op) = expr.child_by_field_name("operand") else {
                    return Vec::new();
                };
                let inner = self.classify(op);
                if whole {
                    inner
                } else {
                    inner.into_iter().filter_map(to_view).collect()
                }
            }
            "index_expression" => {
                let Some(op) = expr.child_by_field_name("operand") else {
                    return Vec::new();
                };
                self.classify(op)
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Views(o) => Some(Value::View(o)),
                        _ => None,
                    })
                    .collect()
            }
            "call_expression" => self.classify_call(expr),
            // `&entry{name: view}` carries the view wherever it is stored.
            "unary_expression" => expr
                .child_by_field_name("operand")
                .map(|o| self.classify(o))
                .unwrap_or_default()
                .into_iter()
                .filter(|v| matches!(v, Value::View(_) | Value::ParamView(_)))
                .collect(),
            "composite_literal" => {
                let Some(body) = expr.child_by_field_name("body") else {
                    return Vec::new();
                };
                let elements = descendants(body).filter(|n| {
                    n.kind() == "literal_element"
                        && n.parent().is_some_and(|p| {
                            p.kind() != "keyed_element"
                                || p.child_by_field_name("value").is_some_and(|v| v.id() == n.id())
                        })
                });
                elements
                    .filter_map(|e| e.named_child(0))
                    .flat_map(|e| self.classify(e))
                    .filter_map(to_view)
                    .take(1)
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn classify_call(&self, call: Node<'_>) -> Vec<Value> {
        let src = &self.file.src;
        let line = call.start_position().row + 1;
        let Some(c) = syntax::call(call) else {
            return Vec::new();
        };
        let name = text(c.name, src);
        if matches!(name, "ReadAll" | "ReadFile") {
            for (pkg, names) in READERS {
                if let Some(name) = self.file.pkg_call(call, pkg, names) {
                    let q = self.file.local_name(pkg).unwrap_or(pkg);
                    return vec![Value::Large(Origin {
                        what: format!("{q}.{name}"),
                        line,
                    })];
                }
            }
        }
        if c.operand.is_none() {
            match name {
                "make" => {
                    let size = c
                        .args
                        .iter()
                        .skip(1)
                        .filter_map(|a| const_int(*a, src, &self.facts.consts))
                        .max();
                    let is_slice = c.args.first().is_some_and(|t| t.kind() == "slice_type");
                    return match size {
                        Some(n) if is_slice && n >= LARGE => {
                            vec![Value::Large(Origin {
                                what: format!("{} ({n} elements)", text(call, src)),
                                line,
                            })]
                        }
                        _ => Vec::new(),
                    };
                }
                "string" => {
                    // A string copy of a large buffer is itself large; of a view, small.
                    return c
                        .args
                        .first()
                        .map(|a| self.classify(*a))
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|v| match v {
                            Value::Large(o) => Some(Value::Large(Origin {
                                what: format!("string({})", o.what),
                                line: o.line,
                            })),
                            _ => None,
                        })
                        .collect();
                }
                _ => {}
            }
            if let Some(i) = self.facts.returns_param_view.get(name) {
                return self.view_of_arg(call, *i);
            }
            if let Some(o) = self.facts.returns_large_view.get(name) {
                return vec![Value::View(o.clone())];
            }
            return Vec::new();
        }
        if self.pkg_fn(call, &["bytes", "strings"], SPLITTERS).is_some() {
            return self
                .view_of_arg(call, 0)
                .into_iter()
                .map(|v| match v {
                    Value::View(o) => Value::Views(o),
                    other => other,
                })
                .collect();
        }
        if self.pkg_fn(call, &["bytes", "strings"], TRIMMERS).is_some() {
            // Trimming keeps nearly all of its input: of a large buffer that is
            // (almost) the whole buffer, not a small view; of a view, a view.
            let Some(arg) = c.args.first() else {
                return Vec::new();
            };
            return self.classify(*arg);
        }
        if name == "Bytes"
            && c.args.is_empty()
            && let Some(op) = c.operand.filter(|o| o.kind() == "identifier")
            && self.filled_buffer(text(op, src))
        {
            return vec![Value::Large(Origin {
                what: format!("{}.Bytes()", text(op, src)),
                line,
            })];
        }
        Vec::new()
    }

    /// Views of argument `i` of `call` when that argument is large or a view.
    fn view_of_arg(&self, call: Node<'_>, i: usize) -> Vec<Value> {
        let Some(c) = syntax::call(call) else {
            return Vec::new();
        };
        c.args
            .get(i)
            .map(|a| self.classify(*a))
            .unwrap_or_default()
            .into_iter()
            .filter_map(to_view)
            .collect()
    }

    fn pkg_fn(&self, call: Node<'_>, pkgs: &[&str], names: &[&'static str]) -> Option<&'static str> {
        pkgs.iter().find_map(|p| self.file.pkg_call(call, p, names))
    }

    /// True if the local `bytes.Buffer` `name` is filled from a reader
    /// (`io.Copy(&name, r)`, `name.ReadFrom(r)`), so its size is the input's.
    fn filled_buffer(&self, name: &str) -> bool {
        let src = &self.file.src;
        let root = self.file.tree.root_node();
        let scope = root
            .descendant_for_byte_range(self.span.start, self.span.end)
            .unwrap_or(root);
        descendants(scope).any(|n| {
            if n.start_byte() < self.span.start || n.end_byte() > self.span.end {
                return false;
            }
            let Some(c) = syntax::call(n) else { return false };
            let called = text(c.name, src);
            match c.operand {
                Some(op) if text(op, src) == name => called == "ReadFrom",
                Some(op)
                    if self.file.is_pkg(text(op, src), "io")
                        && matches!(called, "Copy" | "CopyN" | "CopyBuffer") =>
                {
                    c.args
                        .first()
                        .is_some_and(|a| text(*a, src).trim_start_matches('&') == name)
                }
                _ => false,
            }
        })
    }
}

fn to_view(v: Value) -> Option<Value> {
    match v {
        Value::Large(o) | Value::View(o) => Some(Value::View(o)),
        Value::Param(i) | Value::ParamView(i) => Some(Value::ParamView(i)),
        Value::Views(_) => None,
    }
}
