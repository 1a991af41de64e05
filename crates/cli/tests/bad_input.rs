//! Broken, hostile and oversized inputs: each gives exit code 2 and one line
//! `leakscope: FILE: problem` on stderr — never a panic, a hang or a huge allocation.
//!
//! The inputs are real profiles captured from a corpus program by this test,
//! then cut, corrupted or inflated.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use leakscope_harness::{Mode, Service};
use leakscope_profile::pprof_proto as pb;
use prost::Message;

/// A heap profile (gzipped proto) and a legacy text heap profile, captured once.
fn captured() -> &'static (Vec<u8>, Vec<u8>) {
    static CAPTURED: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let svc = Service::start("goroutine-chan-blocked", Mode::Leaky, &["--rate=50"]).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(1));
        (
            svc.get("/debug/pprof/heap").unwrap(),
            svc.get("/debug/pprof/heap?debug=1").unwrap(),
        )
    })
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    leakscope_profile::input::gunzip(b, 1 << 30).unwrap()
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b).unwrap();
    gz.finish().unwrap()
}

/// The decoded proto of the captured heap profile, to corrupt.
fn proto() -> pb::Profile {
    pb::Profile::decode(gunzip(&captured().0).as_slice()).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Runs `leakscope analyze [extra] FILE` and checks the one-line, exit-2 contract;
/// returns the message after `leakscope: FILE: `.
fn rejected(file: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_leakscope"))
        .arg("analyze")
        .args(extra)
        .arg(file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}: exit {:?}, stderr {stderr}",
        file.display(),
        out.status
    );
    assert!(
        out.stdout.is_empty(),
        "printed output before failing: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    let prefix = format!("leakscope: {}: ", file.display());
    stderr
        .trim_end()
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{stderr:?} does not start with {prefix:?}"))
        .to_string()
}

#[test]
fn the_captured_inputs_are_accepted() {
    // The baseline every corruption below starts from.
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [("heap.pb.gz", &captured().0), ("heap.txt", &captured().1)] {
        let f = write(dir.path(), name, bytes);
        let out = Command::new(env!("CARGO_BIN_EXE_leakscope"))
            .arg("analyze")
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn decompressed_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "heap.pb.gz", &captured().0);
    let msg = rejected(&f, &["--max-input-size", "1000"]);
    assert_eq!(
        msg,
        "decompressed size exceeds the limit of 1000 bytes (raise it with --max-input-size)"
    );
    // A gzip bomb: 64 MiB of zeros in about 64 KiB, refused at 1 MiB without inflating it all.
    let bomb = write(dir.path(), "bomb.gz", &gzip(&vec![0u8; 64 << 20]));
    assert!(rejected(&bomb, &["--max-input-size", "1048576"]).starts_with("decompressed size exceeds"));
    // Uncompressed input obeys the same limit.
    let text = write(dir.path(), "heap.txt", &captured().1);
    assert!(rejected(&text, &["--max-input-size", "100"]).starts_with("decompressed size exceeds"));
}

#[test]
fn truncated_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let gz = &captured().0;
    for cut in [gz.len() / 2, gz.len() - 4, 12] {
        let f = write(dir.path(), "cut.pb.gz", &gz[..cut]);
        assert_eq!(
            rejected(&f, &[]),
            "gzip: the compressed data is truncated",
            "cut at {cut}"
        );
    }
}

#[test]
fn wrong_magic_and_unknown_formats() {
    let dir = tempfile::tempdir().unwrap();
    let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d];
    for (name, bytes) in [
        ("png", &png[..]),
        ("hello.txt", b"hello, world\n"),
        ("zip", b"PK\x03\x04\x14\x00\x00\x00"),
    ] {
        let f = write(dir.path(), name, bytes);
        let msg = rejected(&f, &[]);
        assert!(msg.starts_with("unrecognized format: not "), "{name}: {msg}");
    }
    // gzip magic around something that is no format either.
    let f = write(
        dir.path(),
        "junk.gz",
        &gzip(b"\x00\x01\x02 definitely not a profile"),
    );
    assert!(rejected(&f, &[]).starts_with("unrecognized format"));
    let f = write(dir.path(), "empty", b"");
    assert_eq!(rejected(&f, &[]), "malformed input: it is empty");
    let missing = dir.path().join("missing.pb.gz");
    assert!(rejected(&missing, &[]).contains("No such file"));
}

