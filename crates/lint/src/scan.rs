//! The scan pipeline: walk → per-directory parse + facts + rules (in
//! parallel) → suppressions → sorted report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::context::FileCtx;
use crate::finding::{FileProblem, Finding};
use crate::package::PackageFacts;
use crate::rules::{RULES, Rule};
use crate::source::{self, SourceFile};
use crate::suppress::Suppressions;
use crate::walk::{self, WalkOptions};

/// How to scan.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Which files.
    pub walk: WalkOptions,
    /// Project settings (`leakscope.toml`).
    pub config: Config,
    /// Run only these rule ids (all enabled rules when empty).
    pub only: Vec<String>,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Findings, sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed cleanly (one entry per file).
    pub problems: Vec<FileProblem>,
    /// Go files scanned.
    pub files: usize,
    /// Lines of Go scanned.
    pub lines: usize,
    /// Generated files skipped.
    pub generated: usize,
    /// Findings silenced by `//leakscope:ignore`.
    pub suppressed: usize,
}

/// A scan that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A path argument is unusable.
    #[error(transparent)]
    Walk(#[from] walk::WalkError),
    /// `only` names a rule that is not a static rule.
    #[error("unknown rule '{0}'; choose from: {1}")]
    UnknownRule(String, String),
}

/// Progress callbacks (the CLI draws a bar with them; the library never prints).
pub trait Progress: Sync {
    /// The number of files about to be scanned.
    fn start(&self, _files: u64) {}
    /// `n` more files done.
    fn advance(&self, _n: u64) {}
}

/// No progress reporting.
#[derive(Debug)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// Scans `paths` (files or directories).
pub fn scan(paths: &[PathBuf], opts: &ScanOptions, progress: &dyn Progress) -> Result<ScanReport, ScanError> {
    if let Some(bad) = opts.only.iter().find(|id| crate::rules::find(id).is_none()) {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id()).collect();
        return Err(ScanError::UnknownRule(bad.clone(), ids.join(", ")));
    }
    let rules: Vec<&dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|r| {
            opts.config.enabled(r.id()) && (opts.only.is_empty() || opts.only.iter().any(|o| o == r.id()))
        })
        .collect();
    let by_dir = walk::go_files(paths, &opts.walk)?;
    progress.start(by_dir.values().map(|v| v.len() as u64).sum());
    let dirs: Vec<(PathBuf, Vec<PathBuf>)> = by_dir.into_iter().collect();
    let parts: Vec<ScanReport> = dirs
        .par_iter()
        .map_init(source::go_parser, |parser, (dir, files)| {
            let r = scan_dir(parser, dir, files, &rules, &opts.config);
            progress.advance(files.len() as u64);
            r
        })
        .collect();
    let mut report = ScanReport::default();
    for p in parts {
        report.findings.extend(p.findings);
        report.problems.extend(p.problems);
        report.files += p.files;
        report.lines += p.lines;
        report.generated += p.generated;
        report.suppressed += p.suppressed;
    }
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.col, a.rule).cmp(&(&b.path, b.line, b.col, b.rule)));
    report.findings.dedup();
    Ok(report)
}

fn scan_dir(
    parser: &mut tree_sitter::Parser,
    dir: &Path,
    paths: &[PathBuf],
    rules: &[&dyn Rule],
    config: &Config,
) -> ScanReport {
    let mut report = ScanReport::default();
    let mut parsed: Vec<SourceFile> = Vec::new();
    for path in paths {
        let text = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                report.problems.push(FileProblem {
                    path: path.clone(),
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        let Ok(text) = String::from_utf8(text) else {
            report.problems.push(FileProblem {
                path: path.clone(),
                message: "not UTF-8; Go source must be".into(),
            });
            continue;
        };
        if source::is_generated(&text) {
            report.generated += 1;
            continue;
        }
        match SourceFile::parse(parser, path.clone(), text) {
            Ok(file) => {
                if let Some((line, col)) = file.syntax_error {
                    report.problems.push(FileProblem {
                        path: path.clone(),
                        message: format!(
                            "syntax error at {line}:{col}; functions containing it were not checked"
                        ),
                    });
                }
                parsed.push(file);
            }
            Err(e) => report.problems.push(FileProblem {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    report.files = parsed.len();
    report.lines = parsed.iter().map(|f| f.lines).sum();
    let (go_version, mut godebug) = walk::module_settings(dir);
    for f in &parsed {
        godebug.extend(
            f.src
                .lines()
                .take_while(|l| !l.starts_with("package "))
                .filter_map(|l| l.strip_prefix("//go:debug ").map(|s| s.trim().to_string())),
        );
    }
    // One package per `package` clause in the directory (p, p_test, ignore'd mains).
    let mut packages: BTreeMap<&str, Vec<&SourceFile>> = BTreeMap::new();
    for f in &parsed {
        packages.entry(f.package.as_str()).or_default().push(f);
    }
    for files in packages.values() {
        let facts = PackageFacts::build(files);
        for file in files {
            let nodes: Vec<tree_sitter::Node<'_>> =
                crate::syntax::descendants(file.tree.root_node()).collect();
            let ctx = FileCtx {
                file,
                package: &facts,
                config,
                go_version,
                godebug: &godebug,
                package_files: files,
                all_nodes: &nodes,
            };
            let suppressions = Suppressions::parse(&file.src);
            let mut found = Vec::new();
            for rule in rules {
                rule.check(&ctx, &mut found);
            }
            for f in found {
                if suppressions.suppresses(f.rule, f.line) {
                    report.suppressed += 1;
                } else {
                    report.findings.push(f);
                }
            }
        }
    }
    report
}
