//! Intra-procedural "is it released on every path?" over the syntax tree.
//!
//! A rule describes a [`Resource`] — where it is acquired, the expressions
//! that denote it (`resp`, `resp.Body`), which calls release it — and
//! [`analyze`] walks the innermost function containing the acquisition,
//! statement by statement, keeping per path whether the resource is still
//! open. It honours early `return`s, `if err != nil` branches (the resource is
//! nil there), loops (an iteration that ends with the resource open leaks it),
//! `break`/`continue` (labelled too), `switch`/`select`, `defer` (in closures
//! too), `panic`/`os.Exit`/`log.Fatal`, and hand-offs that transfer ownership
//! (see [`escape`](crate::flow::escape)): returned, stored in a field, map,
//! slice or package-level variable, sent on a channel, captured by a `go`
//! statement, or passed to a function that takes ownership (by name, by
//! `leakscope.toml`, or because the package's own function closes that
//! parameter). The first path found that reaches an exit still open is
//! returned as a [`Leak`].

use tree_sitter::Node;

use crate::context::FileCtx;
use crate::syntax::{self, contains, descendants, named_children, text, unparen};

mod walker;

pub use walker::{analyze, analyze_from_entry};

/// Method names that release a resource when called on it, whatever its type.
pub const GENERIC_RELEASE: &[&str] = &[
    "Close",
    "CloseWithError",
    "Stop",
    "Release",
    "Rollback",
    "Commit",
    "Unlock",
    "RUnlock",
    "Done",
    "Free",
    "Shutdown",
];

/// Words in a callee's name that say it takes ownership of its arguments.
const OWNERSHIP_WORDS: &[&str] = &[
    "close",
    "closer",
    "release",
    "take",
    "takes",
    "own",
    "owns",
    "ownership",
    "drain",
    "consume",
    "discard",
    "cleanup",
    "dispose",
    "finish",
    "free",
    "shutdown",
    "stop",
    "defer",
    "register",
    "track",
    "adopt",
    // http.Server.Serve and grpc.Server.Serve close the listener they are given.
    "serve",
];

/// A tracked resource, as a rule describes it to [`analyze`].
pub struct Resource<'t, 'r> {
    /// The node whose statement makes the resource live (usually the call; a
    /// `for_statement` means "live after the loop", e.g. goroutines it started).
    pub acquired_at: Node<'t>,
    /// Expressions that denote the resource (`f`; `resp`, `resp.Body`).
    pub handles: Vec<String>,
    /// The error returned with it (`f, err := os.Open`): where it is non-nil the resource is nil.
    pub err_var: Option<String>,
    /// Methods whose call on a handle releases it (`Close`; `Commit`, `Rollback`).
    pub release_methods: &'r [&'r str],
    /// Any use of a handle as a value or a call releases it (cancel funcs: calling or passing it).
    pub any_use_releases: bool,
    /// Extra, rule-specific releases (a receive from a channel…), checked on every node.
    pub custom_release: Option<&'r dyn Fn(Node<'_>) -> bool>,
    /// Methods that release it when a `for handle.M() {` loop ends normally
    /// (`rows.Next()` closes the rows when it returns false).
    pub loop_exit_releases: &'r [&'r str],
    /// A handle used inside `go func() { ... }()` is handed to that goroutine
    /// (a listener served by an accept loop); off by default, since for most
    /// resources (tickers, locks) the goroutine does not take over the release.
    pub goroutine_capture_releases: bool,
}

impl<'t, 'r> Resource<'t, 'r> {
    /// A resource released by calling one of `release_methods` on one of `handles`.
    pub fn new(acquired_at: Node<'t>, handles: Vec<String>, release_methods: &'r [&'r str]) -> Self {
        Resource {
            acquired_at,
            handles,
            err_var: None,
            release_methods,
            any_use_releases: false,
            custom_release: None,
            loop_exit_releases: &[],
            goroutine_capture_releases: false,
        }
    }

    /// Sets the error variable assigned together with the resource.
    pub fn with_err(mut self, err_var: Option<&str>) -> Self {
        self.err_var = err_var.filter(|e| *e != "_").map(str::to_string);
        self
    }

    fn is_handle(&self, s: &str) -> bool {
        self.handles.iter().any(|h| h == s)
    }
}

/// Where a path leaves the function (or the loop iteration) with the resource open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeakKind {
    /// A `return` statement.
    Return,
    /// Falling off the end of the function body.
    FunctionEnd,
    /// The end of a loop body (or a `continue`): the next iteration overwrites it.
    LoopIteration,
}

/// The first leaking path found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leak {
    /// How the path leaves.
    pub kind: LeakKind,
    /// 1-based line of the exit.
    pub line: usize,
    /// 1-based column of the exit (the `return`, the closing brace).
    pub col: usize,
}

