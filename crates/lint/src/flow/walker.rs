//! The path walk behind [`analyze`]: abstract interpretation of one function
//! body with a three-point state per path (not yet acquired, open, released).

use tree_sitter::Node;

use super::{Leak, LeakKind, Resource, is_terminating_call, releases};
use crate::context::FileCtx;
use crate::syntax::{self, block_statements, contains, named_children, unparen};

/// The state of the resource on one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    /// Not acquired yet on this path (or nil: the acquisition failed).
    Before,
    /// Live; `fresh_err` while the acquisition's error variable still holds its error.
    Open { fresh_err: bool },
    /// Released or handed off.
    Released,
}

/// `None` = this point is unreachable.
type Path = Option<St>;

/// The id of the `statement_list` directly holding the statement around `node`.
fn statement_scope(node: Node<'_>) -> Option<usize> {
    let mut cur = node;
    while let Some(p) = cur.parent() {
        if p.kind() == "statement_list" {
            return Some(p.id());
        }
        if syntax::is_function(p) {
            return None;
        }
        cur = p;
    }
    None
}

/// Where the closing `}` of a block is.
fn end_brace(block: Node<'_>) -> tree_sitter::Point {
    let mut p = block.end_position();
    p.column = p.column.saturating_sub(1);
    p
}

fn merge(a: Path, b: Path) -> Path {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(St::Open { fresh_err: x }), Some(St::Open { fresh_err: y })) => {
            Some(St::Open { fresh_err: x && y })
        }
        (Some(o @ St::Open { .. }), _) | (_, Some(o @ St::Open { .. })) => Some(o),
        (Some(St::Released), _) | (_, Some(St::Released)) => Some(St::Released),
        _ => Some(St::Before),
    }
}

fn merge_all(paths: impl IntoIterator<Item = Path>) -> Path {
    paths.into_iter().fold(None, merge)
}

/// A loop, switch or select: where `break` (and, for loops, `continue`) go.
struct Frame {
    label: Option<String>,
    is_loop: bool,
    breaks: Vec<Path>,
    continues: Vec<Path>,
}

struct Walker<'c, 'a, 't, 'r> {
    ctx: &'c FileCtx<'a>,
    res: &'c Resource<'t, 'r>,
    /// `None` when the resource is live from function entry.
    acquire: Option<Node<'t>>,
    /// The statement list the acquisition is in: a `:=` elsewhere declares a new `err`.
    acq_scope: Option<usize>,
    /// One of the handles is a named result: a bare `return` returns it.
    named_result: bool,
    frames: Vec<Frame>,
    leak: Option<Leak>,
}

/// Walks the innermost function around `res.acquired_at` and returns the first
/// path on which the resource reaches an exit still open.
pub fn analyze(ctx: &FileCtx<'_>, res: &Resource<'_, '_>) -> Option<Leak> {
    let func = syntax::enclosing_function(res.acquired_at)?;
    run(ctx, res, func, Some(res.acquired_at))
}

/// Like [`analyze`] for a resource live from the entry of `func` (a worker
/// that must call `wg.Done()` on every path).
pub fn analyze_from_entry(ctx: &FileCtx<'_>, res: &Resource<'_, '_>, func: Node<'_>) -> Option<Leak> {
    run(ctx, res, func, None)
}

fn run<'t>(
    ctx: &FileCtx<'_>,
    res: &Resource<'t, '_>,
    func: Node<'t>,
    acquire: Option<Node<'t>>,
) -> Option<Leak> {
    let body = func.child_by_field_name("body")?;
    let start = if acquire.is_some() {
        St::Before
    } else {
        St::Open { fresh_err: false }
    };
    // `var f *os.File; defer func() { if f != nil { f.Close() } }()` registered
    // before the acquisition covers every exit after it.
    if let Some(a) = acquire {
        let deferred_before = syntax::descendants_in_function(body).any(|n| {
            n.kind() == "defer_statement" && n.end_byte() <= a.start_byte() && releases(ctx, res, n)
        });
        if deferred_before {
            return None;
        }
    }
    let acq_scope = acquire.and_then(statement_scope);
    let mut w = Walker {
        ctx,
        res,
        acquire,
        acq_scope,
        named_result: func.child_by_field_name("result").is_some_and(|r| {
            r.kind() == "parameter_list"
                && syntax::named_children(r).iter().any(|d| {
                    let mut c = d.walk();
                    d.children_by_field_name("name", &mut c)
                        .any(|n| res.handles.iter().any(|h| h == ctx.text(n)))
                })
        }),
        frames: Vec::new(),
        leak: None,
    };
    let end = w.stmt(body, Some(start));
    if matches!(end, Some(St::Open { .. })) {
        w.report(LeakKind::FunctionEnd, end_brace(body));
    }
    w.leak
}

