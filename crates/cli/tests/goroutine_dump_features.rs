//! Every header and block feature of a `debug=2` dump, read from a dump a Go
//! program writes while this test runs (tests/go/dumpfeatures): a goroutine
//! locked to its thread, pprof labels, ancestors, elided frames and goroutines
//! durably blocked in a synctest bubble. Needs Go on PATH.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

use leakscope_profile::Limits;
use leakscope_profile::goroutine::{DumpKind, Goroutine, GoroutineDump};
use leakscope_profile::goroutine_dump::parse_dump;

fn capture() -> (GoroutineDump, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("features.txt");
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/dumpfeatures");
    let status = Command::new("go")
        .args(["test", "-count=1", "-run", "TestDump", "."])
        .current_dir(&program)
        .env("DUMP_OUT", &out)
        .env("GODEBUG", "tracebackancestors=2,tracebacklabels=1")
        .status()
        .unwrap();
    assert!(status.success(), "go test in {}", program.display());
    let bytes = std::fs::read(&out).unwrap();
    let dump = parse_dump(&bytes, &Limits::default()).unwrap().unwrap();
    (dump, String::from_utf8(bytes).unwrap())
}

fn function_in(d: &GoroutineDump, g: &Goroutine, name: &str) -> bool {
    d.stack(g)
        .is_some_and(|s| d.stack_frames(s).any(|f| f.function.ends_with(name)))
}

#[test]
fn locked_labelled_ancestors_elided_and_synctest_bubbles() {
    let (d, text) = capture();
    assert_eq!(d.kind, DumpKind::Debug2);
    assert!(d.truncation.is_none());
    let headers = text
        .lines()
        .filter(|l| l.starts_with("goroutine ") && l.ends_with("]:"))
        .count();
    assert_eq!(d.goroutines.len(), headers, "every goroutine read");

    let locked: Vec<_> = d.goroutines.iter().filter(|g| g.flags.locked).collect();
    assert_eq!(locked.len(), 1);
    assert!(function_in(&d, locked[0], ".lockedWaiter"));
    assert_eq!(d.state(locked[0]), "chan receive");

    let labelled = d
        .goroutines
        .iter()
        .find(|g| function_in(&d, g, ".labelledWaiter"))
        .unwrap();
    let labels = &labelled.extra.as_ref().unwrap().labels;
    assert_eq!(
        labels,
        &[
            ("handler".into(), "lookup".into()),
            ("tenant".into(), "a\"b".into())
        ]
    );

    let child = d
        .goroutines
        .iter()
        .find(|g| function_in(&d, g, ".childWaiter"))
        .unwrap();
    let ancestors = &child.extra.as_ref().unwrap().ancestors;
    let spawner = ancestors
        .first()
        .expect("an [originating from goroutine N] section");
    assert_eq!(
        Some(spawner.id),
        child.creator_id,
        "the first ancestor is the creator"
    );
    assert!(
        spawner
            .frames
            .iter()
            .any(|&f| d.frame(f).unwrap().function.ends_with(".spawnChild"))
    );

    let deep = d.goroutines.iter().find(|g| function_in(&d, g, ".deep")).unwrap();
    let stack = d.stack(deep).unwrap();
    assert!(stack.elided > 0, "the runtime elides frames past 100");
    assert_eq!(stack.frames.len(), 100, "50 inner and 50 outer frames printed");

    let bubbled: Vec<_> = d.goroutines.iter().filter(|g| g.bubble.is_some()).collect();
    assert!(
        bubbled.len() >= 4,
        "the test goroutine, synctest.Run and three blocked ones"
    );
    let durable_receivers = bubbled
        .iter()
        .filter(|g| g.flags.durable && d.state(g) == "chan receive")
        .count();
    assert!(
        durable_receivers >= 3,
        "'chan receive (durable)' read as a durable chan receive"
    );
    assert!(bubbled.iter().all(|g| g.bubble == bubbled[0].bubble));
}
