//! `subscription-not-removed`: registrations on a long-lived publisher made on
//! the request path and never removed — a returned cancel/unsubscribe handle
//! discarded or not called on every path, or an `Add`/`Register`/`On` whose
//! removal counterpart the package never calls.

use tree_sitter::Node;

use super::Rule;
use super::acquire::{Target, target};
use super::pkg_index::{self, PackageIndex, container_name};
use super::reach;
use super::scopes;
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, descendants};

/// See [`DOC`].
pub struct SubscriptionNotRemoved;

const ID: &str = "subscription-not-removed";

const DOC: &str = r#"## What it does
On the request path (HTTP and gRPC-shaped handlers and what they call in the package), finds
registrations on a publisher that outlives the request — `Subscribe*`, `Register*`, `Watch*`,
`On*`, `Attach*`, `Add*Listener/Handler/Observer/Callback/Hook/Sink…`, and `signal.Notify` — that
are never undone:
- the method (declared in the package) returns a cancel function or handle, and the result is
  discarded, or not called/stopped on every path;
- the method returns nothing and the package never calls its counterpart (`Unsubscribe`,
  `Unregister`/`Deregister`, `Remove…`, `Off`, `Unwatch`, `Detach`, `signal.Stop`) on the same
  publisher.
Registrations on publishers created for the request, and registrations at start-up, are not
reported; neither are methods of other packages whose API the scan cannot see.

## Why is this bad?
The publisher keeps every registered callback, channel or listener — and everything it captures:
the request, its response writer, buffers — for as long as the publisher lives. One registration
per request is a leak that grows with traffic, and publishing to dead subscribers costs CPU too.

## Example
```go
func stream(w http.ResponseWriter, r *http.Request) {
    ch := make(chan float64, 1)
    prices.Subscribe(ch) // the cancel func is discarded
    ...
}
```

## Use instead
```go
cancel := prices.Subscribe(ch)
defer cancel()
```

## References
- https://pkg.go.dev/os/signal#Stop
- https://pkg.go.dev/context#AfterFunc
"#;

/// Nouns after `Add` that make it a registration (`AddListener`, `AddSink`).
const LISTENER_NOUNS: &[&str] = &[
    "Listener",
    "Handler",
    "Observer",
    "Callback",
    "Hook",
    "Watcher",
    "Sink",
    "Subscriber",
    "Func",
    "Waiter",
    "Notifier",
    "Receiver",
    "Consumer",
    "Client",
    "Peer",
];

impl Rule for SubscriptionNotRemoved {
    fn id(&self) -> &'static str {
        ID
    }

    fn doc(&self) -> &'static str {
        DOC
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let file_idx = pkg_index::file_index(ctx);
        let index = pkg_index::index(ctx);
        for (func, via) in index.request_functions(ctx, file_idx) {
            for call in scopes::own_nodes(func)
                .into_iter()
                .filter(|n| n.kind() == "call_expression")
            {
                let msg = signal_notify(ctx, call)
                    .or_else(|| registration(ctx, index, file_idx, func, call))
                    .or_else(|| wrapper_handle_dropped(ctx, index, call));
                if let Some(msg) = msg {
                    out.push(ctx.finding(
                        ID,
                        call,
                        format!("{msg} (on the request path, reached from {via})"),
                    ));
                }
            }
        }
    }
}

/// `signal.Notify(ch, …)` not undone by `signal.Stop(ch)`: on every path of
/// the function for a local channel, anywhere in the package otherwise.
fn signal_notify(ctx: &FileCtx<'_>, call: Node<'_>) -> Option<String> {
    ctx.file.pkg_call(call, "os/signal", &["Notify"])?;
    let arg = *syntax::call(call)?.args.first()?;
    let ch = ctx.text(arg);
    let func = syntax::enclosing_function(call)?;
    let is_stop = |f: &crate::source::SourceFile, n: Node<'_>| {
        f.pkg_call(n, "os/signal", &["Stop"]).is_some()
            && syntax::call(n).is_some_and(|c| c.args.first().is_some_and(|a| f.text(*a) == ch))
    };
    let local = reach::root_ident(arg).is_some_and(|r| reach::declared_in(func, ctx.text(r), ctx.src()));
    if local {
        let handles = flow::aliases(func, ctx.src(), &[ch.to_string()]);
        let stops = |n: Node<'_>| is_stop(ctx.file, n);
        let mut res = Resource::new(call, handles, &[]);
        res.custom_release = Some(&stops);
        let leak = flow::analyze(ctx, &res)?;
        return Some(format!(
            "signal.Notify registers `{ch}` with the signal package and it is not removed with signal.Stop({ch}) {}",
            leak.describe()
        ));
    }
    let stopped = ctx
        .package_files
        .iter()
        .any(|f| descendants(f.tree.root_node()).any(|n| is_stop(f, n)));
    (!stopped).then(|| format!("signal.Notify registers `{ch}` with the signal package and nothing calls signal.Stop({ch}), so it is kept forever"))
}