impl Leak {
    /// Words for the message: "on the return at line 12".
    pub fn describe(&self) -> String {
        match self.kind {
            LeakKind::Return => format!("on the return at line {}", self.line),
            LeakKind::FunctionEnd => format!("when the function ends at line {}", self.line),
            LeakKind::LoopIteration => format!("when the loop iterates at line {}", self.line),
        }
    }
}

/// True if `node` (anywhere inside a statement) releases or hands off `res`.
pub(crate) fn releases(ctx: &FileCtx<'_>, res: &Resource<'_, '_>, node: Node<'_>) -> bool {
    descendants(node).any(|n| {
        if let Some(custom) = res.custom_release
            && custom(n)
        {
            return true;
        }
        match n.kind() {
            "call_expression" => {
                if let Some(c) = syntax::call(n) {
                    if let Some(op) = c.operand
                        && res.is_handle(ctx.text(unparen(op)))
                        && res.release_methods.contains(&ctx.text(c.name))
                    {
                        return true;
                    }
                    if res.any_use_releases && c.operand.is_none() && res.is_handle(ctx.text(c.name)) {
                        return true;
                    }
                }
                false
            }
            "identifier" | "selector_expression" => {
                if n.kind() == "selector_expression" && is_method_value_release(ctx, res, n) {
                    return true;
                }
                if !res.is_handle(ctx.text(n)) {
                    return false;
                }
                if res.any_use_releases && is_value_use(n) {
                    return true;
                }
                escape(ctx, n) || (res.goroutine_capture_releases && captured_by_goroutine(n))
            }
            _ => false,
        }
    })
}

/// `return mu.Unlock`, `t.Cleanup(f.Close)`: a release method taken as a value.
fn is_method_value_release(ctx: &FileCtx<'_>, res: &Resource<'_, '_>, n: Node<'_>) -> bool {
    let (Some(op), Some(field)) = (n.child_by_field_name("operand"), n.child_by_field_name("field")) else {
        return false;
    };
    let called = n.parent().is_some_and(|p| {
        p.kind() == "call_expression"
            && p.child_by_field_name("function")
                .is_some_and(|f| f.id() == n.id())
    });
    !called && res.is_handle(ctx.text(unparen(op))) && res.release_methods.contains(&ctx.text(field))
}

/// True if `n` is used as a value (not assigned to, not a selector's operand).
fn is_value_use(n: Node<'_>) -> bool {
    let Some(parent) = n.parent() else { return false };
    match parent.kind() {
        "selector_expression" => parent
            .child_by_field_name("field")
            .is_some_and(|f| f.id() == n.id()),
        "expression_list" => {
            let gp = parent.parent();
            !gp.is_some_and(|g| {
                matches!(g.kind(), "short_var_declaration" | "assignment_statement")
                    && g.child_by_field_name("left")
                        .is_some_and(|l| l.id() == parent.id())
            })
        }
        "short_var_declaration" | "assignment_statement" => parent
            .child_by_field_name("left")
            .is_none_or(|l| l.id() != n.id()),
        _ => true,
    }
}

/// True if the value `n` (a handle's identifier or selector) is handed to
/// something that outlives this path or takes ownership: returned, stored in
/// a field/index/package variable/composite literal, appended, sent, passed to
/// a `go` call or to an ownership-taking function.
pub fn escape(ctx: &FileCtx<'_>, n: Node<'_>) -> bool {
    let mut node = n;
    let mut parent = match n.parent() {
        Some(p) => p,
        None => return false,
    };
    while matches!(parent.kind(), "parenthesized_expression" | "unary_expression") {
        node = parent;
        parent = match parent.parent() {
            Some(p) => p,
            None => return false,
        };
    }
    match parent.kind() {
        "return_statement" | "keyed_element" | "literal_element" | "send_statement" => {
            parent.kind() != "send_statement"
                || parent
                    .child_by_field_name("value")
                    .is_some_and(|v| v.id() == node.id())
        }
        "expression_list" => {
            let Some(gp) = parent.parent() else { return false };
            match gp.kind() {
                "return_statement" => true,
                "assignment_statement" | "short_var_declaration" | "var_spec" => {
                    stored_outside(ctx, gp, parent, node)
                }
                _ => false,
            }
        }
        "assignment_statement" | "var_spec" => stored_outside(ctx, parent, node, node),
        "argument_list" => {
            let Some(call_node) = parent.parent() else {
                return false;
            };
            let index = named_children(parent)
                .iter()
                .position(|a| a.id() == node.id())
                .unwrap_or(0);
            call_takes(ctx, call_node, index)
                || (is_constructor(ctx, call_node) && returned_wrapper(call_node))
        }
        _ => false,
    }
}

