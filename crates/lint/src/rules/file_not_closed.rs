//! `file-not-closed`: files, listeners and connections opened and not closed
//! on every path.

use super::Rule;
use super::acquire::{Check, check_acquisition};
use crate::context::FileCtx;
use crate::finding::Finding;
use crate::syntax;

/// The rule; its doc is `leakscope_rules` `docs/file-not-closed.md`.
pub struct FileNotClosed;

const ID: &str = "file-not-closed";

const OS_OPEN: &[&str] = &["Open", "Create", "OpenFile", "CreateTemp", "OpenInRoot"];
const NET_OPEN: &[&str] = &[
    "Dial",
    "DialTimeout",
    "DialTCP",
    "DialUDP",
    "DialUnix",
    "DialIP",
    "Listen",
    "ListenTCP",
    "ListenUDP",
    "ListenUnix",
    "ListenPacket",
    "ListenIP",
    "ListenUnixgram",
    "ListenMulticastUDP",
];
const TLS_OPEN: &[&str] = &["Dial", "DialWithDialer", "Listen"];

impl Rule for FileNotClosed {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, ctx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let f = ctx.file;
        let has_net = f.imports_path("net");
        if !f.imports_path("os") && !has_net && !f.imports_path("crypto/tls") {
            return;
        }
        for call in ctx.nodes_of_kind("call_expression") {
            let (noun, what) = if let Some(name) = f.pkg_call(call, "os", OS_OPEN) {
                ("file", format!("os.{name}"))
            } else if let Some(name) = f.pkg_call(call, "net", NET_OPEN) {
                (
                    if name.starts_with("Listen") {
                        "listener"
                    } else {
                        "connection"
                    },
                    format!("net.{name}"),
                )
            } else if let Some(name) = f.pkg_call(call, "crypto/tls", TLS_OPEN) {
                (
                    if name == "Listen" {
                        "listener"
                    } else {
                        "connection"
                    },
                    format!("tls.{name}"),
                )
            } else if let Some(what) = method_acquisition(ctx, call, has_net) {
                ("connection", what)
            } else if let Some(what) = owner_constructor(ctx, call) {
                ("value owning a file", what)
            } else {
                continue;
            };
            let check = Check {
                rule: ID,
                noun,
                verb: "closed",
                what: &what,
                sub_handles: &[],
                shown_suffix: "",
                release_methods: &["Close"],
                loop_exit_releases: &[],
                goroutine_owns: true,
            };
            check_acquisition(ctx, call, &check, out);
        }
    }
}

/// A call of the package's own function or method that opens a file (or
/// connection) and returns a type with a `Close` method: the caller owns it.
fn owner_constructor(ctx: &FileCtx<'_>, call: tree_sitter::Node<'_>) -> Option<String> {
    let c = syntax::call(call)?;
    if c.operand
        .is_some_and(|o| o.kind() == "identifier" && ctx.file.imports.contains_key(ctx.text(o)))
    {
        return None;
    }
    let name = ctx.text(c.name);
    let facts = ctx.package.funcs.get(name)?;
    let ty = facts.result.as_deref()?;
    if !facts.opens_file || !ctx.package.has_method(ty, "Close") {
        return None;
    }
    let inside = syntax::enclosing_function(call).and_then(|f| syntax::function_name(f, ctx.src()));
    let callee = c.node.child_by_field_name("function")?;
    (inside != Some(name)).then(|| ctx.text(callee).to_string())
}

/// `d.Dial(...)`/`d.DialContext(...)` on something named like a dialer, and
/// `ln.Accept()` in a file that imports "net".
fn method_acquisition(ctx: &FileCtx<'_>, call: tree_sitter::Node<'_>, has_net: bool) -> Option<String> {
    let c = syntax::call(call)?;
    let operand = ctx.text(c.operand?);
    let name = ctx.text(c.name);
    let dialer = operand.to_ascii_lowercase().contains("dialer") || operand.contains("net.Dialer{");
    match name {
        "Dial" | "DialContext" if dialer && has_net => Some(format!("{operand}.{name}")),
        "Accept" if has_net && c.args.is_empty() => Some(format!("{operand}.Accept")),
        _ => None,
    }
}
