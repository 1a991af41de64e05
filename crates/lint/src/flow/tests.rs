//! Path-walk tests on small real Go functions.

use super::*;
use crate::config::Config;
use crate::package::PackageFacts;
use crate::source::{SourceFile, go_parser};

/// Tracks `f` from the first `os.Open` call in `body` and returns the leak.
fn leak_of(body: &str) -> Option<Leak> {
    let src = format!("package p\n\nimport \"os\"\n\nfunc g(p string) error {{\n{body}\n}}\n");
    let file = SourceFile::parse(&mut go_parser(), "t.go".into(), src).unwrap();
    let facts = PackageFacts::build(&[&file]);
    let config = Config::default();
    let files = [&file];
    let ctx = FileCtx {
        file: &file,
        package: &facts,
        config: &config,
        go_version: None,
        godebug: &[],
        package_files: &files,
        all_nodes: &[],
    };
    let call = descendants(ctx.root())
        .find(|n| n.kind() == "call_expression" && ctx.text(*n).starts_with("os.Open"))
        .unwrap();
    let func = crate::syntax::enclosing_function(call).unwrap();
    let handles = aliases(func, ctx.src(), &["f".to_string()]);
    let res = Resource::new(call, handles, &["Close"]).with_err(Some("err"));
    analyze(&ctx, &res)
}

fn line(body: &str, kind: LeakKind) -> Option<Leak> {
    // body starts at line 6 of the generated file
    let at = body.lines().position(|l| l.contains("// leak")).map(|i| i + 6)?;
    Some(Leak {
        kind,
        line: at,
        col: 0,
    })
}

#[test]
fn defer_close_is_clean() {
    assert_eq!(
        leak_of("f, err := os.Open(p)\nif err != nil { return err }\ndefer f.Close()\nreturn nil"),
        None
    );
}

#[test]
fn early_return_after_err_is_reassigned_leaks() {
    let body = "f, err := os.Open(p)\nif err != nil { return err }\n_, err = f.Stat()\nif err != nil {\nreturn err // leak\n}\nreturn f.Close()";
    assert_eq!(
        leak_of(body).map(|l| (l.kind, l.line)),
        line(body, LeakKind::Return).map(|l| (l.kind, l.line))
    );
}

#[test]
fn closed_on_both_branches_is_clean() {
    let body = "f, err := os.Open(p)\nif err != nil { return err }\nif p == \"\" {\nf.Close()\nreturn nil\n} else {\n_ = f.Close()\n}\nreturn nil";
    assert_eq!(leak_of(body), None);
}

#[test]
fn closed_on_one_branch_leaks_at_end() {
    let body = "f, err := os.Open(p)\nif err != nil { return err }\nif p == \"\" {\nf.Close()\n}\nreturn nil // leak";
    assert_eq!(
        leak_of(body).map(|l| (l.kind, l.line)),
        line(body, LeakKind::Return).map(|l| (l.kind, l.line))
    );
}

#[test]
fn returned_and_stored_are_hand_offs() {
    assert_eq!(
        leak_of("f, err := os.Open(p)\nif err != nil { return err }\nholder.f = f\nreturn nil"),
        None
    );
    assert_eq!(
        leak_of("f, err := os.Open(p)\n_ = err\ngo consume(f)\nreturn nil"),
        None
    );
    assert_eq!(
        leak_of("f, _ := os.Open(p)\ndefer func() { _ = f.Close() }()\nreturn nil"),
        None
    );
    assert_eq!(
        leak_of("f, _ := os.Open(p)\ndefer closeQuietly(f)\nreturn nil"),
        None
    );
}

#[test]
fn loop_iteration_without_close_leaks() {
    let body = "for _, n := range []string{p} {\nf, err := os.Open(n)\nif err != nil { continue }\n_ = f\n} // leak\nreturn nil";
    let leak = leak_of(body).unwrap();
    assert_eq!(leak.kind, LeakKind::LoopIteration);
}

#[test]
fn panic_and_fatal_paths_do_not_leak() {
    assert_eq!(
        leak_of(
            "f, err := os.Open(p)\nif err != nil { return err }\nif p == \"x\" { panic(p) }\nreturn f.Close()"
        ),
        None
    );
}

#[test]
fn break_inside_select_does_not_leave_the_loop() {
    let body = "f, _ := os.Open(p)\nfor {\nselect {\ndefault:\nbreak\n}\nif p != \"\" { break }\n}\nreturn nil // leak";
    assert_eq!(
        leak_of(body).map(|l| (l.kind, l.line)),
        line(body, LeakKind::Return).map(|l| (l.kind, l.line))
    );
}

#[test]
fn ownership_words() {
    assert!(name_says_ownership("closeBody"));
    assert!(name_says_ownership("drainAndClose"));
    assert!(name_says_ownership("TakeOwnership"));
    assert!(!name_says_ownership("download"));
    assert!(!name_says_ownership("process"));
}
