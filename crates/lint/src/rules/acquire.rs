//! Shared by the resource rules: where does the value returned by an acquiring
//! call go, and is it released on every path?

use tree_sitter::Node;

use crate::context::FileCtx;
use crate::finding::Finding;
use crate::flow::{self, Resource};
use crate::syntax::{self, unparen};

/// Where the result of an acquiring call ends up.
#[derive(Debug)]
pub enum Target<'t> {
    /// `x, err := acquire()` / `x, err = acquire()` / `var x = acquire()`: a local to track.
    Local {
        /// The statement.
        stmt: Node<'t>,
        /// The variable.
        var: String,
        /// The error variable, if any.
        err: Option<String>,
    },
    /// `acquire()` as a statement, or assigned to `_`: released by nobody.
    Discarded,
    /// Returned, stored in a field/map/package variable, passed on, chained:
    /// someone else owns it, or it is used inline.
    Elsewhere,
}

/// Classifies the result of the call `call` (the first result is the resource).
pub fn target<'t>(ctx: &FileCtx<'_>, call: Node<'t>) -> Target<'t> {
    let mut node = call;
    while let Some(p) = node.parent() {
        if p.kind() == "parenthesized_expression" {
            node = p;
        } else {
            break;
        }
    }
    let Some(parent) = node.parent() else {
        return Target::Elsewhere;
    };
    let (stmt, first_value) = match parent.kind() {
        "expression_statement" => return Target::Discarded,
        "expression_list" => match parent.parent() {
            Some(s)
                if matches!(
                    s.kind(),
                    "short_var_declaration" | "assignment_statement" | "var_spec"
                ) =>
            {
                let values = syntax::assigned_values(s);
                (s, values.first().is_some_and(|v| v.id() == node.id()))
            }
            _ => return Target::Elsewhere,
        },
        "short_var_declaration" | "assignment_statement" | "var_spec" => (parent, true),
        _ => return Target::Elsewhere,
    };
    if !first_value {
        return Target::Elsewhere;
    }
    if stmt.kind() == "assignment_statement"
        && stmt
            .child_by_field_name("operator")
            .is_some_and(|o| ctx.text(o) != "=")
    {
        return Target::Elsewhere;
    }
    let names = syntax::assigned_names(stmt, ctx.src());
    let Some(var) = names.first() else {
        return Target::Elsewhere;
    };
    if *var == "_" {
        return Target::Discarded;
    }
    let is_plain = var.chars().all(|c| c.is_alphanumeric() || c == '_');
    let global = stmt.kind() == "assignment_statement"
        && ctx.package.is_var(var)
        && !declared_in_function(ctx, stmt, var);
    if !is_plain || global || syntax::enclosing_function(stmt).is_none() {
        return Target::Elsewhere;
    }
    Target::Local {
        stmt,
        var: (*var).to_string(),
        err: names.get(1).map(|e| (*e).to_string()),
    }
}

fn declared_in_function(ctx: &FileCtx<'_>, at: Node<'_>, name: &str) -> bool {
    let Some(func) = syntax::enclosing_function(at) else {
        return false;
    };
    syntax::parameter_names(func, ctx.src()).contains(&name)
        || syntax::descendants(func).any(|n| {
            matches!(n.kind(), "short_var_declaration" | "var_spec")
                && syntax::assigned_names(n, ctx.src()).contains(&name)
        })
}

/// What a resource rule says about one acquisition.
pub struct Check<'a> {
    /// The rule id.
    pub rule: &'static str,
    /// What the call acquires, for the message ("file", "response body").
    pub noun: &'a str,
    /// How it is released, for the message ("closed", "ended").
    pub verb: &'a str,
    /// The call as written (`os.Open`), for the message.
    pub what: &'a str,
    /// Extra handles derived from the variable (`.Body` for responses).
    pub sub_handles: &'a [&'a str],
    /// Shown after the variable's name in messages (`.Body`: "`resp.Body` … is not closed").
    pub shown_suffix: &'a str,
    /// Methods that release it.
    pub release_methods: &'a [&'a str],
    /// Methods that release it when `for v.M() {` ends normally (`Next` for rows).
    pub loop_exit_releases: &'a [&'a str],
    /// Whether a goroutine that uses it takes it over (see `Resource::goroutine_capture_releases`).
    pub goroutine_owns: bool,
}

/// Tracks the result of `call` through its function and reports a leaking
/// path (or a discarded result) as one finding at the call.
pub fn check_acquisition(ctx: &FileCtx<'_>, call: Node<'_>, check: &Check<'_>, out: &mut Vec<Finding>) {
    match target(ctx, call) {
        Target::Elsewhere => {}
        Target::Discarded => out.push(ctx.finding(
            check.rule,
            call,
            format!(
                "the {} from {} is discarded, so it is never {}",
                check.noun, check.what, check.verb
            ),
        )),
        Target::Local { stmt, var, err } => {
            let Some(func) = syntax::enclosing_function(stmt) else {
                return;
            };
            let mut handles = vec![var.clone()];
            handles.extend(check.sub_handles.iter().map(|s| format!("{var}{s}")));
            let handles = flow::aliases(func, ctx.src(), &handles);
            let mut res = Resource::new(call, handles, check.release_methods).with_err(err.as_deref());
            res.loop_exit_releases = check.loop_exit_releases;
            res.goroutine_capture_releases = check.goroutine_owns;
            if let Some(leak) = flow::analyze(ctx, &res) {
                let at = stmt
                    .child_by_field_name("left")
                    .or(stmt.child_by_field_name("name"))
                    .unwrap_or(call);
                let at = if at.kind() == "expression_list" {
                    at.named_child(0).unwrap_or(at)
                } else {
                    at
                };
                out.push(ctx.finding(
                    check.rule,
                    unparen(at),
                    format!(
                        "{} `{var}{}` from {} is not {} {}",
                        check.noun,
                        check.shown_suffix,
                        check.what,
                        check.verb,
                        leak.describe()
                    ),
                ));
            }
        }
    }
}
