//! The corpus services (corpus/cmd/*) scanned statically. Each program runs a
//! leaky and a fixed mode from one source, so the convention is: the line
//! where leakscope must report the leak carries `// want "rule"`; every
//! marker must be found, nothing unmarked may be found (the fixed mode and
//! the shared plumbing are clean), and a program named after a static rule
//! must carry a marker for that rule (its leaky mode is detected).

#![allow(clippy::unwrap_used)] // test helpers: a broken corpus should fail loudly

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use leakscope_lint::rules::RULES;
use leakscope_lint::{NoProgress, ScanOptions, scan};

fn markers(root: &Path) -> BTreeSet<(PathBuf, usize, String)> {
    let mut out = BTreeSet::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "go") {
                continue;
            }
            for (i, line) in std::fs::read_to_string(&file).unwrap().lines().enumerate() {
                let Some(pos) = line.find("// want \"") else {
                    continue;
                };
                for (k, rule) in line[pos + 8..].split('"').enumerate() {
                    if k % 2 == 1 && !rule.is_empty() {
                        out.insert((file.clone(), i + 1, rule.to_string()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn corpus_services_leaky_paths_found_fixed_paths_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/cmd");
    let want = markers(&root);
    let report = scan(std::slice::from_ref(&root), &ScanOptions::default(), &NoProgress).unwrap();
    let got: BTreeSet<(PathBuf, usize, String)> = report
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.rule.to_string()))
        .collect();
    let missing: Vec<String> = want
        .difference(&got)
        .map(|(p, l, r)| format!("{}:{l}: want {r}", p.display()))
        .collect();
    let extra: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !want.contains(&(f.path.clone(), f.line, f.rule.to_string())))
        .map(|f| {
            format!(
                "{}:{}: unexpected {}: {}",
                f.path.display(),
                f.line,
                f.rule,
                f.message
            )
        })
        .collect();
    let mut unmarked = Vec::new();
    for rule in RULES {
        let dir = root.join(rule.id());
        if dir.is_dir() && !want.iter().any(|(p, _, r)| r == rule.id() && p.starts_with(&dir)) {
            unmarked.push(format!(
                "corpus/cmd/{} has no `// want \"{}\"` marker",
                rule.id(),
                rule.id()
            ));
        }
    }
    assert!(
        missing.is_empty() && extra.is_empty() && unmarked.is_empty(),
        "\n{} missing:\n  {}\n{} extra:\n  {}\n{} programs without their rule's marker:\n  {}\n",
        missing.len(),
        missing.join("\n  "),
        extra.len(),
        extra.join("\n  "),
        unmarked.len(),
        unmarked.join("\n  ")
    );
}
