//! Metric formats read from what a running corpus program serves and prints:
//! its `/metrics` page (client_golang), its `/debug/vars` (expvar) and its
//! `GODEBUG=gctrace=1` stderr, checked against the program's own goroutine
//! profile, `/proc` and MemStats at the same moment. Needs Go on PATH.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

#[allow(dead_code)]
mod pprof_support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use leakscope_harness::{Mode, Service, build};
use leakscope_profile::Limits;
use leakscope_profile::count_profile_text::parse_count_profile;
use leakscope_profile::input::{Input, parse};
use leakscope_profile::runtime_figures::Metrics;
use pprof_support::leakscope_json;

fn metrics(bytes: &[u8]) -> Metrics {
    match parse(bytes, &Limits::default()).unwrap() {
        Input::Metrics(m) => *m,
        _ => panic!("not metrics: {:.200}", String::from_utf8_lossy(bytes)),
    }
}

fn go_version() -> String {
    let out = Command::new("go").args(["env", "GOVERSION"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn prometheus_and_expvar_pages_match_the_process() {
    let svc = Service::start("goroutine-chan-blocked", Mode::Fixed, &["--rate=0.001"]).unwrap();
    sleep(Duration::from_millis(300));
    let page = svc.get("/metrics").unwrap();
    let fds = std::fs::read_dir(format!("/proc/{}/fd", svc.pid()))
        .unwrap()
        .count() as f64;
    let goroutines = svc.get("/debug/pprof/goroutine?debug=1").unwrap();
    let goroutines = parse_count_profile(&goroutines, &Limits::default())
        .unwrap()
        .unwrap()
        .total as f64;
    let Metrics::Prometheus(p) = metrics(&page) else {
        panic!("not Prometheus")
    };
    // Every sample line of the page is read (counted independently of the parser).
    let text = String::from_utf8(page.clone()).unwrap();
    let lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    assert_eq!(p.samples.len(), lines);
    assert_eq!(p.type_of("go_gc_duration_seconds"), Some("summary"));
    let f = Metrics::Prometheus(p).figures();
    assert_eq!(f.go_version.as_deref(), Some(go_version().as_str()));
    // runtime.NumGoroutine also counts the idle finalizer/cleanup goroutines the
    // profile leaves out, and each request brings a connection goroutine.
    let g = f.goroutines.unwrap();
    assert!(
        (g - goroutines).abs() <= 4.0,
        "go_goroutines {g} vs goroutine profile {goroutines}"
    );
    assert_eq!(
        g,
        text.lines()
            .find_map(|l| l.strip_prefix("go_goroutines "))
            .unwrap()
            .parse::<f64>()
            .unwrap()
    );
    let open = f.open_fds.unwrap();
    assert!(
        (open - fds).abs() <= 2.0,
        "process_open_fds {open} vs /proc fd {fds}"
    );
    assert!(f.heap_alloc_bytes.unwrap() > 0.0 && f.resident_bytes.unwrap() > 0.0);

    let vars = svc.get("/debug/vars").unwrap();
    let Metrics::Expvar(e) = metrics(&vars) else {
        panic!("not expvar")
    };
    assert!(
        e.cmdline[0].ends_with("goroutine-chan-blocked"),
        "{:?}",
        e.cmdline
    );
    let f = Metrics::Expvar(e).figures();
    assert!(f.heap_alloc_bytes.unwrap() > 0.0 && f.runtime_sys_bytes.unwrap() > f.heap_alloc_bytes.unwrap());

    // The CLI reports both.
    let dir = tempfile::tempdir().unwrap();
    let (m, v) = (dir.path().join("metrics.txt"), dir.path().join("vars.json"));
    std::fs::write(&m, &page).unwrap();
    std::fs::write(&v, &vars).unwrap();
    let out = leakscope_json(&[
        "analyze",
        "--format",
        "json",
        &m.display().to_string(),
        &v.display().to_string(),
    ]);
    assert_eq!(out["files"][0]["kind"], "metrics");
    assert_eq!(out["files"][0]["format"], "prometheus");
    assert_eq!(out["files"][0]["figures"]["goroutines"].as_f64(), Some(g));
    assert_eq!(out["files"][1]["format"], "expvar");
}

#[test]
fn gctrace_of_a_real_program_counts_every_cycle_and_every_forced_gc() {
    let bin = build("goroutine-chan-blocked").unwrap();
    let mut child = Command::new(&bin)
        .args(["--addr=127.0.0.1:0", "--mode=fixed", "--rate=0.001"])
        .env("GODEBUG", "gctrace=1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().strip_prefix("listening on ").unwrap().to_string();
    let get = |path: &str| {
        let out = Command::new("curl")
            .args(["-s", &format!("http://{addr}{path}")])
            .output()
            .unwrap();
        out.stdout
    };
    const FORCED: usize = 3;
    for _ in 0..FORCED {
        get("/debug/pprof/heap?gc=1");
    }
    let Metrics::Expvar(vars) = metrics(&get("/debug/vars")) else {
        panic!("not expvar")
    };
    // SIGTERM: the program shuts down and closes stderr.
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let mut stderr = Vec::new();
    child.stderr.take().unwrap().read_to_end(&mut stderr).unwrap();
    let _ = child.wait();

    let Metrics::GcTrace(t) = metrics(&stderr) else {
        panic!("not gctrace")
    };
    assert_eq!(t.unreadable, 0);
    let numbers: Vec<u64> = t.cycles.iter().map(|c| c.number).collect();
    let expected: Vec<u64> = (1..=numbers.len() as u64).collect();
    assert_eq!(numbers, expected, "every cycle, in order");
    let num_gc = vars.memstat("NumGC").unwrap() as u64;
    assert!(
        numbers.len() as u64 >= num_gc,
        "{} cycles printed, NumGC {num_gc}",
        numbers.len()
    );
    let forced = t.cycles.iter().filter(|c| c.forced).count();
    assert_eq!(forced, FORCED);
    assert_eq!(vars.memstat("NumForcedGC"), Some(FORCED as f64));
    assert!(
        t.cycles
            .iter()
            .all(|c| c.heap_start_mb >= c.live_mb && c.goal_mb > 0 && c.procs > 0)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("stderr.log");
    std::fs::write(&file, &stderr).unwrap();
    let out = leakscope_json(&["analyze", "--format", "json", &file.display().to_string()]);
    assert_eq!(out["files"][0]["format"], "gctrace");
    assert_eq!(
        out["files"][0]["live_heap"]["cycles"].as_u64(),
        Some(numbers.len() as u64)
    );
    assert_eq!(
        out["files"][0]["live_heap"]["forced"].as_u64(),
        Some(FORCED as u64)
    );
}