#[test]
fn truncated_raw_proto() {
    let dir = tempfile::tempdir().unwrap();
    let raw = gunzip(&captured().0);
    let f = write(dir.path(), "cut.pb", &raw[..raw.len() * 2 / 3]);
    let msg = rejected(&f, &[]);
    assert!(msg.starts_with("malformed pprof profile: "), "{msg}");
}

/// A name, a way to break a real profile, and what the error must say.
type Corruption = (&'static str, fn(&mut pb::Profile), &'static str);

#[test]
fn dangling_ids() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [Corruption; 5] = [
        (
            "location",
            |p| p.sample[0].location_id[0] = 999_999,
            "refers to location 999999, which does not exist",
        ),
        (
            "function",
            |p| p.location[0].line[0].function_id = 888_888,
            "refers to function 888888, which does not exist",
        ),
        (
            "mapping",
            |p| p.location[0].mapping_id = 777_777,
            "refers to mapping 777777, which does not exist",
        ),
        (
            "string",
            |p| p.function[0].name = 1 << 40,
            "outside the string table",
        ),
        (
            "duplicate",
            |p| p.location[1].id = p.location[0].id,
            "two locations have the id",
        ),
    ];
    for (name, corrupt, expected) in cases {
        let mut p = proto();
        corrupt(&mut p);
        let f = write(dir.path(), &format!("{name}.pb.gz"), &gzip(&p.encode_to_vec()));
        let msg = rejected(&f, &[]);
        assert!(
            msg.starts_with("malformed pprof profile: ") && msg.contains(expected),
            "{name}: {msg}"
        );
    }
}

#[test]
fn invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = proto();
    p.string_table[3] = vec![b'a', 0xff, 0xfe];
    let f = write(dir.path(), "utf8.pb.gz", &gzip(&p.encode_to_vec()));
    assert!(rejected(&f, &[]).contains("string_table[3] is not valid UTF-8"));
    // In a text profile: a function name broken on line 3.
    let text = &captured().1;
    let third = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0
        + 4;
    let mut bad = text.clone();
    bad[third] = 0xff;
    let f = write(dir.path(), "utf8.txt", &bad);
    assert_eq!(
        rejected(&f, &[]),
        "malformed legacy heap profile: line 3 is not valid UTF-8"
    );
}

#[test]
fn count_and_depth_limits() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "heap.pb.gz", &captured().0);
    let msg = rejected(&f, &["--max-records", "2"]);
    assert!(
        msg.starts_with("more than 2 ")
            && msg.ends_with("(count limit) (raise it with --max-records or --max-stack-depth)"),
        "{msg}"
    );
    assert!(rejected(&f, &["--max-stack-depth", "2"]).starts_with("more than 2 frames in one stack"));
    let t = write(dir.path(), "heap.txt", &captured().1);
    let msg = rejected(&t, &["--max-records", "3"]);
    assert!(
        msg.starts_with("more than 3 ") && msg.contains("(count limit)"),
        "{msg}"
    );
    // A billion empty samples would be tens of GiB once decoded; refused from the field count.
    let mut many = Vec::new();
    for _ in 0..200_000 {
        many.extend_from_slice(&[0x12, 0x00]);
    }
    let f = write(dir.path(), "many.pb", &many);
    assert!(rejected(&f, &["--max-records", "100000"]).starts_with("more than 100000 samples"));
}

#[test]
fn malformed_text_lines_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(captured().1.clone()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(1, "12: 34 [x: 56] @ 0x1");
    let f = write(dir.path(), "bad.txt", lines.join("\n").as_bytes());
    let msg = rejected(&f, &[]);
    assert!(
        msg.starts_with("malformed legacy heap profile: line 2: "),
        "{msg}"
    );
    let f = write(dir.path(), "block.txt", b"--- contention:\ncycles/second=abc\n");
    assert_eq!(
        rejected(&f, &[]),
        "malformed contention profile: line 2: 'abc' is not a number"
    );
    let f = write(
        dir.path(),
        "block2.txt",
        b"--- contention:\ncycles/second=1000\n5 1 @ 0xzz\n",
    );
    assert!(rejected(&f, &[]).starts_with("malformed contention profile: line 3: "));
}
