//! Small helpers over tree-sitter-go nodes, so rules read like the Go they match
//! instead of like cursor plumbing.

use tree_sitter::Node;

/// The source text of `node` ("" if the range is not UTF-8, which tree-sitter
/// cannot produce from a `&str`, so rules never need to handle an error).
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Every node under `root` (itself included), in source order.
pub fn descendants(root: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    walk(root, |_| true)
}

/// Like [`descendants`], but does not enter nested function literals (their
/// `func_literal` node itself is yielded): the nodes that run in `root`'s own
/// function. Use it instead of `enclosing_function` per node, which walks up
/// from the tree root on every call (tree-sitter's `parent()` is not O(1)).
pub fn descendants_in_function(root: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    walk(root, |n| n.kind() != "func_literal")
}

/// Pre-order walk of `root`'s subtree with one cursor, entering a node's
/// children only when `enter` says so (the root is always entered).
fn walk<'t>(root: Node<'t>, enter: impl Fn(Node<'t>) -> bool) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = root.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let node = cursor.node();
        if (node.id() == root.id() || enter(node)) && cursor.goto_first_child() {
            return Some(node);
        }
        loop {
            if cursor.node().id() == root.id() {
                done = true;
                return Some(node);
            }
            if cursor.goto_next_sibling() {
                return Some(node);
            }
            if !cursor.goto_parent() {
                done = true;
                return Some(node);
            }
        }
    })
}

/// Named children of `node` (allocation-free callers can use `named_child`).
pub fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// True for the nodes that start a new function body: declarations and literals.
pub fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_declaration" | "method_declaration" | "func_literal"
    )
}

/// The innermost function (declaration or literal) containing `node`.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// `true` if `inner` lies inside `outer` (or is it).
pub fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// The parts of a call: the callee expression, its receiver/package operand for
/// `x.F(...)`, the called name, and the argument nodes.
#[derive(Clone, Debug)]
pub struct Call<'t> {
    /// The whole `call_expression`.
    pub node: Node<'t>,
    /// The operand of a selector callee (`x` in `x.F()`), `None` for `F()`.
    pub operand: Option<Node<'t>>,
    /// The called identifier (`F`).
    pub name: Node<'t>,
    /// The arguments, in order (variadic `xs...` included as its expression).
    pub args: Vec<Node<'t>>,
}

/// Splits a `call_expression` into its parts; `None` for anything else or for
/// calls of computed functions (`fs[i]()`).
pub fn call(node: Node<'_>) -> Option<Call<'_>> {
    if node.kind() != "call_expression" {
        return None;
    }
    let callee = node.child_by_field_name("function")?;
    let (operand, name) = match callee.kind() {
        "identifier" => (None, callee),
        "selector_expression" => (
            Some(callee.child_by_field_name("operand")?),
            callee.child_by_field_name("field")?,
        ),
        "parenthesized_expression" | "generic_type" | "index_expression" => return None,
        _ => return None,
    };
    let args = node
        .child_by_field_name("arguments")
        .map(|a| {
            named_children(a)
                .into_iter()
                .filter(|n| n.kind() != "comment")
                .collect()
        })
        .unwrap_or_default();
    Some(Call {
        node,
        operand,
        name,
        args,
    })
}

/// The identifiers (or `_`) on the left of `:=`, `=` or a `var` spec, in order;
/// non-identifier targets (`s.f`, `m[k]`) appear as their full text.
pub fn assigned_names<'s>(stmt: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let left = match stmt.kind() {
        "short_var_declaration" | "assignment_statement" | "range_clause" | "receive_statement" => {
            stmt.child_by_field_name("left")
        }
        "var_spec" => {
            let mut cursor = stmt.walk();
            return stmt
                .children_by_field_name("name", &mut cursor)
                .map(|n| text(n, src))
                .collect();
        }
        _ => None,
    };
    match left {
        Some(l) if l.kind() == "expression_list" => {
            named_children(l).into_iter().map(|n| text(n, src)).collect()
        }
        Some(l) => vec![text(l, src)],
        None => Vec::new(),
    }
}

