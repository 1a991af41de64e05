//! Goroutine formats read from dumps this test captures itself from corpus
//! programs: `debug=1`, `debug=2` and the `debug=0` proto of the same quiet
//! moment must count the same goroutines per group as `go tool pprof` does;
//! a real SIGQUIT traceback (GOTRACEBACK=all) and a `goroutineleak?debug=2`
//! dump (GOEXPERIMENT=goroutineleakprofile) must show the leaked goroutines.
//!
//! The service's own load generator is slowed to one tick per 1000 s and the
//! test sends the leaking requests itself, so the goroutine set is still
//! between captures. Needs Go on PATH.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failed unwrap is a failed test

#[allow(dead_code)]
mod pprof_support;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use leakscope_harness::{Mode, Service, build, build_with_env};
use leakscope_profile::Limits;
use leakscope_profile::count_profile_text::parse_count_profile;
use leakscope_profile::goroutine::{DumpKind, GoroutineDump};
use leakscope_profile::goroutine_dump::parse_dump;
use leakscope_profile::goroutine_group::{
    GoroutineGroup, GoroutineGroups, GroupOptions, GroupSource, count_profile_from_proto, group_counts,
    group_dump,
};
use leakscope_profile::input::{Input, parse};
use pprof_support::{leakscope_json, pprof_top};

/// Leaking requests the test sends.
const LEAKS: u64 = 40;
/// The source file of goroutine-chan-blocked: only its abandoned workers block there
/// (its function names change with inlining, so the file identifies them).
const LEAKING_FILE: &str = "cmd/goroutine-chan-blocked/main.go";
/// The line of its worker's blocking send.
const SEND_LINE: u32 = 39;

/// Sends the requests whose workers leak (each answers 504 after 5 ms) and
/// returns how many workers leaked once every one has settled. A heavily
/// loaded machine can run the handler after the worker's result is ready, and
/// then that request does not leak, so the number is counted, not assumed.
fn leak(addr: &str) -> u64 {
    let get = |path: &str| {
        Command::new("curl")
            .args(["-s", &format!("http://{addr}{path}")])
            .output()
            .unwrap()
            .stdout
    };
    for i in 0..LEAKS {
        get(&format!("/lookup?key={i}"));
    }
    let mut previous = None;
    for _ in 0..100 {
        sleep(Duration::from_millis(100));
        let text = get("/debug/pprof/goroutine?debug=1");
        let Ok(Some(counts)) = parse_count_profile(&text, &Limits::default()) else {
            continue;
        };
        let groups = group_counts(&counts, GroupSource::Debug1, &GroupOptions::default());
        let in_program: Vec<_> = groups
            .groups
            .iter()
            .filter(|g| g.blocking.file.ends_with(LEAKING_FILE))
            .collect();
        let settled = in_program.iter().all(|g| g.blocking.line == SEND_LINE);
        let blocked: u64 = in_program.iter().map(|g| g.count).sum();
        if settled && previous == Some(blocked) {
            assert!(
                blocked >= LEAKS / 2,
                "only {blocked} of {LEAKS} requests leaked a worker"
            );
            return blocked;
        }
        previous = settled.then_some(blocked);
    }
    panic!("the leaked workers never settled");
}

fn dump(bytes: &[u8]) -> GoroutineDump {
    parse_dump(bytes, &Limits::default())
        .unwrap()
        .expect("a goroutine dump")
}

fn proto_groups(bytes: &[u8]) -> GoroutineGroups {
    let Input::Profile { profile, .. } = parse(bytes, &Limits::default()).unwrap() else {
        panic!("not a profile")
    };
    group_counts(
        &count_profile_from_proto(&profile).unwrap(),
        GroupSource::Proto,
        &GroupOptions::default(),
    )
}

/// Members of the groups blocked in the program's own file.
fn leaked_workers(groups: &GoroutineGroups) -> u64 {
    groups
        .groups
        .iter()
        .filter(|g| g.blocking.file.ends_with(LEAKING_FILE))
        .map(|g| g.count)
        .sum()
}

fn leak_group(groups: &GoroutineGroups) -> &GoroutineGroup {
    groups
        .groups
        .iter()
        .find(|g| g.blocking.file.ends_with(LEAKING_FILE))
        .expect("a group of leaked workers")
}

