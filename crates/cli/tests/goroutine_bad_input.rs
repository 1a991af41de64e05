//! Broken, hostile and oversized goroutine and metric inputs: each gives exit
//! code 2 and one line `leakscope: FILE: problem` on stderr — never a panic or
//! a hang. A dump cut short the way the runtime cuts it is not an error: it is
//! read, with a warning. The inputs are real pages and dumps captured from a
//! corpus program by this test, then cut, corrupted or inflated.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use leakscope_harness::{Mode, Service};

/// debug=1, debug=2, /metrics and /debug/vars of a program with leaked goroutines.
struct Captured {
    debug1: Vec<u8>,
    debug2: Vec<u8>,
    metrics: Vec<u8>,
    vars: Vec<u8>,
}

fn captured() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let svc = Service::start("goroutine-chan-blocked", Mode::Leaky, &["--rate=50"]).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(1));
        Captured {
            debug1: svc.get("/debug/pprof/goroutine?debug=1").unwrap(),
            debug2: svc.get("/debug/pprof/goroutine?debug=2").unwrap(),
            metrics: svc.get("/metrics").unwrap(),
            vars: svc.get("/debug/vars").unwrap(),
        }
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_leakscope"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `analyze FILE` must fail with exit 2 and one line naming the file and containing `needle`.
fn rejects(file: &Path, extra: &[&str], needle: &str) {
    let path = file.display().to_string();
    let mut args = vec!["analyze", path.as_str()];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{path}: exit code; stderr: {err}");
    assert_eq!(err.lines().count(), 1, "{path}: one line expected: {err}");
    assert!(err.starts_with(&format!("leakscope: {path}: ")), "{err}");
    assert!(err.contains(needle), "{path}: {needle:?} not in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn broken_goroutine_profiles_and_pages_are_one_line_errors() {
    let c = captured();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cut = &c.debug1[..c.debug1.len() / 2];
    rejects(
        &write(d, "cut.debug1.txt", cut),
        &[],
        "malformed goroutine profile (debug=1)",
    );
    let mut bad = c.debug1.clone();
    let at = bad.len() / 2;
    bad[at] = 0xff;
    rejects(&write(d, "utf8.debug1.txt", &bad), &[], "UTF-8");
    let mut page = c.metrics.clone();
    let at = page.len() / 2;
    page.splice(at..at, b"\nbroken{label=\"unterminated} 1\n".iter().copied());
    rejects(
        &write(d, "broken.metrics.txt", &page),
        &[],
        "malformed Prometheus text exposition: line",
    );
    rejects(
        &write(d, "cut.vars.json", &c.vars[..c.vars.len() / 2]),
        &[],
        "malformed expvar JSON",
    );
}

#[test]
fn hostile_and_oversized_inputs_are_refused() {
    let c = captured();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A goroutine 20,000 frames deep, made of the dump's own frame lines.
    let text = String::from_utf8(c.debug2.clone()).unwrap();
    let frame = text.lines().skip(1).take(2).collect::<Vec<_>>().join("\n") + "\n";
    let deep = format!("goroutine 1 [chan receive]:\n{}\n", frame.repeat(20_000));
    rejects(
        &write(d, "deep.txt", deep.as_bytes()),
        &[],
        "more than 10000 frames in one goroutine",
    );
    // Larger than the size limit: refused while streaming.
    let limit = (c.debug2.len() / 2).to_string();
    rejects(
        &write(d, "big.txt", &c.debug2),
        &["--max-input-size", &limit],
        "--max-input-size",
    );
    // A header that never ends, and pseudo-random bytes: not any format.
    let endless = [b"goroutine 1 [".as_slice(), &vec![b'x'; 8 << 20]].concat();
    rejects(&write(d, "endless.txt", &endless), &[], "unrecognized format");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    rejects(&write(d, "noise.bin", &noise), &[], "unrecognized format");
}

#[test]
fn a_dump_cut_like_the_runtime_cuts_it_is_read_with_a_warning() {
    let c = captured();
    let dir = tempfile::tempdir().unwrap();
    // Cut in the middle of the last goroutine's frame lines.
    let text = &c.debug2[..c.debug2.len() - 20];
    let file = write(dir.path(), "cut.debug2.txt", text);
    let (code, out, err) = run(&["analyze", &file.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("WARNING: the dump was cut short"), "{out}");
    let (code, out, _) = run(&["analyze", "--format", "json", &file.display().to_string()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["files"][0]["truncated"].as_str().unwrap().contains("debug=0"),
        "{v}"
    );
}
