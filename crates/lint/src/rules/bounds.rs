//! Where containers are bounded, and whether a bound applies to a given
//! write. A `delete` only bounds a cache if it runs alongside the inserts: in
//! the inserting function, in a background or admin function off the request
//! path (a janitor, a flush, a rotation), in something the inserting function
//! calls, or in something a common caller runs on the same path — not in a
//! sibling the caller runs *instead* (`if fast { put(k) } else { putAndEvict(k) }`).

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::pkg_index::PackageIndex;
use super::reach::{FnPos, pos};
use super::scopes::{self, Scopes};
use crate::context::FileCtx;
use crate::source::SourceFile;
use crate::syntax::{self, text};

/// One place that bounds a container: `delete`, `clear`, a length check, a replacement.
#[derive(Debug, Clone)]
pub struct BoundSite {
    /// The innermost function it is in.
    pub func: FnPos,
    /// The declared (named) function it is in, if any.
    pub decl: Option<String>,
    /// Byte offset of the bounding node in its file.
    pub at: usize,
}

/// The named function a node belongs to: the outermost declaration around it.
pub fn outer_decl<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let mut cur = syntax::enclosing_function(node);
    let mut decl = None;
    while let Some(f) = cur {
        if f.kind() != "func_literal" {
            decl = syntax::function_name(f, src);
        }
        cur = syntax::enclosing_function(f);
    }
    decl
}

/// Callee names per declared function (calls in its nested literals included).
pub fn call_graph(files: &[&SourceFile], scopes: &Scopes<'_>) -> HashMap<String, HashSet<String>> {
    let mut graph: HashMap<String, HashSet<String>> = HashMap::new();
    let mut owner: Option<(usize, usize, String)> = None; // (file, end byte, decl name)
    for &(i, func) in &scopes.funcs {
        let src = &files[i].src;
        if func.kind() != "func_literal" {
            owner = syntax::function_name(func, src).map(|n| (i, func.end_byte(), n.to_string()));
        }
        let Some((_, _, name)) = owner
            .as_ref()
            .filter(|(f, end, _)| *f == i && func.end_byte() <= *end)
        else {
            continue;
        };
        let callees = graph.entry(name.clone()).or_default();
        for n in scopes.nodes(i, func) {
            if let Some(c) = syntax::call(*n) {
                callees.insert(text(c.name, src).to_string());
            }
        }
    }
    graph
}

/// True if `from` calls `to`, directly or through other package functions.
fn reaches(graph: &HashMap<String, HashSet<String>>, from: &str, to: &str) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack = vec![from];
    while let Some(f) = stack.pop() {
        let Some(callees) = graph.get(f) else { continue };
        for c in callees {
            if c == to {
                return true;
            }
            if seen.insert(c.as_str()) {
                stack.push(c.as_str());
            }
        }
    }
    false
}

/// True if some bound of the container `name` applies to the write at `write`
/// (inside `func`, in `ctx`'s file `file_idx`).
pub fn covered(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    file_idx: usize,
    func: Node<'_>,
    write: Node<'_>,
    name: &str,
) -> bool {
    let Some(sites) = index.bounds.get(name) else {
        return false;
    };
    let decl = outer_decl(write, ctx.src());
    sites.iter().any(|site| {
        let same_decl = decl.is_some() && site.decl.as_deref() == decl;
        let off_request_path = !index.reach.request.contains_key(&site.func);
        let callee = match (decl, site.decl.as_deref()) {
            (Some(w), Some(b)) => reaches(&index.calls, w, b),
            _ => false,
        };
        same_decl
            || off_request_path
            || callee
            || common_caller(ctx, index, pos(file_idx, func), write.start_byte(), decl, site)
    })
}

/// True if a request-path function runs (something leading to) the write and
/// (something leading to) the bound on paths that are not exclusive branches.
fn common_caller(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    write_func: FnPos,
    write_at: usize,
    write_decl: Option<&str>,
    site: &BoundSite,
) -> bool {
    let leads = |callee: &str, target: Option<&str>| {
        target.is_some_and(|t| callee == t || reaches(&index.calls, callee, t))
    };
    index.reach.request.keys().any(|&(fi, start)| {
        let Some(file) = ctx.package_files.get(fi) else {
            return false;
        };
        let Some(g) = scopes::function_at(file.tree.root_node(), start) else {
            return false;
        };
        // Calls in nested literals count: a `go`/`defer` literal runs as part of g.
        let own: Vec<Node<'_>> = g
            .child_by_field_name("body")
            .map(|b| syntax::descendants(b).collect())
            .unwrap_or_default();
        let calls = |target: Option<&str>| -> Vec<Node<'_>> {
            own.iter()
                .copied()
                .filter(|n| syntax::call(*n).is_some_and(|c| leads(file.text(c.name), target)))
                .collect()
        };
        let mut to_write = calls(write_decl);
        if write_func == pos(fi, g) {
            to_write.extend(
                file.tree
                    .root_node()
                    .descendant_for_byte_range(write_at, write_at),
            );
        }
        let mut to_bound = calls(site.decl.as_deref());
        if site.func == pos(fi, g) {
            to_bound.extend(file.tree.root_node().descendant_for_byte_range(site.at, site.at));
        }
        to_write
            .iter()
            .any(|w| to_bound.iter().any(|b| w.id() != b.id() && !exclusive(*w, *b, g)))
    })
}

/// True if `a` and `b` sit in different branches of an `if`/`switch`/`select` of `func`.
fn exclusive<'t>(a: Node<'t>, b: Node<'t>, func: Node<'t>) -> bool {
    fn chain<'t>(n: Node<'t>, func: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut cur = n.parent();
        while let Some(p) = cur {
            out.push(p);
            if p.id() == func.id() {
                break;
            }
            cur = p.parent();
        }
        out
    }
    let (ca, cb) = (chain(a, func), chain(b, func));
    let ids: HashSet<usize> = cb.iter().map(|n| n.id()).collect();
    let Some(i) = ca.iter().position(|n| ids.contains(&n.id())) else {
        return false;
    };
    let lca = ca[i];
    let Some(child_a) = i.checked_sub(1).map(|k| ca[k]).or(Some(a)) else {
        return false;
    };
    let j = cb.iter().position(|n| n.id() == lca.id()).unwrap_or(0);
    let child_b = j.checked_sub(1).map_or(b, |k| cb[k]);
    match lca.kind() {
        "if_statement" => {
            let field = |c: Node<'_>| {
                ["consequence", "alternative"]
                    .into_iter()
                    .find(|f| lca.child_by_field_name(f).is_some_and(|x| x.id() == c.id()))
            };
            matches!((field(child_a), field(child_b)), (Some(x), Some(y)) if x != y)
        }
        "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
            let case = |c: Node<'_>| {
                matches!(
                    c.kind(),
                    "expression_case" | "type_case" | "default_case" | "communication_case"
                )
            };
            case(child_a) && case(child_b) && child_a.id() != child_b.id()
        }
        _ => false,
    }
}
