//! Running `leakscope` and `go tool pprof`, and comparing what they print.

use std::collections::BTreeMap;
use std::process::Command;

/// `pprof -top` output: the total and `name → (flat, cum)`.
pub struct Top {
    pub total: i64,
    pub rows: BTreeMap<String, (i64, i64)>,
}

/// Collects mismatches so one run reports all of them.
#[derive(Default)]
pub struct Failures(Vec<String>, usize);

impl Failures {
    pub fn fail(&mut self, msg: String) {
        self.0.push(msg);
    }

    pub fn check_eq(&mut self, label: &str, what: &str, ours: i64, theirs: i64) {
        self.1 += 1;
        if ours != theirs {
            self.fail(format!(
                "{label}: {what}: leakscope {ours}, go tool pprof {theirs}"
            ));
        }
    }

    pub fn assert_none(&self) {
        assert!(self.1 > 0, "nothing was compared");
        assert!(
            self.0.is_empty(),
            "{} of {} comparisons differ:\n{}",
            self.0.len(),
            self.1,
            self.0.join("\n")
        );
        eprintln!("{} comparisons with go tool pprof, all equal", self.1);
    }
}

/// Runs the leakscope binary and parses its JSON output.
pub fn leakscope_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_leakscope"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "leakscope {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// pprof flags that print values unscaled in `unit`.
pub fn unit_flag(unit: &str) -> Option<String> {
    match unit {
        "bytes" => Some("-unit=B".into()),
        "nanoseconds" => Some("-unit=ns".into()),
        _ => None,
    }
}

/// An exact pprof value: `-36864B`, `42072ns`, `208`.
fn value(s: &str) -> i64 {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    digits
        .parse()
        .unwrap_or_else(|_| panic!("pprof printed an inexact value {s:?}"))
}

/// Runs `go tool pprof -top` with every node shown and parses it.
pub fn pprof_top(args: &[String]) -> Top {
    let out = Command::new("go")
        .args([
            "tool",
            "pprof",
            "-top",
            "-nodefraction=0",
            "-edgefraction=0",
            "-nodecount=100000000",
        ])
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "go tool pprof {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut total = None;
    let mut rows = BTreeMap::new();
    let mut in_table = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Showing nodes accounting for ") {
            let of = rest.rsplit_once(" of ").unwrap().1;
            total = Some(value(of.trim_end_matches(" total")));
            continue;
        }
        if line.trim_start().starts_with("flat  flat%") {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        let mut rest = line.trim_start();
        let mut cols = Vec::new();
        for _ in 0..5 {
            let (col, r) = rest.split_once(char::is_whitespace).unwrap();
            cols.push(col);
            rest = r.trim_start();
        }
        let name = rest
            .trim_end_matches(" (inline)")
            .trim_end_matches(" (partial-inline)")
            .to_string();
        let prev = rows.insert(name.clone(), (value(cols[0]), value(cols[3])));
        assert!(prev.is_none(), "pprof printed {name} twice");
    }
    Top {
        total: total.unwrap_or(0),
        rows,
    }
}

/// `top_functions` JSON rows as `name → (flat, cum)`.
pub fn summary_rows(v: &serde_json::Value) -> BTreeMap<String, (i64, i64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                (r["flat"].as_i64().unwrap(), r["cum"].as_i64().unwrap()),
            )
        })
        .collect()
}

/// Every row on both sides, equal.
pub fn compare_top(f: &mut Failures, label: &str, ours: &BTreeMap<String, (i64, i64)>, theirs: &Top) {
    assert!(
        !theirs.rows.is_empty() || ours.is_empty(),
        "{label}: pprof printed no rows"
    );
    for (name, &(flat, cum)) in &theirs.rows {
        let (of, oc) = ours.get(name).copied().unwrap_or((0, 0));
        f.check_eq(label, &format!("{name} flat"), of, flat);
        f.check_eq(label, &format!("{name} cum"), oc, cum);
    }
    for name in ours.keys() {
        if !theirs.rows.contains_key(name) {
            f.fail(format!("{label}: leakscope lists {name}, go tool pprof does not"));
        }
    }
}

/// A `-prune_from` regexp matching exactly these functions, on pprof's
/// simplified names (cut at the first `(`).
pub fn prune_regex(functions: &[&str]) -> String {
    let mut alts: Vec<String> = functions
        .iter()
        .map(|f| {
            let simple = f.split('(').next().unwrap_or(f);
            let mut e = String::new();
            for c in simple.chars() {
                if "\\.+*?()|[]{}^$".contains(c) {
                    e.push('\\');
                }
                e.push(c);
            }
            e
        })
        .collect();
    alts.sort();
    alts.dedup();
    format!("^(?:{})$", alts.join("|"))
}

/// Each sample's values and location addresses, sorted, as `go tool pprof -raw`
/// prints them, against leakscope's parse of the same file.
pub fn compare_raw(f: &mut Failures, file: &std::path::Path) {
    let out = Command::new("go")
        .args(["tool", "pprof", "-raw"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go tool pprof -raw {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let (samples, rest) = text.split_once("\nLocations\n").unwrap();
    let mut addresses = BTreeMap::new();
    for line in rest.lines().take_while(|l| !l.starts_with("Mappings")) {
        let (id, tail) = line.trim().split_once(": ").unwrap();
        let addr = tail.split_whitespace().next().unwrap().trim_start_matches("0x");
        addresses.insert(id.to_string(), u64::from_str_radix(addr, 16).unwrap());
    }
    let mut theirs: Vec<(Vec<i64>, Vec<u64>)> = Vec::new();
    for line in samples.lines().skip_while(|l| *l != "Samples:").skip(2) {
        let Some((values, locs)) = line.split_once(':') else {
            continue;
        };
        let Ok(values) = values
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<i64>, _>>()
        else {
            continue;
        };
        theirs.push((values, locs.split_whitespace().map(|id| addresses[id]).collect()));
    }
    let bytes = std::fs::read(file).unwrap();
    let limits = leakscope_profile::Limits::default();
    let leakscope_profile::input::Input::Profile { profile, .. } =
        leakscope_profile::input::parse(&bytes, &limits).unwrap()
    else {
        panic!("{} is not a profile", file.display())
    };
    let mut ours: Vec<(Vec<i64>, Vec<u64>)> = profile
        .samples
        .iter()
        .map(|s| {
            (
                s.values.clone(),
                s.locations
                    .iter()
                    .map(|&l| profile.locations[l as usize].address)
                    .collect(),
            )
        })
        .collect();
    ours.sort();
    theirs.sort();
    let label = format!("{} raw samples", file.display());
    f.check_eq(&label, "count", ours.len() as i64, theirs.len() as i64);
    for (o, t) in ours.iter().zip(&theirs) {
        if o != t {
            f.fail(format!("{label}: leakscope {o:?}, go tool pprof {t:?}"));
        }
    }
}
