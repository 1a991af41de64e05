//! Shared by the goroutine rules and client-per-request: what a `go`
//! statement runs, and whether code runs once per request (in an HTTP handler
//! or a loop) or once per process.

use tree_sitter::Node;

use crate::context::FileCtx;
use crate::syntax::{self, named_children};

/// The function a `go` statement starts, with the context of its file.
pub struct Spawned<'a> {
    /// Context of the file that holds `func` (a sibling file for `go f()`).
    pub ctx: FileCtx<'a>,
    /// A `func_literal` or a `function_declaration`.
    pub func: Node<'a>,
    /// The `go` statement's call arguments, paired with the callee's parameter names.
    pub args: Vec<(String, Node<'a>)>,
}

/// Resolves `go func(){...}()` and `go f(args)` with `f` a function of the package.
pub fn spawned<'a>(ctx: &FileCtx<'a>, go_stmt: Node<'a>) -> Option<Spawned<'a>> {
    let call = named_children(go_stmt)
        .into_iter()
        .find(|n| n.kind() == "call_expression")?;
    let callee = call.child_by_field_name("function")?;
    let args: Vec<Node<'a>> = call
        .child_by_field_name("arguments")
        .map(named_children)
        .unwrap_or_default();
    let (fctx, func) = match callee.kind() {
        "func_literal" => (*ctx, callee),
        "identifier" => ctx.find_function(ctx.text(callee))?,
        _ => return None,
    };
    let params = syntax::parameter_names(func, fctx.src());
    let args = params.into_iter().map(str::to_string).zip(args).collect();
    Some(Spawned {
        ctx: fctx,
        func,
        args,
    })
}

/// True if `func` serves an HTTP request: it has a `http.ResponseWriter` or
/// `*http.Request` parameter (handlers, `ServeHTTP`, middleware closures).
pub fn is_handler(ctx: &FileCtx<'_>, func: Node<'_>) -> bool {
    ctx.file
        .local_name("net/http")
        .is_some_and(|http| crate::package::is_handler(func, ctx.src(), http))
}

/// True if `node` runs once per request or per iteration: inside a loop of
/// its function, or in a handler (directly or in a closure inside one), or in
/// a function of the package that a handler calls.
pub fn per_request(ctx: &FileCtx<'_>, node: Node<'_>) -> Option<&'static str> {
    if in_loop(node) {
        return Some("in a loop");
    }
    let mut cur = syntax::enclosing_function(node);
    while let Some(f) = cur {
        if is_handler(ctx, f) {
            return Some("per request (in an HTTP handler)");
        }
        cur = syntax::enclosing_function(f);
    }
    let outer = outermost_function(node)?;
    let name = syntax::function_name(outer, ctx.src())?;
    called_from_handler(ctx, name).then_some("per request (called from an HTTP handler)")
}

/// True if `node` is inside a `for` loop of its own function.
pub fn in_loop(node: Node<'_>) -> bool {
    syntax::ancestor_in_function(node, &["for_statement"]).is_some_and(|f| {
        f.child_by_field_name("body")
            .is_some_and(|b| syntax::contains(b, node))
    })
}

fn outermost_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut last = None;
    let mut cur = syntax::enclosing_function(node);
    while let Some(f) = cur {
        last = Some(f);
        cur = syntax::enclosing_function(f);
    }
    last
}

/// True if a handler anywhere in the package calls the function `name`.
fn called_from_handler(ctx: &FileCtx<'_>, name: &str) -> bool {
    ctx.package.handler_callees.contains(name)
}

/// True if `name` is `main` or `init` (their goroutines live as long as the process by design).
pub fn is_process_lifetime(ctx: &FileCtx<'_>, func: Node<'_>) -> bool {
    let mut cur = Some(func);
    let mut outer = func;
    while let Some(f) = cur {
        outer = f;
        cur = syntax::enclosing_function(f);
    }
    matches!(syntax::function_name(outer, ctx.src()), Some("main" | "init"))
        && outer.kind() == "function_declaration"
}
