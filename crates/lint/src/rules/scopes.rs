//! One walk over a package's trees that files every node under the function
//! (declaration or literal) it belongs to, and every name a function declares.
//! The package-wide analyses then look at each function's own nodes instead
//! of re-walking bodies (and the literals nested in them) again and again.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::reach::FnPos;
use crate::source::SourceFile;
use crate::syntax::{self, named_children, text};

/// Node kinds a function's node list keeps.
const KEPT: &[&str] = &[
    "call_expression",
    "assignment_statement",
    "short_var_declaration",
    "var_spec",
    "range_clause",
    "return_statement",
    "func_literal",
    "inc_statement",
    "dec_statement",
    "slice_expression",
];

/// Nodes and declarations per function of a package.
pub struct Scopes<'t> {
    /// Every function, in source order per file: (file index, node).
    pub funcs: Vec<(usize, Node<'t>)>,
    /// Each function's own nodes of the [`KEPT`] kinds (nested literals
    /// appear as one `func_literal` node; their insides are theirs).
    nodes: HashMap<FnPos, Vec<Node<'t>>>,
    /// Names each function declares: parameters, receiver, named results, locals.
    pub decls: HashMap<FnPos, HashSet<String>>,
    /// Nodes the package index looks at, anywhere in a file: (file, node) of
    /// the [`PACKAGE_KINDS`] kinds, in source order.
    pub package_nodes: Vec<(usize, Node<'t>)>,
}

/// Kinds [`Scopes::package_nodes`] keeps.
const PACKAGE_KINDS: &[&str] = &[
    "field_declaration",
    "method_declaration",
    "const_spec",
    "binary_expression",
    "call_expression",
    "assignment_statement",
];

impl<'t> Scopes<'t> {
    /// Walks every file once.
    pub fn build(files: &[&'t SourceFile]) -> Scopes<'t> {
        let mut s = Scopes {
            funcs: Vec::new(),
            nodes: HashMap::new(),
            decls: HashMap::new(),
            package_nodes: Vec::new(),
        };
        for (i, f) in files.iter().enumerate() {
            s.walk(i, f);
        }
        s
    }

    fn walk(&mut self, file: usize, f: &'t SourceFile) {
        let src = &f.src;
        let mut stack: Vec<(Node<'t>, usize)> = Vec::new(); // (function, its end byte)
        let mut cursor = f.tree.root_node().walk();
        let mut descend = true;
        loop {
            let node = cursor.node();
            if descend {
                if PACKAGE_KINDS.contains(&node.kind()) {
                    self.package_nodes.push((file, node));
                }
                while stack.last().is_some_and(|(_, end)| node.start_byte() >= *end) {
                    stack.pop();
                }
                if let Some((func, _)) = stack.last().copied() {
                    let key = (file, func.start_byte());
                    if KEPT.contains(&node.kind()) {
                        self.nodes.entry(key).or_default().push(node);
                    }
                    self.declare(key, node, src);
                }
                if syntax::is_function(node) && !node.has_error() {
                    self.funcs.push((file, node));
                    let key = (file, node.start_byte());
                    let names = self.decls.entry(key).or_default();
                    for p in syntax::parameter_names(node, src) {
                        names.insert(p.to_string());
                    }
                    if let Some(r) = super::reach::receiver_name(node, src) {
                        names.insert(r.to_string());
                    }
                    if let Some(r) = node
                        .child_by_field_name("result")
                        .filter(|r| r.kind() == "parameter_list")
                    {
                        for d in named_children(r) {
                            let mut c = d.walk();
                            names.extend(
                                d.children_by_field_name("name", &mut c)
                                    .map(|n| text(n, src).to_string()),
                            );
                        }
                    }
                    stack.push((node, node.end_byte()));
                }
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            if cursor.goto_next_sibling() {
                descend = true;
                continue;
            }
            if !cursor.goto_parent() {
                break;
            }
            descend = false;
        }
    }

    fn declare(&mut self, key: FnPos, node: Node<'_>, src: &str) {
        let declares = match node.kind() {
            "short_var_declaration" | "var_spec" => true,
            "range_clause" | "receive_statement" => {
                let head = node
                    .child_by_field_name("right")
                    .map_or(node.end_byte(), |r| r.start_byte());
                src.get(node.start_byte()..head).is_some_and(|h| h.contains(":="))
            }
            _ => false,
        };
        if declares {
            let names = syntax::assigned_names(node, src);
            self.decls
                .entry(key)
                .or_default()
                .extend(names.into_iter().map(str::to_string));
        }
    }

    /// The nodes of `func` itself (see [`KEPT`]).
    pub fn nodes(&self, file: usize, func: Node<'_>) -> &[Node<'t>] {
        self.nodes
            .get(&(file, func.start_byte()))
            .map_or(&[], Vec::as_slice)
    }
}

/// Looks `name` up in per-function declaration sets.
pub fn declared(decls: &HashMap<FnPos, HashSet<String>>, file: usize, func: Node<'_>, name: &str) -> bool {
    decls
        .get(&(file, func.start_byte()))
        .is_some_and(|d| d.contains(name))
}

/// Every node of `func`'s body that belongs to `func` itself: nested function
/// literals appear (as one node) but their insides are skipped. One cursor
/// walk, no parent lookups (which tree-sitter answers in O(depth)).
pub fn own_nodes<'t>(func: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let Some(body) = func.child_by_field_name("body") else {
        return out;
    };
    let mut cursor = body.walk();
    loop {
        let node = cursor.node();
        out.push(node);
        let nested = node.kind() == "func_literal";
        if !nested && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == body.id() {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// The function (declaration or literal) of a file that starts at byte `start`.
pub fn function_at(root: Node<'_>, start: usize) -> Option<Node<'_>> {
    let mut node = root.named_descendant_for_byte_range(start, start)?;
    loop {
        if syntax::is_function(node) && node.start_byte() == start {
            return Some(node);
        }
        node = node.parent().filter(|p| p.start_byte() == start)?;
    }
}

/// Calls of a function or method named `name` in the tree under `root`.
pub fn calls_named<'t>(root: Node<'t>, src: &str, name: &str) -> Vec<Node<'t>> {
    if !src.contains(name) {
        return Vec::new();
    }
    syntax::descendants(root)
        .filter(|n| syntax::call(*n).is_some_and(|c| text(c.name, src) == name))
        .collect()
}