/// The right-hand values of an assignment-like statement, in order.
pub fn assigned_values(stmt: Node<'_>) -> Vec<Node<'_>> {
    let right = match stmt.kind() {
        "short_var_declaration" | "assignment_statement" | "receive_statement" | "range_clause" => {
            stmt.child_by_field_name("right")
        }
        "var_spec" => stmt.child_by_field_name("value"),
        _ => None,
    };
    match right {
        Some(r) if r.kind() == "expression_list" => named_children(r),
        Some(r) => vec![r],
        None => Vec::new(),
    }
}

/// Strips redundant parentheses: `((x))` → `x`.
pub fn unparen(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// 1-based line and column (in bytes, as `go vet` prints them) of `node`'s start.
pub fn line_col(node: Node<'_>) -> (usize, usize) {
    let p = node.start_position();
    (p.row + 1, p.column + 1)
}

/// The nearest ancestor (not `node` itself) whose kind is one of `kinds`,
/// stopping at the enclosing function boundary.
pub fn ancestor_in_function<'t>(node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        if is_function(n) {
            return None;
        }
        cur = n.parent();
    }
    None
}

/// The statements of a `block` (tree-sitter-go wraps them in a `statement_list`).
pub fn block_statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    for child in named_children(block) {
        match child.kind() {
            "statement_list" => out.extend(
                named_children(child)
                    .into_iter()
                    .filter(|n| n.kind() != "comment"),
            ),
            "comment" => {}
            _ => out.push(child),
        }
    }
    out
}

/// The function's parameter names, in order (`_` and unnamed parameters as "").
pub fn parameter_names<'s>(func: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let Some(params) = func.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for decl in named_children(params) {
        if !matches!(
            decl.kind(),
            "parameter_declaration" | "variadic_parameter_declaration"
        ) {
            continue;
        }
        let mut cursor = decl.walk();
        let names: Vec<&str> = decl
            .children_by_field_name("name", &mut cursor)
            .map(|n| text(n, src))
            .collect();
        if names.is_empty() {
            out.push("");
        } else {
            out.extend(names);
        }
    }
    out
}

/// The parameter types' source text, one entry per parameter name.
pub fn parameter_types<'s>(func: Node<'_>, src: &'s str) -> Vec<&'s str> {
    let Some(params) = func.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for decl in named_children(params) {
        if !matches!(
            decl.kind(),
            "parameter_declaration" | "variadic_parameter_declaration"
        ) {
            continue;
        }
        let ty = decl
            .child_by_field_name("type")
            .map(|t| text(t, src))
            .unwrap_or("");
        let mut cursor = decl.walk();
        let n = decl.children_by_field_name("name", &mut cursor).count().max(1);
        out.extend(std::iter::repeat_n(ty, n));
    }
    out
}

/// The name of a function declaration or method (`None` for literals).
pub fn function_name<'s>(func: Node<'_>, src: &'s str) -> Option<&'s str> {
    func.child_by_field_name("name").map(|n| text(n, src))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> tree_sitter::Tree {
        let mut p = tree_sitter::Parser::new();
        p.set_language(&tree_sitter_go::LANGUAGE.into()).unwrap();
        p.parse(src, None).unwrap()
    }

    #[test]
    fn descendants_visits_every_node_once_in_order() {
        let src = "package p\nfunc g() { a(b(c)) }\n";
        let tree = parse(src);
        let idents: Vec<&str> = descendants(tree.root_node())
            .filter(|n| n.kind() == "identifier")
            .map(|n| text(n, src))
            .collect();
        assert_eq!(idents, ["g", "a", "b", "c"]);
    }

    #[test]
    fn descendants_in_function_skips_literals() {
        let src = "package p\nfunc g() { a(func() { b() }); c() }\n";
        let tree = parse(src);
        let g = descendants(tree.root_node())
            .find(|n| n.kind() == "function_declaration")
            .unwrap();
        let idents: Vec<&str> = descendants_in_function(g)
            .filter(|n| n.kind() == "identifier")
            .map(|n| text(n, src))
            .collect();
        assert_eq!(idents, ["g", "a", "c"]);
    }

    #[test]
    fn call_splits_selector_callees() {
        let src = "package p\nfunc f() { os.Open(name, 1) }\n";
        let tree = parse(src);
        let c = descendants(tree.root_node()).find_map(call).unwrap();
        assert_eq!(text(c.operand.unwrap(), src), "os");
        assert_eq!(text(c.name, src), "Open");
        assert_eq!(c.args.len(), 2);
    }
}