/// Used inside `go func() { ... }()`: the new goroutine shares (and may outlive) it.
fn captured_by_goroutine(n: Node<'_>) -> bool {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if p.kind() == "func_literal" {
            return p
                .parent()
                .filter(|c| c.kind() == "call_expression")
                .and_then(|c| c.parent())
                .is_some_and(|g| g.kind() == "go_statement");
        }
        cur = p.parent();
    }
    false
}

/// `NewClient(...)`, `newReader(...)`, `WrapConn(...)`: builds a value around its arguments.
fn is_constructor(ctx: &FileCtx<'_>, call: Node<'_>) -> bool {
    syntax::call(call).is_some_and(|c| {
        let n = ctx.text(c.name);
        ["New", "new", "Wrap", "wrap"].iter().any(|p| n.starts_with(p))
    })
}

/// `return NewClient(conn), nil`, `return &T{r: bufio.NewReader(f)}`: the
/// argument is wrapped in a value handed to the caller.
fn returned_wrapper(call: Node<'_>) -> bool {
    let mut cur = call;
    while let Some(p) = cur.parent() {
        match p.kind() {
            "return_statement" => return true,
            "expression_list"
            | "argument_list"
            | "call_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "keyed_element"
            | "literal_element"
            | "literal_value"
            | "composite_literal" => cur = p,
            _ => return false,
        }
    }
    false
}

/// For `left = right`: is the value at `value` (inside `list`) stored somewhere non-local?
fn stored_outside(ctx: &FileCtx<'_>, stmt: Node<'_>, list: Node<'_>, value: Node<'_>) -> bool {
    let right = stmt
        .child_by_field_name("right")
        .or_else(|| stmt.child_by_field_name("value"));
    if right.is_none_or(|r| r.id() != list.id() && r.id() != value.id()) {
        return false; // the handle is on the left: being assigned, not stored
    }
    let values = syntax::assigned_values(stmt);
    let index = values.iter().position(|v| contains(*v, value)).unwrap_or(0);
    let targets = match stmt
        .child_by_field_name("left")
        .or_else(|| stmt.child_by_field_name("name"))
    {
        Some(l) if l.kind() == "expression_list" => named_children(l),
        Some(l) => vec![l],
        None => return false,
    };
    let Some(target) = targets.get(index).or(targets.first()) else {
        return false;
    };
    match target.kind() {
        "identifier" => {
            let name = ctx.text(*target);
            // A package-level variable outlives the function; a plain local is an alias.
            name != "_"
                && stmt.kind() == "assignment_statement"
                && ctx.package.is_var(name)
                && !declared_locally(*target, name, ctx.src())
        }
        _ => true, // s.f = x, m[k] = x, *p = x
    }
}

/// True if `name` is declared (`:=`/`var`/parameter) in the function around `at`.
fn declared_locally(at: Node<'_>, name: &str, src: &str) -> bool {
    let Some(func) = syntax::enclosing_function(at) else {
        return false;
    };
    if syntax::parameter_names(func, src).contains(&name) {
        return true;
    }
    descendants(func).any(|n| {
        matches!(n.kind(), "short_var_declaration" | "var_spec")
            && syntax::assigned_names(n, src).contains(&name)
    })
}

/// Does the call at `call_node` take ownership of its argument `index`?
pub fn call_takes(ctx: &FileCtx<'_>, call_node: Node<'_>, index: usize) -> bool {
    if call_node.kind() != "call_expression" {
        return false;
    }
    // `go f(x)`: the new goroutine owns x.
    if call_node.parent().is_some_and(|p| p.kind() == "go_statement") {
        return true;
    }
    let Some(callee) = call_node.child_by_field_name("function") else {
        return false;
    };
    if callee.kind() == "func_literal" {
        // `defer func(c io.Closer) { c.Close() }(f)`
        let params = syntax::parameter_names(callee, ctx.src());
        return match (params.get(index), callee.child_by_field_name("body")) {
            (Some(p), Some(body)) if !p.is_empty() => body_releases_name(body, ctx.src(), p),
            _ => false,
        };
    }
    let Some(c) = syntax::call(call_node) else {
        return false;
    };
    let name = ctx.text(c.name);
    if name == "append" && c.operand.is_none() {
        return true;
    }
    if ctx.config.takes_ownership(ctx.text(callee)) || name_says_ownership(name) {
        return true;
    }
    let local = match c.operand {
        None => true,
        Some(op) => !(op.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(op))),
    };
    local && ctx.package.takes_param(name, index)
}

