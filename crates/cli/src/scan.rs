//! `leakscope scan [PATH...]`: static leak rules over Go source; text, JSON or
//! SARIF on stdout, a progress bar on stderr when it is a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use leakscope_lint::{Config, Finding, ScanOptions, ScanReport, Severity};

use crate::exit;

/// Output formats of `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// `file:line:col: message (rule)` with a source snippet.
    Text,
    /// One JSON document: findings, problems, stats.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
}

/// When to colour text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Arguments of `leakscope scan`.
#[derive(clap::Args)]
#[command(after_help = "\
Test files: by default `_test.go` files are scanned and their findings are reported with severity \
`test` (SARIF level `note`); they do not change the exit code. --include-tests makes them count like \
any other finding; --skip-tests does not read test files at all.

Suppress one finding with `//leakscope:ignore RULE reason` on its line or the line above. A \
leakscope.toml (in the scanned directory or a parent) can `disable = [\"rule\"]` and list \
`ownership-functions = [\"pkg.Func\"]` that take ownership of resources passed to them.

Exit codes: 0 no finding, 1 findings, 2 usage or input error.")]
pub struct Args {
    /// Files or directories (default: the current directory). `./...` is accepted and means `.`.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Text)]
    format: ScanFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Findings in _test.go files count toward the exit code (default: reported as notes only).
    #[arg(long, conflicts_with = "skip_tests")]
    include_tests: bool,
    /// Do not read _test.go files.
    #[arg(long)]
    skip_tests: bool,
    /// Also scan vendor/ directories.
    #[arg(long)]
    include_vendor: bool,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    only: Vec<String>,
    /// Configuration file (default: the nearest leakscope.toml above the first path).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// Runs the scan and renders it.
pub fn run(args: &Args, out: &mut impl Write) -> anyhow::Result<u8> {
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.iter().map(|p| strip_go_pattern(p)).collect()
    };
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => paths.first().and_then(|p| Config::discover(p)),
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let mut opts = ScanOptions {
        config,
        only: args.only.clone(),
        ..Default::default()
    };
    opts.walk.skip_tests = args.skip_tests;
    opts.walk.include_vendor = args.include_vendor;

    let bar = Bar::new();
    let started = Instant::now();
    let report = leakscope_lint::scan(&paths, &opts, &bar)?;
    bar.finish();
    let elapsed = started.elapsed();

    let mut file_out;
    let sink: &mut dyn Write = match &args.output {
        Some(p) => {
            file_out = std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?;
            &mut file_out
        }
        None => out,
    };
    match args.format {
        ScanFormat::Text => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    args.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            render_text(&report, color, sink)?;
        }
        ScanFormat::Json => render_json(&report, sink)?,
        ScanFormat::Sarif => crate::scan_sarif::render(&report, sink)?,
    }
    for p in &report.problems {
        eprintln!("leakscope: {}: {}", p.path.display(), p.message);
    }
    let counted = report
        .findings
        .iter()
        .filter(|f| counts(f, args.include_tests))
        .count();
    eprintln!(
        "leakscope: {} finding(s) ({} in tests) in {} files, {} lines of Go, {:.2}s ({:.0} lines/s)",
        report.findings.len(),
        report.findings.len()
            - report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
        report.files,
        report.lines,
        elapsed.as_secs_f64(),
        report.lines as f64 / elapsed.as_secs_f64().max(1e-9),
    );
    Ok(if counted > 0 { exit::FOUND } else { exit::CLEAN })
}

fn counts(f: &Finding, include_tests: bool) -> bool {
    f.severity == Severity::Error || include_tests
}

/// `./...` and `dir/...` (go tool patterns) mean the directory.
fn strip_go_pattern(p: &Path) -> PathBuf {
    let s = p.to_string_lossy();
    match s.strip_suffix("...") {
        Some(rest) => {
            let rest = rest.trim_end_matches('/');
            PathBuf::from(if rest.is_empty() { "." } else { rest })
        }
        None => p.to_path_buf(),
    }
}

/// Progress on stderr, only when it is a terminal and the tree is large.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new() -> Bar {
        Bar(std::io::stderr()
            .is_terminal()
            .then(indicatif::ProgressBar::hidden))
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl leakscope_lint::Progress for Bar {
    fn start(&self, files: u64) {
        if let Some(b) = &self.0
            && files >= 500
        {
            b.set_length(files);
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            {
                b.set_style(style);
            }
        }
    }
    fn advance(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }
}

/// Text: `path:line:col: message (rule)`, the source line, a caret, the help line.
fn render_text(report: &ScanReport, color: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut cached: Option<(PathBuf, String)> = None;
    for f in &report.findings {
        if cached.as_ref().is_none_or(|(p, _)| *p != f.path) {
            cached = Some((
                f.path.clone(),
                std::fs::read_to_string(&f.path).unwrap_or_default(),
            ));
        }
        let src = cached.as_ref().map(|(_, s)| s.as_str()).unwrap_or("");
        let tag = if f.severity == Severity::Test {
            " [test]"
        } else {
            ""
        };
        writeln!(
            out,
            "{}: {}{} {}",
            paint("1", &format!("{}:{}:{}", f.path.display(), f.line, f.col)),
            f.message,
            tag,
            paint("33", &format!("({})", f.rule))
        )?;
        if let Some(line) = src.lines().nth(f.line.saturating_sub(1)) {
            let gutter = f.line.to_string();
            writeln!(out, "{} | {}", paint("34", &gutter), line)?;
            let col = f.col.saturating_sub(1).min(line.len());
            let pad: String = line
                .get(..col)
                .unwrap_or("")
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let width = if f.end_line == f.line {
                f.end_col.saturating_sub(f.col).max(1)
            } else {
                1
            };
            let width = width.min(line.len().saturating_sub(col).max(1));
            writeln!(
                out,
                "{} | {pad}{}",
                " ".repeat(gutter.len()),
                paint("31", &"^".repeat(width))
            )?;
        }
        writeln!(out, "{} {}", paint("36", "  = help:"), f.help())?;
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    family: &'static str,
    help: String,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    problems: &'a [leakscope_lint::FileProblem],
    files: usize,
    lines: usize,
    generated_skipped: usize,
    suppressed: usize,
}

fn render_json(report: &ScanReport, out: &mut dyn Write) -> anyhow::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| JsonFinding {
            finding: f,
            family: leakscope_rules::find(f.rule).map_or("", |r| r.family.as_str()),
            help: f.help(),
        })
        .collect();
    let doc = JsonReport {
        findings,
        problems: &report.problems,
        files: report.files,
        lines: report.lines,
        generated_skipped: report.generated,
        suppressed: report.suppressed,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}
