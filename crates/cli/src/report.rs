//! Rendering a live-check [`Report`]: text for people, JSON for programs,
//! Markdown for tickets. Renderers only write; they never decide anything.

use std::io::Write;

use leakscope_detect::finding::{Finding, Rate, Report};
use leakscope_detect::frames::short;
use leakscope_detect::heap::bytes;
use serde::Serialize;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable.
    Text,
    /// One JSON object.
    Json,
    /// Markdown, for issues and pull requests.
    Markdown,
}

/// What was run, to print beside the verdict.
pub struct RunInfo<'a> {
    /// The target URL.
    pub target: &'a str,
    /// Snapshots taken.
    pub samples: usize,
    /// Seconds sampled.
    pub duration_s: f64,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    verdict: &'a str,
    target: &'a str,
    findings: &'a [Finding],
    samples: usize,
    duration_s: f64,
    notes: &'a [String],
}

/// Writes the report in `format`.
pub fn write(report: &Report, info: &RunInfo, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let j = JsonReport {
                verdict: report.verdict.as_str(),
                target: info.target,
                findings: &report.findings,
                samples: info.samples,
                duration_s: (info.duration_s * 10.0).round() / 10.0,
                notes: &report.notes,
            };
            serde_json::to_writer_pretty(&mut *out, &j)?;
            writeln!(out)
        }
        Format::Text => text(report, info, out),
        Format::Markdown => markdown(report, info, out),
    }
}

fn rate(r: &Rate) -> String {
    match r.unit {
        "bytes" => format!("+{}/min", bytes(r.per_minute)),
        unit => format!("+{:.0} {unit}/min", r.per_minute),
    }
}

fn where_(f: &Finding) -> String {
    match &f.location {
        Some(l) if l.line > 0 => format!("{} ({}:{})", l.function, l.file, l.line),
        Some(l) => l.function.clone(),
        None => "location unknown".to_string(),
    }
}

fn text(report: &Report, info: &RunInfo, out: &mut dyn Write) -> std::io::Result<()> {
    let leaks = report.findings.len();
    writeln!(
        out,
        "verdict: {} — {} finding{} ({} samples over {:.0} s of {})",
        report.verdict.as_str().to_uppercase(),
        leaks,
        if leaks == 1 { "" } else { "s" },
        info.samples,
        info.duration_s,
        info.target
    )?;
    for f in &report.findings {
        writeln!(out)?;
        let r = f.rate.as_ref().map(rate).unwrap_or_default();
        writeln!(
            out,
            "{} [{}] {}  confidence {:.2}  {}",
            f.rule,
            f.family,
            severity(f),
            f.confidence,
            r
        )?;
        writeln!(out, "  at {}", where_(f))?;
        if let Some(t) = f.detected_after_s {
            writeln!(out, "  detected after {t:.0} s of sampling")?;
        }
        writeln!(out, "  {}", f.message)?;
        for fact in &f.evidence.facts {
            writeln!(out, "  - {fact}")?;
        }
        if let Some(stack) = f.evidence.stacks.first() {
            writeln!(out, "  stack (leaf first):")?;
            for frame in stack.iter().take(12) {
                writeln!(out, "    {}", short(frame))?;
            }
            if stack.len() > 12 {
                writeln!(out, "    … {} more frames", stack.len() - 12)?;
            }
        }
        writeln!(out, "  fix: {}", f.advice)?;
        writeln!(out, "  more: leakscope explain {}", f.rule)?;
    }
    for n in &report.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

fn severity(f: &Finding) -> &'static str {
    match f.severity {
        leakscope_detect::finding::Severity::Leak => "LEAK",
        leakscope_detect::finding::Severity::Hangover => "hangover",
    }
}

/// Markdown-escapes text that comes from the profile (function names can hold anything).
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn markdown(report: &Report, info: &RunInfo, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## leakscope: {}\n", report.verdict.as_str())?;
    writeln!(
        out,
        "{} samples over {:.0} s of `{}`.\n",
        info.samples,
        info.duration_s,
        md(info.target)
    )?;
    if !report.findings.is_empty() {
        writeln!(out, "| rule | where | rate | confidence |\n|---|---|---|---|")?;
        for f in &report.findings {
            let r = f.rate.as_ref().map(rate).unwrap_or_default();
            writeln!(
                out,
                "| `{}` | {} | {} | {:.2} |",
                f.rule,
                md(&where_(f)),
                md(&r),
                f.confidence
            )?;
        }
    }
    for f in &report.findings {
        writeln!(out, "\n### `{}` at {}\n", f.rule, md(&where_(f)))?;
        writeln!(out, "{}\n", md(&f.message))?;
        for fact in &f.evidence.facts {
            writeln!(out, "- {}", md(fact))?;
        }
        if let Some(stack) = f.evidence.stacks.first() {
            writeln!(out, "\n<details><summary>stack</summary>\n")?;
            for frame in stack.iter().take(20) {
                writeln!(out, "    {}", short(frame))?;
            }
            writeln!(out, "\n</details>")?;
        }
        writeln!(
            out,
            "\n**Fix:** {} (`leakscope explain {}`)",
            md(&f.advice),
            f.rule
        )?;
    }
    for n in &report.notes {
        writeln!(out, "\n> note: {}", md(n))?;
    }
    Ok(())
}