impl<'t> Walker<'_, '_, 't, '_> {
    fn report(&mut self, kind: LeakKind, at: tree_sitter::Point) {
        if self.leak.is_none() {
            self.leak = Some(Leak {
                kind,
                line: at.row + 1,
                col: at.column + 1,
            });
        }
    }

    fn acquire_inside(&self, node: Node<'_>) -> bool {
        self.acquire.is_some_and(|a| contains(node, a))
    }

    fn stmts(&mut self, list: &[Node<'t>], mut p: Path) -> Path {
        for s in list {
            if p.is_none() {
                break;
            }
            p = self.stmt(*s, p);
        }
        p
    }

    fn stmt(&mut self, node: Node<'t>, p: Path) -> Path {
        p?;
        // A compound statement as the acquisition (a loop that starts
        // goroutines): the resource is live once the statement completes.
        if self.acquire.is_some_and(|a| a.id() == node.id()) && node.kind() == "for_statement" {
            self.acquire = None;
            let end = self.for_stmt(node, p, None);
            self.acquire = Some(node);
            return end.map(|_| St::Open { fresh_err: false });
        }
        match node.kind() {
            "block" => self.stmts(&block_statements(node), p),
            "statement_list" => self.stmts(&named_children(node), p),
            "labeled_statement" => {
                let label = node
                    .child_by_field_name("label")
                    .map(|l| self.ctx.text(l).to_string());
                let inner = named_children(node)
                    .into_iter()
                    .find(|c| c.kind() != "label_name");
                match inner {
                    Some(s) if s.kind() == "for_statement" => self.for_stmt(s, p, label),
                    Some(s) => self.stmt(s, p),
                    None => p,
                }
            }
            "if_statement" => self.if_stmt(node, p),
            "for_statement" => self.for_stmt(node, p, None),
            "expression_switch_statement" | "type_switch_statement" => self.switch_stmt(node, p),
            "select_statement" => self.select_stmt(node, p),
            "return_statement" => {
                let p = self.simple(node, p);
                // A bare `return` hands named results back to the caller.
                let bare_named = node.named_child_count() == 0 && self.named_result;
                if !bare_named && matches!(p, Some(St::Open { .. })) {
                    self.report(LeakKind::Return, node.start_position());
                }
                None
            }
            "break_statement" | "continue_statement" => {
                let is_break = node.kind() == "break_statement";
                let label = named_children(node)
                    .first()
                    .map(|l| self.ctx.text(*l).to_string());
                let frame = self.frames.iter_mut().rev().find(|f| {
                    (is_break || f.is_loop) && (label.is_none() || f.label.as_deref() == label.as_deref())
                });
                if let Some(f) = frame {
                    if is_break {
                        f.breaks.push(p)
                    } else {
                        f.continues.push(p)
                    }
                }
                None
            }
            "goto_statement" => None,
            "expression_statement" => {
                let p = self.simple(node, p);
                let terminates = node
                    .named_child(0)
                    .is_some_and(|e| is_terminating_call(self.ctx, e));
                if terminates { None } else { p }
            }
            _ => self.simple(node, p),
        }
    }

    /// A statement without nested statements (or a header part of one).
    fn simple(&mut self, node: Node<'t>, p: Path) -> Path {
        let mut st = p?;
        if matches!(st, St::Open { .. }) && releases(self.ctx, self.res, node) {
            st = St::Released;
        }
        if let St::Open { fresh_err: true } = st
            && let Some(err) = &self.res.err_var
            && syntax::assigned_names(node, self.ctx.src()).iter().any(|n| n == err)
            // `if err := f(); …` or `x, err := …` in an inner block declares a new err.
            && (node.kind() != "short_var_declaration" || node.parent().map(|p| p.id()) == self.acq_scope)
            // `f, err = os.Open(other)` re-acquires: err still describes the handle.
            && !syntax::assigned_names(node, self.ctx.src()).iter().any(|n| self.res.handles.iter().any(|h| h == n))
        {
            st = St::Open { fresh_err: false };
        }
        if self.acquire_inside(node) {
            st = St::Open {
                fresh_err: self.res.err_var.is_some(),
            };
        }
        Some(st)
    }

    /// States for (then, else) of an `if` condition that tests the error or the handle against nil.
    fn split_on_condition(&self, cond: Node<'_>, st: St) -> (Path, Path) {
        let cond = unparen(cond);
        let St::Open { fresh_err } = st else {
            return (Some(st), Some(st));
        };
        // `os.IsNotExist(err)`, `errors.Is(err, X)`: true only when err is non-nil.
        if let Some(c) = syntax::call(cond) {
            let err_arg = c
                .args
                .first()
                .is_some_and(|a| Some(self.ctx.text(*a)) == self.res.err_var.as_deref());
            let name = self.ctx.text(c.name);
            if fresh_err && err_arg && (name.starts_with("Is") || name == "As") {
                return (Some(St::Before), Some(st));
            }
            return (Some(st), Some(st));
        }
        if cond.kind() != "binary_expression" {
            return (Some(st), Some(st));
        }
        let op = cond
            .child_by_field_name("operator")
            .map(|o| self.ctx.text(o))
            .unwrap_or("");
        let (Some(l), Some(r)) = (
            cond.child_by_field_name("left"),
            cond.child_by_field_name("right"),
        ) else {
            return (Some(st), Some(st));
        };
        let (l, r) = (self.ctx.text(unparen(l)), self.ctx.text(unparen(r)));
        let other = if r == "nil" {
            l
        } else if l == "nil" {
            r
        } else {
            return (Some(st), Some(st));
        };
        let is_err = fresh_err && self.res.err_var.as_deref() == Some(other);
        let is_handle = self.res.handles.iter().any(|h| h == other);
        let nil_branch_is_then = match (op, is_err, is_handle) {
            ("!=", true, _) | ("==", false, true) => true,
            ("==", true, _) | ("!=", false, true) => false,
            _ => return (Some(st), Some(st)),
        };
        if nil_branch_is_then {
            (Some(St::Before), Some(st))
        } else {
            (Some(st), Some(St::Before))
        }
    }

    fn if_stmt(&mut self, node: Node<'t>, p: Path) -> Path {
        let mut p = p;
        if let Some(init) = node.child_by_field_name("initializer") {
            p = self.simple(init, p);
        }
        let Some(cond) = node.child_by_field_name("condition") else {
            return p;
        };
        p = self.simple(cond, p);
        let st = p?;
        // `if _, err := f.Write(b); err != nil`: that err is a new one, not the acquisition's.
        let shadows = node.child_by_field_name("initializer").is_some_and(|i| {
            i.kind() == "short_var_declaration"
                && !self.acquire_inside(i)
                && syntax::assigned_names(i, self.ctx.src())
                    .iter()
                    .any(|n| Some(*n) == self.res.err_var.as_deref())
        });
        let (then_p, else_p) = if shadows {
            (Some(st), Some(st))
        } else {
            self.split_on_condition(cond, st)
        };
        let then_end = match node.child_by_field_name("consequence") {
            Some(c) => self.stmt(c, then_p),
            None => then_p,
        };
        let else_end = match node.child_by_field_name("alternative") {
            Some(a) => self.stmt(a, else_p),
            None => else_p,
        };
        merge(then_end, else_end)
    }

    fn for_stmt(&mut self, node: Node<'t>, p: Path, label: Option<String>) -> Path {
        let mut p = p;
        let mut infinite = true;
        let mut exit_releases = false;
        for header in named_children(node) {
            match header.kind() {
                "for_clause" => {
                    if let Some(init) = header.child_by_field_name("initializer") {
                        p = self.simple(init, p);
                    }
                    if let Some(cond) = header.child_by_field_name("condition") {
                        infinite = false;
                        p = self.simple(cond, p);
                    }
                }
                "range_clause" => {
                    infinite = false;
                    p = self.simple(header, p);
                }
                "block" => {}
                _ => {
                    infinite = false; // `for cond {`
                    p = self.simple(header, p);
                    exit_releases = self.is_exhausting(header);
                }
            }
        }
        let Some(body) = node.child_by_field_name("body") else {
            return p;
        };
        self.frames.push(Frame {
            label,
            is_loop: true,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let body_end = self.stmt(body, p);
        let frame = self.frames.pop().unwrap_or(Frame {
            label: None,
            is_loop: true,
            breaks: vec![],
            continues: vec![],
        });
        let mut back = vec![body_end];
        back.extend(frame.continues);
        if self.acquire_inside(body) {
            for b in &back {
                if matches!(b, Some(St::Open { .. })) {
                    self.report(LeakKind::LoopIteration, end_brace(body));
                }
            }
        }
        let breaks = merge_all(frame.breaks);
        // The zero-iteration path is not merged in: a resource released in
        // the body of a loop over the work it relates to (drain N results)
        // would otherwise always look open; the loop-entry state only
        // counts when the body never loops back.
        let normal_exit = match merge_all(back).or(p) {
            Some(St::Open { .. }) if exit_releases => Some(St::Released),
            other => other,
        };
        if infinite {
            breaks
        } else {
            merge(normal_exit, breaks)
        }
    }

    /// `for rows.Next() {`: the loop's normal exit releases the resource.
    fn is_exhausting(&self, cond: Node<'_>) -> bool {
        syntax::call(unparen(cond)).is_some_and(|c| {
            c.operand
                .is_some_and(|op| self.res.handles.iter().any(|h| h == self.ctx.text(op)))
                && self.res.loop_exit_releases.contains(&self.ctx.text(c.name))
        })
    }

    fn switch_stmt(&mut self, node: Node<'t>, p: Path) -> Path {
        let mut p = p;
        if let Some(init) = node.child_by_field_name("initializer") {
            p = self.simple(init, p);
        }
        if let Some(value) = node.child_by_field_name("value") {
            p = self.simple(value, p);
        }
        let cases: Vec<Node<'t>> = named_children(node)
            .into_iter()
            .filter(|c| matches!(c.kind(), "expression_case" | "type_case" | "default_case"))
            .collect();
        let has_default = cases.iter().any(|c| c.kind() == "default_case");
        self.frames.push(Frame {
            label: None,
            is_loop: false,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let mut ends = Vec::new();
        for case in &cases {
            let mut cp = p;
            if let Some(v) = case.child_by_field_name("value") {
                cp = self.simple(v, cp);
            }
            let body: Vec<Node<'t>> = named_children(*case)
                .into_iter()
                .filter(|c| c.kind() == "statement_list")
                .flat_map(named_children)
                .collect();
            ends.push(self.stmts(&body, cp));
        }
        let frame = self.frames.pop();
        if !has_default {
            ends.push(p);
        }
        ends.extend(frame.map(|f| f.breaks).unwrap_or_default());
        merge_all(ends)
    }

    fn select_stmt(&mut self, node: Node<'t>, p: Path) -> Path {
        self.frames.push(Frame {
            label: None,
            is_loop: false,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let mut ends = Vec::new();
        for case in named_children(node) {
            if !matches!(case.kind(), "communication_case" | "default_case") {
                continue;
            }
            let mut cp = p;
            if let Some(comm) = case.child_by_field_name("communication") {
                cp = self.simple(comm, cp);
            }
            let body: Vec<Node<'t>> = named_children(case)
                .into_iter()
                .filter(|c| c.kind() == "statement_list")
                .flat_map(named_children)
                .collect();
            ends.push(self.stmts(&body, cp));
        }
        let frame = self.frames.pop();
        ends.extend(frame.map(|f| f.breaks).unwrap_or_default());
        merge_all(ends)
    }
}
