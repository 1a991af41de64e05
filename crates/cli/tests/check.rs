//! End-to-end: `leakscope check` against real corpus services.
//!
//! Each test starts a corpus program with the harness, runs the real binary
//! against it for a short window, and checks the verdict, the rule, and that
//! the reported source line is the leaking statement (read from the file the
//! finding names, so a wrong line fails even if the function is right).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use assert_cmd::Command;
use leakscope_harness::{Mode, Service};
use serde_json::Value;

/// Runs `check` for a short window and returns (exit code, JSON report).
fn check(svc: &Service, window: &str) -> (i32, Value) {
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args([
            "check",
            &svc.url(),
            "--for",
            window,
            "--every",
            "2s",
            "--format",
            "json",
        ])
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}); stderr: {}", String::from_utf8_lossy(&out.stderr)));
    (code, report)
}

/// Asserts a leak verdict whose top finding is `rule`, located in `function`
/// at a line whose text contains `line_has`.
fn assert_leak(program: &str, rule: &str, function: &str, line_has: &str) {
    let svc = Service::start(program, Mode::Leaky, &[]).unwrap();
    // Longer than the healthy checks: on a loaded CI machine a starved service leaks unevenly.
    let (code, report) = check(&svc, "32s");
    assert_eq!(report["verdict"], "leak", "{program}: {report:#}");
    assert_eq!(code, 1, "exit code for a leak");
    let top = &report["findings"][0];
    assert_eq!(top["rule"], rule, "{program}: {report:#}");
    let loc = &top["location"];
    let func = loc["function"].as_str().unwrap_or_default();
    assert!(func.contains(function), "{program}: location {loc}");
    let file = loc["file"].as_str().unwrap();
    assert!(
        file.ends_with(&format!("cmd/{program}/main.go")),
        "{program}: file {file}"
    );
    let line = loc["line"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(file).unwrap();
    let at = text.lines().nth(line - 1).unwrap_or_default();
    assert!(
        at.contains(line_has),
        "{program}: line {line} is {at:?}, want one containing {line_has:?}"
    );
    let evidence = top["evidence"]["facts"].as_array().unwrap();
    assert!(!evidence.is_empty(), "a finding shows its evidence");
    assert!(top["rate"]["per_minute"].as_f64().unwrap() > 0.0);
    assert!(report["samples"].as_u64().unwrap() >= 6);
}

fn assert_not_leak(program: &str, mode: Mode) {
    let svc = Service::start(program, mode, &[]).unwrap();
    let (code, report) = check(&svc, "24s");
    assert_ne!(
        report["verdict"], "leak",
        "{program} ({mode:?}) is healthy: {report:#}"
    );
    assert_eq!(code, 0);
}

#[test]
fn goroutine_blocked_on_a_channel_send() {
    assert_leak(
        "goroutine-chan-blocked",
        "goroutine-chan-blocked",
        "lookupHandler",
        "results <-",
    );
}

#[test]
fn goroutine_waiting_on_a_context_nobody_cancels() {
    assert_leak(
        "goroutine-ctx-never-cancelled",
        "goroutine-ctx-never-cancelled",
        "watch",
        ".Done()",
    );
}

#[test]
fn http_body_never_closed() {
    assert_leak(
        "http-body-not-closed",
        "http-body-not-closed",
        "lookupPrice",
        "feedClient.Get",
    );
}

#[test]
fn global_slice_keeps_every_batch() {
    assert_leak("global-retains", "global-retains", "handleIngest", "keepBatch(");
}

#[test]
fn ticker_never_stopped() {
    assert_leak(
        "ticker-not-stopped",
        "ticker-not-stopped",
        "runJob",
        "time.NewTicker",
    );
}

#[test]
fn fixed_twin_is_healthy() {
    assert_not_leak("http-body-not-closed", Mode::Fixed);
}

#[test]
fn controls_are_not_leaks() {
    // Noisy mode of each control: the version a naive detector would flag.
    std::thread::scope(|s| {
        for program in [
            "worker-pool",
            "bounded-cache",
            "pool-hangover",
            "bursty-sawtooth",
            "slow-warmup",
        ] {
            s.spawn(move || assert_not_leak(program, Mode::Leaky));
        }
    });
}

#[test]
fn pool_memory_is_a_hangover() {
    let svc = Service::start("pool-hangover", Mode::Leaky, &[]).unwrap();
    let (code, report) = check(&svc, "16s");
    assert_eq!(report["verdict"], "hangover", "{report:#}");
    assert_eq!(code, 0, "a hangover is not a leak");
    assert_eq!(report["findings"][0]["rule"], "pool-hangover");
}

#[test]
fn unreachable_target_exits_3() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args([
            "check",
            &format!("http://127.0.0.1:{port}"),
            "--for",
            "6s",
            "--every",
            "1s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unreachable") && err.lines().count() == 1, "{err}");
}

/// A server that answers every request with `answer`, or never answers when `None`.
fn fake_server(answer: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            match answer {
                Some(body) => {
                    let _ = write!(
                        conn,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                None => held.push(conn),
            }
        }
    });
    format!("http://{addr}")
}

#[test]
fn garbage_endpoint_is_a_clear_error() {
    let url = fake_server(Some("<html><script>alert(1)</script>not pprof</html>"));
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args(["check", &url, "--for", "6s", "--every", "1s"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not with Go profiles") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn hanging_endpoint_times_out() {
    let url = fake_server(None);
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args(["check", &url, "--for", "6s", "--every", "1s", "--timeout", "1s"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_arguments_exit_2() {
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args(["check", "http://x", "--every", "0s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::cargo_bin("leakscope")
        .unwrap()
        .args(["check", "ftp://x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an http:// URL"));
}
