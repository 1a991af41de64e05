//! `leakscope diff` for two goroutine snapshots of any format: the groups
//! that appeared or grew, with survivors when both are `debug=2` dumps.

use std::io::Write;

use leakscope_profile::goroutine_diff::{GoroutineDiff, GroupChange, MatchedOn, diff_groups};
use leakscope_profile::goroutine_group::GoroutineGroups;
use serde::Serialize;

use crate::goroutine_summary::{GroupRow, source_name};
use crate::output::md_cell;

/// One changed group.
#[derive(Serialize, Debug)]
pub struct ChangeRow {
    /// Members in BASE.
    pub base: u64,
    /// Members in NEW.
    pub new: u64,
    /// NEW − BASE.
    pub delta: i64,
    /// The group did not exist in BASE.
    pub appeared: bool,
    /// Members of NEW already in the BASE group (same goroutine id): they never left.
    pub survivors: Option<u64>,
    /// The group (as in NEW; as in BASE for vanished groups).
    pub group: GroupRow,
}

/// The report.
#[derive(Serialize, Debug)]
pub struct GoroutineDiffReport {
    /// BASE path.
    pub base: String,
    /// NEW path.
    pub new: String,
    /// Format of BASE.
    pub base_format: &'static str,
    /// Format of NEW.
    pub new_format: &'static str,
    /// `full_key` (creation, blocking, wait) or `entry_and_blocking` (formats differ).
    pub matched_on: &'static str,
    /// Goroutines in BASE.
    pub base_total: u64,
    /// Goroutines in NEW.
    pub new_total: u64,
    /// Groups that appeared or grew, largest growth first.
    pub grown: Vec<ChangeRow>,
    /// Groups that shrank or vanished.
    pub shrunk: Vec<ChangeRow>,
    /// Notes on what limits the comparison (cut dumps).
    pub warnings: Vec<String>,
}

fn row(c: &GroupChange, vendor: &[String]) -> ChangeRow {
    ChangeRow {
        base: c.base_count,
        new: c.new_count,
        delta: c.delta(),
        appeared: c.appeared(),
        survivors: c.survivors,
        group: GroupRow::of(&c.group, vendor),
    }
}

/// Compares two snapshots.
pub fn build(
    (base_path, base): (&str, &GoroutineGroups),
    (new_path, new): (&str, &GoroutineGroups),
    vendor: &[String],
) -> GoroutineDiffReport {
    let d: GoroutineDiff = diff_groups(base, new);
    let mut warnings = Vec::new();
    for (path, g) in [(base_path, base), (new_path, new)] {
        if let Some(t) = &g.truncation {
            warnings.push(format!(
                "{path}: the dump was cut short ({}); its counts are low",
                t.reason
            ));
        }
    }
    GoroutineDiffReport {
        base: base_path.to_string(),
        new: new_path.to_string(),
        base_format: source_name(base.source),
        new_format: source_name(new.source),
        matched_on: match d.matched_on {
            MatchedOn::FullKey => "full_key",
            MatchedOn::EntryAndBlocking => "entry_and_blocking",
        },
        base_total: d.base_total,
        new_total: d.new_total,
        grown: d.grown.iter().map(|c| row(c, vendor)).collect(),
        shrunk: d.shrunk.iter().map(|c| row(c, vendor)).collect(),
        warnings,
    }
}

fn survivors_cell(c: &ChangeRow) -> String {
    c.survivors.map_or_else(|| "-".to_string(), |s| s.to_string())
}

fn wait_of(c: &ChangeRow) -> &str {
    c.group.wait.as_deref().unwrap_or("-")
}

/// Plain text.
pub fn render_text(r: &GoroutineDiffReport, top: usize, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "goroutines: {} ({}) -> {} ({}): {} -> {} ({:+})",
        r.base,
        r.base_format,
        r.new,
        r.new_format,
        r.base_total,
        r.new_total,
        i128::from(r.new_total) - i128::from(r.base_total)
    )?;
    if r.matched_on == "entry_and_blocking" {
        writeln!(
            out,
            "  (formats differ: groups matched on entry function and blocking site only)"
        )?;
    }
    for w in &r.warnings {
        writeln!(out, "  WARNING: {w}")?;
    }
    writeln!(out, "\n  groups that appeared or grew:")?;
    writeln!(
        out,
        "  {:>8} {:>8} {:>8} {:>9}  {:<24} blocking site",
        "delta", "base", "new", "survivors", "wait"
    )?;
    for c in r.grown.iter().take(top) {
        let new_mark = if c.appeared { " (new)" } else { "" };
        writeln!(
            out,
            "  {:>+8} {:>8} {:>8} {:>9}  {:<24} {}{new_mark}",
            c.delta,
            c.base,
            c.new,
            survivors_cell(c),
            wait_of(c),
            c.group.blocking.short()
        )?;
    }
    if r.grown.is_empty() {
        writeln!(out, "  (none)")?;
    }
    if let Some(c) = r.grown.first() {
        writeln!(
            out,
            "\n  largest growth, created {}; stack:",
            c.group.creation.short()
        )?;
        for f in &c.group.stack {
            writeln!(
                out,
                "     {} {} {}:{}",
                if f.user { "*" } else { " " },
                f.function,
                f.file,
                f.line
            )?;
        }
    }
    if !r.shrunk.is_empty() {
        writeln!(out, "\n  {} groups shrank or vanished", r.shrunk.len())?;
    }
    Ok(())
}

/// Markdown.
pub fn render_markdown(r: &GoroutineDiffReport, top: usize, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Goroutines `{}` ({}) → `{}` ({}): **{} → {}**\n",
        md_cell(&r.base),
        r.base_format,
        md_cell(&r.new),
        r.new_format,
        r.base_total,
        r.new_total
    )?;
    for w in &r.warnings {
        writeln!(out, "> **Warning:** {}\n", md_cell(w))?;
    }
    writeln!(
        out,
        "| delta | base | new | survivors | wait | blocking site | created at |"
    )?;
    writeln!(out, "|---:|---:|---:|---:|---|---|---|")?;
    for c in r.grown.iter().take(top) {
        writeln!(
            out,
            "| {:+} | {} | {} | {} | {} | `{}` | `{}` |",
            c.delta,
            c.base,
            c.new,
            survivors_cell(c),
            md_cell(wait_of(c)),
            md_cell(&c.group.blocking.short()),
            md_cell(&c.group.creation.short())
        )?;
    }
    Ok(())
}