/// GETs the paths over one kept-alive connection, so the same goroutine serves
/// every capture and no connection goroutine comes or goes in between.
fn capture_on_one_connection(addr: &str, dir: &Path, paths: [&str; 4]) -> [Vec<u8>; 4] {
    let mut args = vec!["-s".to_string()];
    for (i, p) in paths.iter().enumerate() {
        args.extend([
            format!("http://{addr}{p}"),
            "-o".into(),
            dir.join(format!("capture{i}")).display().to_string(),
        ]);
    }
    assert!(Command::new("curl").args(&args).status().unwrap().success());
    std::array::from_fn(|i| std::fs::read(dir.join(format!("capture{i}"))).unwrap())
}

#[test]
fn debug0_debug1_debug2_of_one_quiet_moment_agree_with_go_tool_pprof() {
    let svc = Service::start("goroutine-chan-blocked", Mode::Leaky, &["--rate=0.001"]).unwrap();
    let leaks = leak(svc.addr());
    let dir = tempfile::tempdir().unwrap();
    // Retry until two protos around the text captures agree: nothing moved in between.
    let mut last = String::new();
    for attempt in 0..20 {
        let [before, debug1, debug2, after] = capture_on_one_connection(
            svc.addr(),
            dir.path(),
            [
                "/debug/pprof/goroutine",
                "/debug/pprof/goroutine?debug=1",
                "/debug/pprof/goroutine?debug=2",
                "/debug/pprof/goroutine",
            ],
        );
        let (b, a) = (proto_groups(&before), proto_groups(&after));
        if b.total != a.total || b.groups.len() != a.groups.len() {
            last = format!("attempt {attempt}: goroutines moved ({} -> {})", b.total, a.total);
            eprintln!("{last}");
            sleep(Duration::from_millis(200));
            continue;
        }
        let counts = parse_count_profile(&debug1, &Limits::default()).unwrap().unwrap();
        let d1 = group_counts(&counts, GroupSource::Debug1, &GroupOptions::default());
        let d2 = dump(&debug2);
        assert_eq!(d2.kind, DumpKind::Debug2);
        assert!(d2.truncation.is_none());
        let g2 = group_dump(&d2, &GroupOptions::default());
        // Each capture counts the goroutine serving it, so the totals are equal.
        assert_eq!(counts.total, b.total, "debug=1 total vs proto");
        assert_eq!(d2.goroutines.len() as u64, b.total, "debug=2 goroutines vs proto");
        for (name, g) in [("proto", &b), ("debug=1", &d1), ("debug=2", &g2)] {
            assert_eq!(leaked_workers(g), leaks, "{name}: leaked workers");
        }
        let leaked = leak_group(&g2);
        assert_eq!((leaked.count, leaked.wait.as_deref()), (leaks, Some("chan send")));
        assert!(leaked.creation_is_go_statement && leaked.creation.file.ends_with(LEAKING_FILE));
        assert_eq!(leaked.ids.len() as u64, leaks);
        assert_eq!(
            leak_group(&b).wait.as_deref(),
            Some("chan send"),
            "inferred from runtime.chansend"
        );

        // go tool pprof -top on the proto: every user function's cum equals
        // the goroutines whose debug=2 stack holds it.
        let file = dir.path().join("goroutine.pb.gz");
        std::fs::write(&file, &before).unwrap();
        let top = pprof_top(&[file.display().to_string()]);
        assert_eq!(top.total as u64, d2.goroutines.len() as u64, "pprof total");
        let mut compared = 0;
        let mut moved = Vec::new();
        for (name, (_, cum)) in &top.rows {
            // Runtime frames are hidden in debug=2; the goroutine serving each capture runs different profile code.
            let skip = [
                "runtime.",
                "internal/runtime/",
                "runtime/pprof.",
                "net/http/pprof.",
            ];
            if skip.iter().any(|p| name.starts_with(p)) || name.contains(' ') {
                continue;
            }
            let ours = d2
                .goroutines
                .iter()
                .filter(|g| {
                    d2.stack(g)
                        .is_some_and(|s| d2.stack_frames(s).any(|f| &f.function == name))
                })
                .count() as i64;
            if ours != *cum {
                moved.push(format!("{name}: debug=2 {ours}, go tool pprof -top cum {cum}"));
            }
            compared += 1;
        }
        // The server's connection goroutines (background reads) may change between two captures.
        if !moved.is_empty() {
            last = format!("attempt {attempt}: a goroutine moved between captures: {moved:?}");
            eprintln!("{last}");
            sleep(Duration::from_millis(200));
            continue;
        }
        assert!(compared >= 5, "too few functions compared: {compared}");

        // The CLI says the same, in JSON, for the text formats.
        let f1 = dir.path().join("goroutine.debug1.txt");
        let f2 = dir.path().join("goroutine.debug2.txt");
        std::fs::write(&f1, &debug1).unwrap();
        std::fs::write(&f2, &debug2).unwrap();
        let v = leakscope_json(&[
            "analyze",
            "--format",
            "json",
            &f1.display().to_string(),
            &f2.display().to_string(),
        ]);
        assert_eq!(v["files"][0]["kind"], "goroutines");
        assert_eq!(v["files"][0]["totals"]["goroutine"].as_u64(), Some(b.total));
        assert_eq!(v["files"][1]["totals"]["goroutine"].as_u64(), Some(b.total));
        let v = leakscope_json(&[
            "diff",
            "--format",
            "json",
            &f1.display().to_string(),
            &f2.display().to_string(),
        ]);
        assert_eq!(v["matched_on"], "entry_and_blocking");
        return;
    }
    panic!("the service never held still for two captures; last: {last}");
}

