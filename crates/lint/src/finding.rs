//! What a rule reports.

use std::path::PathBuf;

use serde::Serialize;

/// How much a finding counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Production code: the finding fails the scan (exit 1).
    Error,
    /// In a `_test.go` file: reported, but only fails the scan with `--include-tests`.
    Test,
}

/// One finding of one rule at one place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, always one of `leakscope_rules::RULES`.
    pub rule: &'static str,
    /// The file, as the scanner was given it.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in bytes (as `go vet` counts).
    pub col: usize,
    /// 1-based end line of the flagged expression.
    pub end_line: usize,
    /// 1-based end column (exclusive), in bytes.
    pub end_col: usize,
    /// One line: what leaks, naming the variable and the path that leaks it.
    pub message: String,
    /// Error in production code, Test in `_test.go`.
    pub severity: Severity,
    /// The file's `//go:build` constraint, if any: the finding only holds in builds that include the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
}

impl Finding {
    /// The help line every finding carries.
    pub fn help(&self) -> String {
        format!(
            "run `leakscope explain {}` for why it leaks and how to fix it",
            self.rule
        )
    }
}

/// A file the scanner could not use fully; reported once, the scan goes on.
#[derive(Clone, Debug, Serialize)]
pub struct FileProblem {
    /// The file.
    pub path: PathBuf,
    /// What went wrong (unreadable, not UTF-8, syntax error at line:col).
    pub message: String,
}
