//! `leakscope analyze FILE...`: what each captured file says, offline.
//!
//! Every file is detected by content and summarised in a section of its kind
//! (`"kind": "profile"`, ...); the report is built completely before a
//! renderer prints it, so a bad file fails the command before any output.

use std::io::Write;
use std::path::PathBuf;

use leakscope_profile::goroutine_group::GroupOptions;
use leakscope_profile::input::Input;
use serde::Serialize;

use crate::dump_stream;
use crate::exit;
use crate::goroutine_summary::{self, GoroutineSummary};
use crate::inputs::{self, LimitArgs};
use crate::metrics_summary::{self, MetricsSummary};
use crate::output::OutputFormat;
use crate::profile_summary::{self, ProfileSummary};

/// Arguments of `leakscope analyze`.
#[derive(clap::Args)]
pub struct Args {
    /// Files to read: pprof profiles (gzipped or raw), legacy text profiles, ...
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Sample type the tables rank by, as pprof's -sample_index (default: the profile's).
    #[arg(long, value_name = "TYPE")]
    pub sample_index: Option<String>,
    /// Rows per table.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Function-name prefix to treat as library code, not yours (repeatable).
    #[arg(long = "vendor-prefix", value_name = "PREFIX")]
    pub vendor_prefixes: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// One analysed file.
#[derive(Serialize, Debug)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// What it held.
    #[serde(flatten)]
    pub section: Section,
    /// Goroutine groups of a goroutine-kind pprof profile (beside its profile section).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goroutines: Option<Box<GoroutineSummary>>,
}

/// The kinds of file `analyze` understands; each renders on its own.
#[derive(Serialize, Debug)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Section {
    /// A pprof profile (proto or legacy text).
    Profile(Box<ProfileSummary>),
    /// A goroutine dump (`debug=2`, traceback) or `debug=1` goroutine profile.
    Goroutines(Box<GoroutineSummary>),
    /// A metrics snapshot (Prometheus, expvar, gctrace).
    Metrics(Box<MetricsSummary>),
}

/// The whole report.
#[derive(Serialize, Debug)]
pub struct Report {
    /// One entry per input file, in argument order.
    pub files: Vec<FileReport>,
}

/// Builds the report for all files.
pub fn analyze(args: &Args) -> anyhow::Result<Report> {
    let limits = args.limits.limits();
    let options = profile_summary::Options {
        sample_index: args.sample_index.clone(),
        top: args.top,
        vendor_prefixes: args.vendor_prefixes.clone(),
    };
    let group_options = GroupOptions {
        vendor_prefixes: args.vendor_prefixes.clone(),
        ..GroupOptions::default()
    };
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let shown = path.display().to_string();
        let input = match dump_stream::read_if_dump(path, &limits)? {
            Some(input) => input,
            None => inputs::read(path, &limits)?,
        };
        let mut goroutines = None;
        let section = match &input {
            Input::Profile { profile, format } => {
                goroutines = goroutine_summary::summarize(&input, &group_options).map(Box::new);
                Section::Profile(Box::new(
                    profile_summary::summarize(profile, *format, &options)
                        .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?,
                ))
            }
            Input::Goroutines(_) | Input::GoroutineCounts(_) => {
                let summary = goroutine_summary::summarize(&input, &group_options)
                    .ok_or_else(|| anyhow::anyhow!("{shown}: no goroutines"))?;
                Section::Goroutines(Box::new(summary))
            }
            Input::Metrics(m) => Section::Metrics(Box::new(metrics_summary::summarize(m))),
        };
        files.push(FileReport {
            path: shown,
            section,
            goroutines,
        });
    }
    Ok(Report { files })
}

/// Prints the report in `format`.
pub fn render(
    report: &Report,
    format: OutputFormat,
    top: usize,
    out: &mut impl Write,
) -> std::io::Result<()> {
    if format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::from)?;
        return writeln!(out);
    }
    for (i, f) in report.files.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        match format {
            OutputFormat::Markdown => writeln!(out, "## {}\n", f.path)?,
            _ => writeln!(out, "== {}", f.path)?,
        }
        match (&f.section, format) {
            (Section::Profile(s), OutputFormat::Markdown) => profile_summary::render_markdown(s, out)?,
            (Section::Profile(s), _) => profile_summary::render_text(s, out)?,
            (Section::Goroutines(s), OutputFormat::Markdown) => {
                goroutine_summary::render_markdown(s, top, out)?
            }
            (Section::Goroutines(s), _) => goroutine_summary::render_text(s, top, out)?,
            (Section::Metrics(s), OutputFormat::Markdown) => metrics_summary::render_markdown(s, out)?,
            (Section::Metrics(s), _) => metrics_summary::render_text(s, out)?,
        }
        if let Some(g) = &f.goroutines {
            writeln!(out)?;
            match format {
                OutputFormat::Markdown => goroutine_summary::render_markdown(g, top, out)?,
                _ => goroutine_summary::render_text(g, top, out)?,
            }
        }
    }
    Ok(())
}

/// Runs `leakscope analyze`.
pub fn run(args: &Args, out: &mut impl Write) -> anyhow::Result<u8> {
    let report = analyze(args)?;
    render(&report, args.format, args.top, out)?;
    Ok(exit::CLEAN)
}
