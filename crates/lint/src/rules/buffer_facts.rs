//! Package-wide facts for [`buffers`](super::buffers): integer constants,
//! which functions return views (of a parameter or of a large buffer of
//! their own), what their callers pass them, and which parameters they
//! store somewhere long-lived.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::buffers::{BufferFacts, CUTTERS, LARGE, Locals, Origin, Params, SPLITTERS, TRIMMERS, Value};
use super::scopes::Scopes;
use crate::source::SourceFile;
use crate::syntax::{self, named_children, text, unparen};

/// The value of an integer constant expression (`64 << 10`, `bufSize`).
pub fn const_int(expr: Node<'_>, src: &str, consts: &HashMap<String, i64>) -> Option<i64> {
    let expr = unparen(expr);
    match expr.kind() {
        "int_literal" => parse_int(text(expr, src)),
        "identifier" => consts.get(text(expr, src)).copied(),
        "unary_expression" => {
            let v = const_int(expr.child_by_field_name("operand")?, src, consts)?;
            match text(expr.child_by_field_name("operator")?, src) {
                "-" => v.checked_neg(),
                "+" => Some(v),
                _ => None,
            }
        }
        "binary_expression" => {
            let l = const_int(expr.child_by_field_name("left")?, src, consts)?;
            let r = const_int(expr.child_by_field_name("right")?, src, consts)?;
            match text(expr.child_by_field_name("operator")?, src) {
                "+" => l.checked_add(r),
                "-" => l.checked_sub(r),
                "*" => l.checked_mul(r),
                "/" => l.checked_div(r),
                "<<" => u32::try_from(r)
                    .ok()
                    .and_then(|r| l.checked_shl(r))
                    .filter(|v| v >> r == l),
                ">>" => u32::try_from(r).ok().and_then(|r| l.checked_shr(r)),
                "|" => Some(l | r),
                _ => None,
            }
        }
        _ => None,
    }
}

fn parse_int(lit: &str) -> Option<i64> {
    let s = lit.replace('_', "");
    let (digits, radix) = match s.get(..2) {
        Some("0x" | "0X") => (&s[2..], 16),
        Some("0b" | "0B") => (&s[2..], 2),
        Some("0o" | "0O") => (&s[2..], 8),
        _ if s.len() > 1 && s.starts_with('0') => (&s[1..], 8),
        _ => (s.as_str(), 10),
    };
    i64::from_str_radix(digits, radix).ok()
}

/// The package's integer constants (one pass; constants defined from other
/// constants resolve in a second pass).
pub fn package_consts(files: &[&SourceFile], scopes: &Scopes<'_>) -> HashMap<String, i64> {
    let mut consts = HashMap::new();
    for _ in 0..2 {
        for &(i, spec) in scopes
            .package_nodes
            .iter()
            .filter(|(_, n)| n.kind() == "const_spec")
        {
            let src = &files[i].src;
            let mut cursor = spec.walk();
            let names: Vec<String> = spec
                .children_by_field_name("name", &mut cursor)
                .map(|n| text(n, src).to_string())
                .collect();
            let values = spec
                .child_by_field_name("value")
                .map(named_children)
                .unwrap_or_default();
            for (name, value) in names.iter().zip(values) {
                if let Some(v) = const_int(value, src, &consts) {
                    consts.insert(name.clone(), v);
                }
            }
        }
    }
    consts
}

