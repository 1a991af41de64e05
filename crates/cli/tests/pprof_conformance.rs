//! leakscope's numbers against `go tool pprof` on profiles this test captures
//! itself from running corpus programs: totals, every `-top` row, user-site
//! attribution (pprof's `-prune_from`), `-base` differences and `diff -o`.
//!
//! Needs Go on PATH (the corpus is built with it).

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pprof_support;

use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use leakscope_harness::{Mode, Service, build_with_env};
use pprof_support::{
    Failures, compare_raw, compare_top, leakscope_json, pprof_top, prune_regex, summary_rows, unit_flag,
};

/// Saves `path` of the service to `dir/name`.
fn capture(svc: &Service, path: &str, dir: &Path, name: &str) -> PathBuf {
    let bytes = svc.get(path).unwrap_or_else(|e| panic!("capturing {path}: {e}"));
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    file
}

/// Every sample type of `file`: totals and all `-top` rows equal pprof's.
///
/// Legacy text profiles hold raw addresses that pprof cannot name without the
/// binary (and with it, Go's pprof drops inlined frames that the text's own
/// `#` lines keep), so for them the totals and every sample's converted values
/// and addresses are compared instead of the named rows.
fn check_profile(f: &mut Failures, file: &Path) {
    let text = !std::fs::read(file).unwrap().starts_with(&[0x1f, 0x8b]);
    if text {
        compare_raw(f, file);
    }
    let v = leakscope_json(&[
        "analyze",
        "--format",
        "json",
        "--top",
        "100000000",
        file.to_str().unwrap(),
    ]);
    let section = &v["files"][0];
    assert_eq!(section["kind"], "profile", "{}: {section}", file.display());
    let types: Vec<(String, String)> = section["sample_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["type"].as_str().unwrap().to_string(),
                t["unit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!types.is_empty(), "{}: no sample types", file.display());
    for (ty, unit) in &types {
        let ours = leakscope_json(&[
            "analyze",
            "--format",
            "json",
            "--top",
            "100000000",
            "--sample-index",
            ty,
            file.to_str().unwrap(),
        ]);
        let s = &ours["files"][0];
        let mut args = vec![format!("-sample_index={ty}")];
        args.extend(unit_flag(unit));
        args.push(file.display().to_string());
        let theirs = pprof_top(&args);
        let label = format!("{} [{ty}]", file.display());
        f.check_eq(&label, "total", s["totals"][ty].as_i64().unwrap(), theirs.total);
        if !text {
            compare_top(f, &label, &summary_rows(&s["top_functions"]), &theirs);
        }
    }
}

/// User-site attribution equals pprof's `-prune_from` with leakscope's user functions.
fn check_user_sites(f: &mut Failures, file: &Path, ty: &str, unit: &str) {
    let ours = leakscope_json(&[
        "analyze",
        "--format",
        "json",
        "--top",
        "100000000",
        "--sample-index",
        ty,
        file.to_str().unwrap(),
    ]);
    let sites = ours["files"][0]["top_user_sites"].as_array().unwrap().clone();
    let users: Vec<&str> = sites
        .iter()
        .filter(|s| s["user"].as_bool().unwrap())
        .map(|s| s["function"].as_str().unwrap())
        .collect();
    assert!(!users.is_empty(), "{}: no user site at all", file.display());
    let mut args = vec![
        format!("-sample_index={ty}"),
        format!("-prune_from={}", prune_regex(&users)),
    ];
    args.extend(unit_flag(unit));
    args.push(file.display().to_string());
    let theirs = pprof_top(&args);
    let label = format!("{} [{ty}] user sites", file.display());
    let mut checked = 0;
    for s in &sites {
        let name = s["function"].as_str().unwrap();
        let flat = s["flat"].as_i64().unwrap();
        let pprof_flat = theirs.rows.get(name).map_or(0, |r| r.0);
        f.check_eq(&label, name, flat, pprof_flat);
        checked += 1;
    }
    for (name, (flat, _)) in &theirs.rows {
        if *flat != 0 && !sites.iter().any(|s| s["function"] == name.as_str()) {
            f.fail(format!(
                "{label}: pprof attributes {flat} to {name}, leakscope nothing"
            ));
        }
    }
    assert!(checked > 0);
}

/// `leakscope diff` equals `go tool pprof -top -base`, and its `-o` profile shows the same.
fn check_diff(f: &mut Failures, base: &Path, new: &Path, dir: &Path, ty: &str, unit: &str) {
    let out = dir.join(format!("diff-{ty}.pb.gz"));
    let ours = leakscope_json(&[
        "diff",
        "--format",
        "json",
        "--top",
        "100000000",
        "--sample-index",
        ty,
        "-o",
        out.to_str().unwrap(),
        base.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    let rows = summary_rows(&ours["top_functions"]);
    let mut args = vec![format!("-sample_index={ty}")];
    args.extend(unit_flag(unit));
    let mut base_args = args.clone();
    base_args.extend([format!("-base={}", base.display()), new.display().to_string()]);
    let theirs = pprof_top(&base_args);
    let label = format!("diff [{ty}]");
    f.check_eq(
        &label,
        "total",
        ours["pprof_total"].as_i64().unwrap(),
        theirs.total,
    );
    compare_top(f, &label, &rows, &theirs);
    let mut out_args = args;
    out_args.push(out.display().to_string());
    let reopened = pprof_top(&out_args);
    let label = format!("diff -o [{ty}]");
    f.check_eq(
        &label,
        "total",
        ours["pprof_total"].as_i64().unwrap(),
        reopened.total,
    );
    compare_top(f, &label, &rows, &reopened);
    // The growth itself: new − base per sample type.
    let (b, n) = (&ours["base"]["totals"][ty], &ours["new"]["totals"][ty]);
    f.check_eq(
        &label,
        "growth",
        ours["growth"][ty].as_i64().unwrap(),
        n.as_i64().unwrap() - b.as_i64().unwrap(),
    );
}

#[test]
fn heap_allocs_block_goroutine_threadcreate_match_go_tool_pprof() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("LEAKSCOPE_CORPUS_BLOCKRATE", "1")];
    let svc = Service::start_with_env("cache-unbounded", Mode::Leaky, &[], &env).unwrap();
    sleep(Duration::from_secs(3));
    let heap1 = capture(&svc, "/debug/pprof/heap", dir.path(), "heap1.pb.gz");
    let heap1_gc = capture(&svc, "/debug/pprof/heap?gc=1", dir.path(), "heap1-gc.pb.gz");
    sleep(Duration::from_secs(3));
    let heap2 = capture(&svc, "/debug/pprof/heap", dir.path(), "heap2.pb.gz");
    let heap2_gc = capture(&svc, "/debug/pprof/heap?gc=1", dir.path(), "heap2-gc.pb.gz");
    let files = [
        heap2.clone(),
        heap2_gc.clone(),
        capture(&svc, "/debug/pprof/allocs", dir.path(), "allocs.pb.gz"),
        capture(&svc, "/debug/pprof/block", dir.path(), "block.pb.gz"),
        capture(&svc, "/debug/pprof/goroutine", dir.path(), "goroutine.pb.gz"),
        capture(
            &svc,
            "/debug/pprof/threadcreate",
            dir.path(),
            "threadcreate.pb.gz",
        ),
        // Legacy text: values unsampled from the raw counts, as pprof does.
        capture(&svc, "/debug/pprof/heap?debug=1", dir.path(), "heap.txt"),
    ];
    let block_text = capture(&svc, "/debug/pprof/block?debug=1", dir.path(), "block.txt");
    drop(svc);

    // The legacy text keeps Go's `# runtime.MemStats` trailer.
    let text = leakscope_json(&["analyze", "--format", "json", files[6].to_str().unwrap()]);
    let heap_alloc = text["files"][0]["memstats"]["HeapAlloc"]
        .as_str()
        .unwrap_or_default();
    assert!(
        heap_alloc.parse::<u64>().is_ok_and(|n| n > 0),
        "no HeapAlloc in the trailer: {text}"
    );
    let mut f = Failures::default();
    for file in files.iter().chain([&block_text]) {
        check_profile(&mut f, file);
    }
    check_user_sites(&mut f, &heap2_gc, "inuse_space", "bytes");
    check_user_sites(&mut f, &files[2], "alloc_space", "bytes");
    check_diff(&mut f, &heap1_gc, &heap2_gc, dir.path(), "inuse_space", "bytes");
    // Profiles that pprof itself wrote after -base (negative values) and
    // -diff_base (base samples marked `pprof::base`, totals taken over them).
    for flag in ["-base", "-diff_base"] {
        let out = dir.path().join(format!("pprof{flag}.pb.gz"));
        let status = std::process::Command::new("go")
            .args(["tool", "pprof", "-proto", "-output"])
            .arg(&out)
            .arg(format!("{flag}={}", heap1.display()))
            .arg(&heap2)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        check_profile(&mut f, &out);
    }
    check_diff(&mut f, &heap1, &heap2, dir.path(), "alloc_objects", "count");
    f.assert_none();
}

#[test]
fn mutex_matches_go_tool_pprof() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("LEAKSCOPE_CORPUS_MUTEXFRACTION", "1")];
    let svc = Service::start_with_env("goroutine-lock-stuck", Mode::Fixed, &["--rate=200"], &env).unwrap();
    sleep(Duration::from_secs(4));
    let proto = capture(&svc, "/debug/pprof/mutex", dir.path(), "mutex.pb.gz");
    let text = capture(&svc, "/debug/pprof/mutex?debug=1", dir.path(), "mutex.txt");
    drop(svc);
    let mut f = Failures::default();
    check_profile(&mut f, &proto);
    check_profile(&mut f, &text);
    f.assert_none();
}

#[test]
fn goroutineleak_matches_go_tool_pprof() {
    let env = [("GOEXPERIMENT", "goroutineleakprofile")];
    let bin = build_with_env("goroutine-chan-blocked", &env).unwrap();
    let svc = Service::start_binary(&bin, "goroutine-chan-blocked", Mode::Leaky, &[], &[]).unwrap();
    sleep(Duration::from_secs(3));
    let dir = tempfile::tempdir().unwrap();
    let leak = capture(
        &svc,
        "/debug/pprof/goroutineleak",
        dir.path(),
        "goroutineleak.pb.gz",
    );
    drop(svc);
    let v = leakscope_json(&["analyze", "--format", "json", leak.to_str().unwrap()]);
    assert_eq!(v["files"][0]["profile_type"], "goroutineleak", "{v}");
    assert!(
        v["files"][0]["totals"]["goroutineleak"].as_i64().unwrap() > 0,
        "no leaked goroutine found: {v}"
    );
    let mut f = Failures::default();
    check_profile(&mut f, &leak);
    f.assert_none();
}