/// `closeBody`, `drainAndClose`, `takeOwnership`, `mustRelease`: split on case
/// and `_`, then look for an ownership word.
pub fn name_says_ownership(name: &str) -> bool {
    let mut words = Vec::new();
    let mut cur = String::new();
    for ch in name.chars() {
        if ch == '_' || ch.is_ascii_digit() {
            words.push(std::mem::take(&mut cur));
            continue;
        }
        if ch.is_uppercase() && !cur.is_empty() && !cur.chars().last().is_some_and(char::is_uppercase) {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(ch.to_ascii_lowercase());
    }
    words.push(cur);
    words.iter().any(|w| OWNERSHIP_WORDS.contains(&w.as_str()))
}

/// True if `body` releases the variable `name`: `name.Close()` (or any
/// [`GENERIC_RELEASE`] method, also on `name.Field`), `close(name)`, `name()`,
/// or hands it off (returned, stored, sent, appended). Used for package facts.
pub fn body_releases_name(body: Node<'_>, src: &str, name: &str) -> bool {
    let prefix = format!("{name}.");
    descendants(body).any(|n| match n.kind() {
        "call_expression" => syntax::call(n).is_some_and(|c| match c.operand {
            Some(op) => {
                let op_text = text(op, src);
                (op_text == name || op_text.starts_with(&prefix))
                    && GENERIC_RELEASE.contains(&text(c.name, src))
            }
            None => {
                let callee = text(c.name, src);
                callee == name || (callee == "close" && c.args.first().is_some_and(|a| text(*a, src) == name))
            }
        }),
        "identifier" if text(n, src) == name => n.parent().is_some_and(|p| {
            let p = if p.kind() == "expression_list" {
                p.parent().unwrap_or(p)
            } else {
                p
            };
            match p.kind() {
                "return_statement" | "keyed_element" | "literal_element" => true,
                "send_statement" => p.child_by_field_name("value").is_some_and(|v| v.id() == n.id()),
                "assignment_statement" => p.child_by_field_name("left").is_some_and(|l| {
                    !contains(l, n) && {
                        let targets = if l.kind() == "expression_list" {
                            named_children(l)
                        } else {
                            vec![l]
                        };
                        targets.iter().any(|t| t.kind() != "identifier")
                    }
                }),
                "argument_list" => p
                    .parent()
                    .and_then(syntax::call)
                    .is_some_and(|c| c.operand.is_none() && text(c.name, src) == "append"),
                _ => false,
            }
        }),
        _ => false,
    })
}

/// Local names that alias a handle (`body := resp.Body`, `c := conn`), to a fixpoint.
pub fn aliases(func: Node<'_>, src: &str, handles: &[String]) -> Vec<String> {
    let mut out: Vec<String> = handles.to_vec();
    loop {
        let before = out.len();
        for n in descendants(func) {
            if !matches!(
                n.kind(),
                "short_var_declaration" | "assignment_statement" | "var_spec"
            ) {
                continue;
            }
            let names = syntax::assigned_names(n, src);
            let values = syntax::assigned_values(n);
            // `w, err := NewWriter(f)` / `a, err = archive.New(f)`: the wrapper carries the handle.
            if let ([first, ..], [value]) = (names.as_slice(), values.as_slice())
                && let Some(c) = syntax::call(unparen(*value))
            {
                let ctor = ["New", "new", "Wrap", "wrap"]
                    .iter()
                    .any(|p| text(c.name, src).starts_with(p));
                if ctor
                    && *first != "_"
                    && !first.contains('.')
                    && c.args.iter().any(|a| out.iter().any(|h| h == text(*a, src)))
                    && !out.iter().any(|h| h == first)
                {
                    out.push((*first).to_string());
                }
            }
            if names.len() != values.len() {
                continue;
            }
            for (name, value) in names.iter().zip(values) {
                let v = text(unparen(value), src);
                if *name != "_"
                    && out.iter().any(|h| h == v)
                    && !out.iter().any(|h| h == name)
                    && !name.contains('.')
                {
                    out.push((*name).to_string());
                }
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

/// Calls after which the path never continues: `panic`, `os.Exit`,
/// `log.Fatal*`, `t.Fatal*`/`FailNow`/`Skip*`, `runtime.Goexit`.
pub fn is_terminating_call(ctx: &FileCtx<'_>, node: Node<'_>) -> bool {
    let Some(c) = syntax::call(unparen(node)) else {
        return false;
    };
    let name = ctx.text(c.name);
    match c.operand {
        None => name == "panic",
        Some(op) => {
            let op = ctx.text(op);
            (ctx.file.is_pkg(op, "os") && name == "Exit")
                || (ctx.file.is_pkg(op, "runtime") && name == "Goexit")
                || matches!(
                    name,
                    "Fatal"
                        | "Fatalf"
                        | "Fatalln"
                        | "Panic"
                        | "Panicf"
                        | "Panicln"
                        | "FailNow"
                        | "Skip"
                        | "Skipf"
                        | "SkipNow"
                )
        }
    }
}

#[cfg(test)]
mod tests;