/// Computes which package functions return views (of a parameter, or of a
/// large buffer of their own), what their call sites pass them, and which
/// parameters they store somewhere long-lived — to a fixpoint over calls
/// between them. `vars` are the package-level variable names.
pub fn facts(
    files: &[&SourceFile],
    consts: HashMap<String, i64>,
    vars: &HashSet<String>,
    scopes: &Scopes<'_>,
) -> BufferFacts {
    let mut facts = BufferFacts {
        consts,
        ..Default::default()
    };
    let mut declared: HashSet<String> = HashSet::new();
    for &(i, func) in &scopes.funcs {
        if let Some(name) = syntax::function_name(func, &files[i].src) {
            declared.insert(name.to_string());
            stored_params(files[i], i, func, name, vars, scopes, &mut facts.stores_param);
        }
    }
    // Only functions that touch something buffer-like can produce facts;
    // calls into functions with facts are checked per round.
    let touches: Vec<(usize, Node<'_>, bool, HashSet<&str>)> = scopes
        .funcs
        .iter()
        .map(|&(i, f)| {
            let nodes = scopes.nodes(i, f);
            let called = nodes
                .iter()
                .filter_map(|n| syntax::call(*n))
                .map(|c| text(c.name, &files[i].src))
                .collect();
            (i, f, mentions_buffers(files[i], nodes, &facts.consts), called)
        })
        .collect();
    // Round 1 looks at functions with buffer operations; later rounds only at
    // functions affected by facts the previous round added.
    let mut new_names: Option<HashSet<String>> = None;
    for _ in 0..4 {
        let mut added: HashSet<String> = HashSet::new();
        for (i, func, buffer_ops, called) in &touches {
            let (i, func, buffer_ops) = (*i, *func, *buffer_ops);
            let f = files[i];
            let nodes = scopes.nodes(i, func);
            let process = match &new_names {
                None => buffer_ops,
                Some(new) => affected(f, func, called, new),
            };
            if !process {
                continue;
            }
            if func.kind() == "function_declaration"
                && let Some(name) = syntax::function_name(func, &f.src)
            {
                let locals = Locals::with_nodes(f, &facts, func, Params::Symbolic, nodes);
                let (pv, lv) = returned_views(&locals, nodes, name);
                if let Some(p) = pv
                    && !facts.returns_param_view.contains_key(name)
                {
                    facts.returns_param_view.insert(name.to_string(), p);
                    added.insert(name.to_string());
                }
                if let Some(o) = lv
                    && !facts.returns_large_view.contains_key(name)
                {
                    facts.returns_large_view.insert(name.to_string(), o);
                    added.insert(name.to_string());
                }
            }
            let locals = Locals::with_nodes(f, &facts, func, Params::FromCallers, nodes);
            for (callee, k, v) in passed_buffers(&locals, nodes, &declared) {
                let slot = facts.param_origins.entry(callee.clone()).or_default();
                if let std::collections::hash_map::Entry::Vacant(e) = slot.entry(k) {
                    e.insert(v);
                    added.insert(callee);
                }
            }
        }
        if added.is_empty() {
            break;
        }
        new_names = Some(added);
    }
    facts
}

/// True if a function's own nodes slice something, read a whole input,
/// allocate a large slice, split/trim/cut, or take a buffer's `Bytes()`.
fn mentions_buffers(file: &SourceFile, nodes: &[Node<'_>], consts: &HashMap<String, i64>) -> bool {
    nodes.iter().any(|n| {
        if n.kind() == "slice_expression" {
            return true;
        }
        let Some(c) = syntax::call(*n) else { return false };
        let name = file.text(c.name);
        match name {
            "ReadAll" | "ReadFile" | "Bytes" => true,
            "make" => {
                c.args.first().is_some_and(|t| t.kind() == "slice_type")
                    && c.args
                        .iter()
                        .skip(1)
                        .any(|a| const_int(*a, &file.src, consts).is_some_and(|v| v >= LARGE))
            }
            _ => SPLITTERS.contains(&name) || TRIMMERS.contains(&name) || CUTTERS.contains(&name),
        }
    })
}

/// True if `func` is one of `names` (its parameters got new values) or calls
/// one of them (its results got new facts).
fn affected(file: &SourceFile, func: Node<'_>, called: &HashSet<&str>, names: &HashSet<String>) -> bool {
    syntax::function_name(func, &file.src).is_some_and(|n| names.contains(n))
        || called.iter().any(|c| names.contains(*c))
}

/// (parameter whose view is returned, large buffer whose view is returned).
fn returned_views(locals: &Locals<'_>, nodes: &[Node<'_>], name: &str) -> (Option<usize>, Option<Origin>) {
    let mut param_view = None;
    let mut large_view = None;
    for ret in nodes.iter().filter(|n| n.kind() == "return_statement") {
        let Some(first) = ret.named_child(0).map(|l| {
            if l.kind() == "expression_list" {
                l.named_child(0).unwrap_or(l)
            } else {
                l
            }
        }) else {
            continue;
        };
        for v in locals.classify(first) {
            match v {
                Value::ParamView(i) => param_view = param_view.or(Some(i)),
                Value::View(o) => {
                    large_view = large_view.or(Some(Origin {
                        what: format!("{} in {name}", o.what),
                        line: 0,
                    }));
                }
                _ => {}
            }
        }
    }
    (param_view, large_view)
}

/// Large buffers and views passed to the package's own functions from `func`:
/// (callee, parameter index, value).
fn passed_buffers(
    locals: &Locals<'_>,
    nodes: &[Node<'_>],
    declared: &HashSet<String>,
) -> Vec<(String, usize, Value)> {
    let src = &locals.file.src;
    let mut out = Vec::new();
    for n in nodes {
        let Some(c) = syntax::call(*n) else { continue };
        let name = text(c.name, src);
        if !declared.contains(name) {
            continue;
        }
        if c.operand
            .is_some_and(|op| op.kind() == "identifier" && locals.file.imports.contains_key(text(op, src)))
        {
            continue;
        }
        for (i, a) in c.args.iter().enumerate() {
            if let Some(v) = locals
                .classify(*a)
                .into_iter()
                .find(|v| matches!(v, Value::Large(_) | Value::View(_)))
            {
                out.push((name.to_string(), i, v));
            }
        }
    }
    out
}

/// Records which parameters `func` stores into a package-level variable or
/// through its receiver (`r.m[p] = v`, `r.f = p`, `g = append(g, p)`).
fn stored_params(
    file: &SourceFile,
    file_idx: usize,
    func: Node<'_>,
    name: &str,
    vars: &HashSet<String>,
    scopes: &Scopes<'_>,
    out: &mut HashMap<String, Vec<(usize, bool)>>,
) {
    let src = &file.src;
    let params = syntax::parameter_names(func, src);
    if params.is_empty() {
        return;
    }
    let receiver = super::reach::receiver_name(func, src);
    for n in scopes
        .nodes(file_idx, func)
        .iter()
        .filter(|n| n.kind() == "assignment_statement")
    {
        if n.child_by_field_name("operator")
            .is_none_or(|o| text(o, src) != "=")
        {
            continue;
        }
        let targets = n
            .child_by_field_name("left")
            .map(named_children)
            .unwrap_or_default();
        let values = syntax::assigned_values(*n);
        for (t, v) in targets.iter().zip(values) {
            let Some(root) = super::reach::root_ident(*t) else {
                continue;
            };
            let root = text(root, src);
            let via_receiver = receiver == Some(root);
            let global = vars.contains(root) && !super::scopes::declared(&scopes.decls, file_idx, func, root);
            // A store through the receiver, or into a package variable (not a bare local).
            if !(global || via_receiver && t.kind() != "identifier") {
                continue;
            }
            let mut stored: Vec<Node<'_>> = vec![unparen(v)];
            if t.kind() == "index_expression" {
                stored.extend(t.child_by_field_name("index"));
            }
            if let Some(c) =
                syntax::call(unparen(v)).filter(|c| c.operand.is_none() && text(c.name, src) == "append")
            {
                stored.extend(c.args.iter().skip(1).copied());
            }
            for e in stored {
                if let Some(i) = params.iter().position(|p| !p.is_empty() && *p == text(e, src)) {
                    let e = out.entry(name.to_string()).or_default();
                    if !e.contains(&(i, via_receiver)) {
                        e.push((i, via_receiver));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::go_parser;

    fn parse(src: &str) -> SourceFile {
        SourceFile::parse(&mut go_parser(), "t.go".into(), src.into()).unwrap()
    }

    #[test]
    fn constants_evaluate_like_go() {
        let f = parse("package p\nconst (\n\tkb = 1 << 10\n\tbuf = 64 * kb\n\thex = 0x1_0\n\toct = 010\n)\n");
        let scopes = Scopes::build(&[&f]);
        let consts = package_consts(&[&f], &scopes);
        assert_eq!(consts.get("buf"), Some(&65536));
        assert_eq!(consts.get("hex"), Some(&16));
        assert_eq!(consts.get("oct"), Some(&8));
    }

    #[test]
    fn views_flow_through_locals_and_package_functions() {
        let src = "package p\nimport (\"bytes\"; \"io\")\n\
            func first(b []byte) []byte { return b[:1] }\n\
            func read(r io.Reader) []byte { d, _ := io.ReadAll(r); return d[:8] }\n\
            func use(r io.Reader) {\n\tdata, _ := io.ReadAll(r)\n\tline := first(data)\n\tparts := bytes.Split(data, nil)\n\t\
            head := parts[0]\n\tcopy := string(line)\n\tsmall := make([]byte, 16)\n\tid := read(r)\n\t_, _, _, _, _ = line, head, copy, small, id\n}\n";
        let f = parse(src);
        let scopes = Scopes::build(&[&f]);
        let facts = facts(&[&f], HashMap::new(), &HashSet::new(), &scopes);
        assert_eq!(facts.returns_param_view.get("first"), Some(&0));
        assert!(facts.returns_large_view.contains_key("read"));
        let func = scopes
            .funcs
            .iter()
            .map(|(_, n)| *n)
            .find(|n| f.text(*n).starts_with("func use"))
            .unwrap();
        let locals = Locals::of(&f, &facts, func, Params::Unknown);
        let value_of = |name: &str| {
            let id = syntax::descendants(func)
                .find(|n| n.kind() == "identifier" && f.text(*n) == name)
                .unwrap();
            locals.classify(id)
        };
        assert!(matches!(value_of("data").as_slice(), [Value::Large(_)]));
        for view in ["line", "head", "id"] {
            assert!(
                value_of(view).iter().any(|v| matches!(v, Value::View(_))),
                "{view} should be a view"
            );
        }
        assert!(value_of("copy").is_empty() && value_of("small").is_empty());
    }
}