/// A corpus program run directly, so its stderr can be read; killed on drop.
struct Proc(Child, String);

impl Proc {
    fn start(bin: &Path, env: &[(&str, &str)]) -> Proc {
        let mut child = Command::new(bin)
            .args(["--addr=127.0.0.1:0", "--mode=leaky", "--rate=0.001"])
            .envs(env.iter().copied())
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
        Proc(child, addr)
    }

    /// Signals the program and returns everything it wrote to stderr until it exited.
    fn signal_and_read_stderr(mut self, signal: &str) -> Vec<u8> {
        let status = Command::new("kill")
            .args([signal, &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let mut err = Vec::new();
        self.0.stderr.take().unwrap().read_to_end(&mut err).unwrap();
        let _ = self.0.wait();
        err
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_real_sigquit_traceback_shows_every_leaked_worker() {
    let bin = build("goroutine-chan-blocked").unwrap();
    let proc = Proc::start(&bin, &[("GOTRACEBACK", "all")]);
    let leaks = leak(&proc.1);
    let stderr = proc.signal_and_read_stderr("-QUIT");
    let text = String::from_utf8_lossy(&stderr);
    assert!(text.starts_with("SIGQUIT: quit"), "{:.200}", text);
    let d = dump(&stderr);
    assert_eq!(d.kind, DumpKind::Traceback);
    assert!(
        d.other_lines > 0,
        "the SIGQUIT/PC lines around the dump are log text"
    );
    let g = group_dump(&d, &GroupOptions::default());
    assert_eq!(g.source, GroupSource::Traceback);
    assert_eq!(leaked_workers(&g), leaks);
    let ids: Vec<u64> = d.goroutines.iter().map(|g| g.id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "each goroutine once");
}

#[test]
fn goroutineleak_debug2_marks_the_leaked_workers() {
    let env = [("GOEXPERIMENT", "goroutineleakprofile")];
    let bin = build_with_env("goroutine-chan-blocked", &env).unwrap();
    let svc = Service::start_binary(
        &bin,
        "goroutine-chan-blocked",
        Mode::Leaky,
        &["--rate=0.001"],
        &[],
    )
    .unwrap();
    let leaks = leak(svc.addr());
    let text = svc.get("/debug/pprof/goroutineleak?debug=2").unwrap();
    let d = dump(&text);
    let leaked: Vec<_> = d.goroutines.iter().filter(|g| g.flags.leaked).collect();
    assert_eq!(leaked.len() as u64, leaks, "(leaked) goroutines");
    assert!(leaked.iter().all(|g| d.state(g) == "chan send"));
    let g = group_dump(&d, &GroupOptions::default());
    let group = leak_group(&g);
    assert_eq!(group.leaked, leaks);
    assert!(
        group.stuck.as_deref().unwrap().contains("leak detector"),
        "{:?}",
        group.stuck
    );
    // The debug=1 leak profile counts the same goroutines.
    let counts = svc.get("/debug/pprof/goroutineleak?debug=1").unwrap();
    let counts = parse_count_profile(&counts, &Limits::default()).unwrap().unwrap();
    assert_eq!((counts.name.as_str(), counts.total), ("goroutineleak", leaks));
}