fn registration(
    ctx: &FileCtx<'_>,
    index: &PackageIndex,
    file_idx: usize,
    func: Node<'_>,
    call: Node<'_>,
) -> Option<String> {
    let c = syntax::call(call)?;
    let recv = c.operand?;
    if recv.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(recv)) {
        return None;
    }
    let method = ctx.text(c.name);
    let counterparts = counterparts(method)?;
    if !index.reach.long_lived(ctx.file, file_idx, func, recv) {
        return None;
    }
    let recv_text = ctx.text(recv);
    let recv_name = container_name(recv, ctx.src())?;
    if let Some(result) = index.method_results.get(method).filter(|r| is_handle_type(r)) {
        return handle_not_released(ctx, call, recv_text, method, result);
    }
    let removed = counterparts
        .iter()
        .any(|cp| index.method_calls.contains(&(recv_name.to_string(), cp.clone())));
    if removed {
        return None;
    }
    if let Some(cp) = counterparts
        .iter()
        .find(|cp| index.method_results.contains_key(cp.as_str()))
    {
        return Some(format!(
            "`{recv_text}.{method}` registers on a long-lived publisher and the package never calls `{recv_name}.{cp}`, so every registration stays"
        ));
    }
    index.method_results.contains_key(method).then(|| {
        format!("`{recv_text}.{method}` registers on a long-lived publisher that has no method to remove it, so every registration stays")
    })
}

/// A call of a package function that returns a registration's handle
/// (see [`handle_wrappers`]) whose handle result is dropped or not released.
fn wrapper_handle_dropped(ctx: &FileCtx<'_>, index: &PackageIndex, call: Node<'_>) -> Option<String> {
    let c = syntax::call(call)?;
    let callee = ctx.text(c.name);
    let (k, what) = index.handle_wrappers.get(callee)?;
    let mut node = call;
    while let Some(p) = node.parent().filter(|p| p.kind() == "parenthesized_expression") {
        node = p;
    }
    let parent = node.parent()?;
    let stmt = match parent.kind() {
        "expression_statement" => {
            return Some(format!(
                "the cancel function `{callee}` returns (from `{what}`) is discarded, so the registration is never removed"
            ));
        }
        "expression_list" => parent
            .parent()
            .filter(|s| matches!(s.kind(), "short_var_declaration" | "assignment_statement"))?,
        _ => return None,
    };
    if syntax::assigned_values(stmt).len() != 1 {
        return None;
    }
    let names = syntax::assigned_names(stmt, ctx.src());
    let var = *names.get(*k)?;
    if var == "_" {
        return Some(format!(
            "the cancel function `{callee}` returns (from `{what}`) is assigned to `_`, so the registration is never removed"
        ));
    }
    if !var.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
        return None;
    }
    let func = syntax::enclosing_function(stmt)?;
    let handles = flow::aliases(func, ctx.src(), &[var.to_string()]);
    let mut res = Resource::new(call, handles, REMOVERS);
    res.any_use_releases = true;
    let leak = flow::analyze(ctx, &res)?;
    Some(format!(
        "the cancel function `{var}` from `{callee}` (from `{what}`) is not called {}",
        leak.describe()
    ))
}

/// For a registration returning a cancel func or handle: is it discarded, or
/// not called/stopped/handed off on every path?
fn handle_not_released(
    ctx: &FileCtx<'_>,
    call: Node<'_>,
    recv: &str,
    method: &str,
    result: &str,
) -> Option<String> {
    let noun = if result.starts_with("func") || result.ends_with("Func") {
        "cancel function"
    } else {
        "handle"
    };
    match target(ctx, call) {
        Target::Discarded => Some(format!(
            "the {noun} returned by `{recv}.{method}` is discarded, so the registration is never removed"
        )),
        Target::Elsewhere => None,
        Target::Local { stmt, var, .. } => {
            let func = syntax::enclosing_function(stmt)?;
            let handles = flow::aliases(func, ctx.src(), std::slice::from_ref(&var));
            let mut res = Resource::new(call, handles, REMOVERS);
            res.any_use_releases = true;
            let leak = flow::analyze(ctx, &res)?;
            Some(format!(
                "the {noun} `{var}` returned by `{recv}.{method}` is not called {}",
                leak.describe()
            ))
        }
    }
}

/// Methods that undo a registration when called on its handle.
const REMOVERS: &[&str] = &[
    "Stop",
    "Close",
    "Cancel",
    "Unsubscribe",
    "Unregister",
    "Deregister",
    "Remove",
    "Release",
    "Off",
    "Unwatch",
    "Detach",
];

