#![allow(clippy::unwrap_used)] // test helpers: a broken corpus should fail loudly
//! The labelled-case test: every `// want "rule"` in corpus/lint must be
//! found on that line, and nothing else may be found there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leakscope_lint::rules::RULES;
use leakscope_lint::{NoProgress, ScanOptions, scan};

fn corpus_lint() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/lint")
}

/// The `.go` files under `dir`, subdirectories included (timer-in-loop keeps
/// one module per go.mod setting in its own subdirectory).
fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(go_files(&path));
        } else if path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
    out
}

/// (file, line) → rule ids expected there, from `// want "a" "b"` comments.
fn expectations(root: &Path) -> BTreeMap<(PathBuf, usize), Vec<String>> {
    let mut out = BTreeMap::new();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in go_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                let Some(pos) = line.find("// want ") else {
                    continue;
                };
                let rules: Vec<String> = line[pos + 8..]
                    .split('"')
                    .enumerate()
                    .filter(|(k, s)| k % 2 == 1 && !s.is_empty())
                    .map(|(_, s)| s.to_string())
                    .collect();
                assert!(
                    !rules.is_empty(),
                    "{}:{}: malformed want comment",
                    file.display(),
                    i + 1
                );
                out.insert((file.clone(), i + 1), rules);
            }
        }
    }
    out
}

/// Counts top-level functions with and without a `want` inside, per rule dir.
fn bad_good_counts(
    root: &Path,
    want: &BTreeMap<(PathBuf, usize), Vec<String>>,
) -> BTreeMap<String, (usize, usize)> {
    let mut counts = BTreeMap::new();
    let mut parser = leakscope_lint::source::go_parser();
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let rule = dir.file_name().unwrap().to_string_lossy().to_string();
        let entry: &mut (usize, usize) = counts.entry(rule).or_default();
        for file in go_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            let sf = leakscope_lint::source::SourceFile::parse(&mut parser, file.clone(), text).unwrap();
            for f in leakscope_lint::syntax::named_children(sf.tree.root_node()) {
                if !matches!(f.kind(), "function_declaration" | "method_declaration") {
                    continue;
                }
                let (a, b) = (f.start_position().row + 1, f.end_position().row + 1);
                let wants = (a..=b).any(|l| want.contains_key(&(file.clone(), l)));
                if wants { entry.0 += 1 } else { entry.1 += 1 }
            }
        }
    }
    counts
}

#[test]
fn labelled_cases_match_exactly() {
    let root = corpus_lint();
    let mut opts = ScanOptions::default();
    opts.walk.include_testdata = true;
    let mut want = expectations(&root);
    // LINT_RULES=a,b narrows the check while a rule is being written; CI runs it unset.
    let only: Vec<String> = std::env::var("LINT_RULES")
        .map(|v| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if !only.is_empty() {
        want.retain(|_, rules| {
            rules.retain(|r| only.contains(r));
            !rules.is_empty()
        });
        opts.only = only.clone();
    }
    let report = scan(std::slice::from_ref(&root), &opts, &NoProgress).unwrap();
    assert!(
        report.problems.is_empty(),
        "files with problems: {:?}",
        report.problems
    );

    let mut got: BTreeMap<(PathBuf, usize), Vec<String>> = BTreeMap::new();
    for f in &report.findings {
        got.entry((f.path.clone(), f.line))
            .or_default()
            .push(f.rule.to_string());
    }
    let mut missing = Vec::new();
    let mut extra = Vec::new();
    let keys: std::collections::BTreeSet<_> = want.keys().chain(got.keys()).cloned().collect();
    for key in keys {
        let mut w = want.get(&key).cloned().unwrap_or_default();
        let mut g = got.get(&key).cloned().unwrap_or_default();
        w.sort();
        g.sort();
        for r in &w {
            if let Some(i) = g.iter().position(|x| x == r) {
                g.remove(i);
            } else {
                missing.push(format!("{}:{}: want {r}", key.0.display(), key.1));
            }
        }
        for r in g {
            let msg = report
                .findings
                .iter()
                .find(|f| f.path == key.0 && f.line == key.1 && f.rule == r)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            extra.push(format!("{}:{}: unexpected {r}: {msg}", key.0.display(), key.1));
        }
    }
    let counts = bad_good_counts(&root, &want);
    eprintln!("rule                              bad-funcs good-funcs");
    for (rule, (bad, good)) in &counts {
        eprintln!("{rule:<33} {bad:>9} {good:>10}");
    }
    for r in RULES
        .iter()
        .filter(|r| only.is_empty() || only.iter().any(|o| o == r.id()))
    {
        let (bad, good) = counts.get(r.id()).copied().unwrap_or_default();
        assert!(
            bad >= 6 && good >= 6,
            "{}: needs >= 6 bad and >= 6 good cases, has {bad} bad, {good} good",
            r.id()
        );
    }
    assert!(
        missing.is_empty() && extra.is_empty(),
        "\n{} missing:\n  {}\n{} extra:\n  {}\n",
        missing.len(),
        missing.join("\n  "),
        extra.len(),
        extra.join("\n  ")
    );
}