/// First result types that are not handles (`Register(c) error`).
pub fn is_handle_type(t: &str) -> bool {
    !t.is_empty()
        && !matches!(
            t,
            "error"
                | "bool"
                | "string"
                | "int"
                | "int64"
                | "uint64"
                | "uint"
                | "int32"
                | "uint32"
                | "float64"
        )
}

/// The removal methods matching registration method `m`, if `m` registers.
pub fn counterparts(m: &str) -> Option<Vec<String>> {
    let upper_next = |rest: &str| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase());
    let with =
        |prefixes: &[&str], rest: &str| prefixes.iter().map(|p| format!("{p}{rest}")).collect::<Vec<_>>();
    if let Some(rest) = m.strip_prefix("Subscribe").filter(|r| upper_next(r)) {
        return Some(with(&["Unsubscribe"], rest));
    }
    if let Some(rest) = m.strip_prefix("Register").filter(|r| upper_next(r)) {
        return Some(with(&["Unregister", "Deregister"], rest));
    }
    if let Some(rest) = m.strip_prefix("Watch").filter(|r| upper_next(r)) {
        return Some(with(&["Unwatch", "StopWatch", "RemoveWatch"], rest));
    }
    if let Some(rest) = m.strip_prefix("Attach").filter(|r| upper_next(r)) {
        return Some(with(&["Detach"], rest));
    }
    if let Some(rest) = m
        .strip_prefix("Add")
        .filter(|r| LISTENER_NOUNS.iter().any(|n| r.ends_with(n)))
    {
        return Some(with(&["Remove", "Del", "Delete", "Unregister"], rest));
    }
    if m == "On" {
        return Some(vec![
            "Off".into(),
            "RemoveListener".into(),
            "RemoveAllListeners".into(),
        ]);
    }
    if let Some(rest) = m.strip_prefix("On").filter(|r| !r.is_empty() && upper_next(r)) {
        return Some(with(&["Off", "Remove"], rest));
    }
    None
}

/// Package functions that return, at some result index, the cancel function
/// or handle of a registration they make (`func subscribe(b *Bus) (<-chan E,
/// func())`), so discarding that result at a call site discards the handle.
pub fn handle_wrappers(
    files: &[&crate::source::SourceFile],
    scopes: &super::scopes::Scopes<'_>,
    method_results: &std::collections::HashMap<String, String>,
) -> std::collections::HashMap<String, (usize, String)> {
    let mut out = std::collections::HashMap::new();
    for &(i, func) in scopes.funcs.iter().filter(|(_, f)| f.kind() != "func_literal") {
        let src = &files[i].src;
        let Some(name) = syntax::function_name(func, src) else {
            continue;
        };
        let nodes = scopes.nodes(i, func);
        // Locals assigned from a handle-returning registration: name → "recv.Method".
        let mut handles: Vec<(&str, &str)> = Vec::new();
        for n in nodes
            .iter()
            .filter(|n| matches!(n.kind(), "short_var_declaration" | "assignment_statement"))
        {
            let names = syntax::assigned_names(*n, src);
            let Some(value) = syntax::assigned_values(*n).first().copied() else {
                continue;
            };
            let Some(c) = syntax::call(value) else { continue };
            let method = syntax::text(c.name, src);
            let registers = c.operand.is_some()
                && counterparts(method).is_some()
                && method_results.get(method).is_some_and(|r| is_handle_type(r));
            if registers
                && let (Some(first), Some(callee)) = (names.first(), c.node.child_by_field_name("function"))
            {
                handles.push((first, syntax::text(callee, src)));
            }
        }
        if handles.is_empty() {
            continue;
        }
        for ret in nodes.iter().filter(|n| n.kind() == "return_statement") {
            let values = ret
                .named_child(0)
                .map(|l| {
                    if l.kind() == "expression_list" {
                        syntax::named_children(l)
                    } else {
                        vec![l]
                    }
                })
                .unwrap_or_default();
            for (k, v) in values.iter().enumerate() {
                if let Some((_, what)) = handles.iter().find(|(h, _)| syntax::text(*v, src) == *h) {
                    out.entry(name.to_string()).or_insert((k, (*what).to_string()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_names_pair_with_their_removals() {
        assert_eq!(counterparts("Subscribe"), Some(vec!["Unsubscribe".to_string()]));
        assert_eq!(
            counterparts("RegisterHook"),
            Some(vec!["UnregisterHook".to_string(), "DeregisterHook".to_string()])
        );
        assert!(counterparts("AddListener").is_some_and(|c| c.contains(&"RemoveListener".to_string())));
        assert!(counterparts("On").is_some_and(|c| c.contains(&"Off".to_string())));
        // Not registrations: counters, builders, lookups.
        for name in [
            "Add",
            "AddInt",
            "Registered",
            "Once",
            "Online",
            "Subscriber",
            "Get",
        ] {
            assert_eq!(counterparts(name), None, "{name}");
        }
        assert!(!is_handle_type("error") && is_handle_type("func()") && is_handle_type("*watch"));
    }
}
