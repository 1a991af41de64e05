//! The goroutine section of `leakscope analyze`: groups by (creation site,
//! blocking site, wait reason) with counts, longest wait and the stuck flag,
//! for any goroutine format (`debug=2`, tracebacks, `debug=1`, proto).
//! Built from the model first; the renderers only print it.

use std::collections::BTreeMap;
use std::io::Write;

use leakscope_profile::Profile;
use leakscope_profile::attribution::is_user_function;
use leakscope_profile::goroutine::Frame;
use leakscope_profile::goroutine_group::{
    GoroutineGroup, GoroutineGroups, GroupOptions, GroupSource, count_profile_from_proto, group_counts,
    group_dump,
};
use leakscope_profile::input::Input;
use serde::Serialize;

use crate::output::{md_cell, short_file};

/// A frame as reports show it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Function name.
    pub function: String,
    /// Source file ("" when unknown).
    pub file: String,
    /// Line.
    pub line: u32,
    /// Whether it is the user's code (not runtime, standard library or a vendor prefix).
    pub user: bool,
}

impl Site {
    /// The report form of a model frame.
    pub fn of(f: &Frame, vendor: &[String]) -> Site {
        Site {
            function: f.function.clone(),
            file: f.file.clone(),
            line: f.line,
            user: is_user_function(&f.function, vendor),
        }
    }

    /// `function file:line`, short.
    pub fn short(&self) -> String {
        if self.file.is_empty() {
            self.function.clone()
        } else {
            format!("{} {}:{}", self.function, short_file(&self.file), self.line)
        }
    }
}

/// One group in a report.
#[derive(Serialize, Clone, Debug)]
pub struct GroupRow {
    /// Members.
    pub count: u64,
    /// Wait reason or status, if known.
    pub wait: Option<String>,
    /// True when `wait` was inferred from runtime frames (proto).
    pub wait_inferred: bool,
    /// Family of the wait (`channel`, `sync`, `io`, ...).
    pub wait_kind: &'static str,
    /// Longest wait of a member in minutes (`debug=2`/tracebacks only).
    pub longest_wait_minutes: Option<u32>,
    /// Members the runtime marked `(leaked)`.
    pub leaked: u64,
    /// Why the group looks stuck (null if it does not).
    pub stuck: Option<String>,
    /// The `go` statement (`created by`), else the entry function.
    pub creation: Site,
    /// Whether `creation` is the `go` statement.
    pub creation_is_go_statement: bool,
    /// Where the members wait: first frame in user code from the leaf.
    pub blocking: Site,
    /// The most common full stack of the group, leaf first: the evidence.
    pub stack: Vec<Site>,
    /// How many distinct stacks the group merges.
    pub distinct_stacks: usize,
    /// Member goroutine ids (`debug=2`/tracebacks only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<u64>,
}

impl GroupRow {
    /// The report form of a model group.
    pub fn of(g: &GoroutineGroup, vendor: &[String]) -> GroupRow {
        GroupRow {
            count: g.count,
            wait: g.wait.clone(),
            wait_inferred: g.wait_inferred,
            wait_kind: g.kind.name(),
            longest_wait_minutes: g.longest_wait_minutes,
            leaked: g.leaked,
            stuck: g.stuck.clone(),
            creation: Site::of(&g.creation, vendor),
            creation_is_go_statement: g.creation_is_go_statement,
            blocking: Site::of(&g.blocking, vendor),
            stack: g.stack.iter().map(|f| Site::of(f, vendor)).collect(),
            distinct_stacks: g.distinct_stacks,
            ids: g.ids.clone(),
        }
    }
}

/// The goroutine section of one file.
#[derive(Serialize, Clone, Debug)]
pub struct GoroutineSummary {
    /// `debug2`, `traceback`, `debug1` or `proto`.
    pub format: &'static str,
    /// Total goroutines, keyed by pprof's sample type (`goroutine`, `goroutineleak`).
    pub totals: BTreeMap<String, u64>,
    /// Set when a dump was cut short: counts are then low.
    pub truncated: Option<String>,
    /// How many groups look stuck.
    pub stuck_groups: usize,
    /// Groups, largest first.
    pub groups: Vec<GroupRow>,
}

/// The format name used in reports.
pub fn source_name(s: GroupSource) -> &'static str {
    match s {
        GroupSource::Debug2 => "debug2",
        GroupSource::Traceback => "traceback",
        GroupSource::Debug1 => "debug1",
        GroupSource::Proto => "proto",
    }
}

/// The groups of any goroutine-kind input; `None` for other inputs.
pub fn groups_of(input: &Input, options: &GroupOptions) -> Option<GoroutineGroups> {
    match input {
        Input::Goroutines(dump) => Some(group_dump(dump, options)),
        Input::GoroutineCounts(counts) => Some(group_counts(counts, GroupSource::Debug1, options)),
        Input::Profile { profile, .. } => proto_groups(profile, options),
        _ => None,
    }
}

/// Groups of a goroutine, goroutineleak or threadcreate proto.
pub fn proto_groups(profile: &Profile, options: &GroupOptions) -> Option<GoroutineGroups> {
    count_profile_from_proto(profile).map(|c| group_counts(&c, GroupSource::Proto, options))
}

/// The profile name a set of groups counts (`goroutine` unless the input says otherwise).
fn profile_name(input: &Input) -> String {
    match input {
        Input::GoroutineCounts(c) => c.name.clone(),
        Input::Profile { profile, .. } => profile
            .sample_types
            .first()
            .map_or_else(|| "goroutine".to_string(), |t| t.ty.clone()),
        _ => "goroutine".to_string(),
    }
}

/// The section for one input, or `None` if it holds no goroutines.
pub fn summarize(input: &Input, options: &GroupOptions) -> Option<GoroutineSummary> {
    let groups = groups_of(input, options)?;
    let vendor = &options.vendor_prefixes;
    let truncated = groups.truncation.as_ref().map(|t| {
        format!(
            "{}: counts are low, take them from the debug=0 profile (goroutine?debug=0) instead",
            t.reason
        )
    });
    Some(GoroutineSummary {
        format: source_name(groups.source),
        totals: BTreeMap::from([(profile_name(input), groups.total)]),
        truncated,
        stuck_groups: groups.groups.iter().filter(|g| g.stuck.is_some()).count(),
        groups: groups.groups.iter().map(|g| GroupRow::of(g, vendor)).collect(),
    })
}

/// Plain-text rendering: a table of the `top` largest groups, then the stacks of the stuck ones.
pub fn render_text(s: &GoroutineSummary, top: usize, out: &mut impl Write) -> std::io::Result<()> {
    let total: u64 = s.totals.values().sum();
    writeln!(
        out,
        "goroutines ({}): {total} in {} groups, {} stuck",
        s.format,
        s.groups.len(),
        s.stuck_groups
    )?;
    if let Some(t) = &s.truncated {
        writeln!(out, "  WARNING: the dump was cut short: {t}")?;
    }
    writeln!(
        out,
        "\n  {:>8} {:<30} {:>8}  {:<5}  blocking site -> created at",
        "count", "wait", "longest", "stuck"
    )?;
    for g in s.groups.iter().take(top) {
        writeln!(
            out,
            "  {:>8} {:<30} {:>8}  {:<5}  {} -> {}",
            g.count,
            wait_cell(g),
            minutes_cell(g.longest_wait_minutes),
            if g.stuck.is_some() { "STUCK" } else { "" },
            g.blocking.short(),
            creation_cell(g)
        )?;
    }
    if s.groups.len() > top {
        writeln!(
            out,
            "  ... {} more groups (--top N shows more)",
            s.groups.len() - top
        )?;
    }
    for (i, g) in s
        .groups
        .iter()
        .filter(|g| g.stuck.is_some())
        .take(top)
        .enumerate()
    {
        writeln!(out, "\n  stuck #{}: {}", i + 1, g.stuck.as_deref().unwrap_or(""))?;
        writeln!(
            out,
            "    blocked at {} (created {})",
            g.blocking.short(),
            creation_cell(g)
        )?;
        writeln!(out, "    stack (most common of {}):", g.distinct_stacks)?;
        for f in &g.stack {
            let mark = if f.user { "*" } else { " " };
            writeln!(out, "     {mark} {} {}:{}", f.function, f.file, f.line)?;
        }
    }
    Ok(())
}

/// Markdown rendering.
pub fn render_markdown(s: &GoroutineSummary, top: usize, out: &mut impl Write) -> std::io::Result<()> {
    let total: u64 = s.totals.values().sum();
    writeln!(
        out,
        "Goroutines ({}): **{total}** in {} groups, **{}** stuck.\n",
        s.format,
        s.groups.len(),
        s.stuck_groups
    )?;
    if let Some(t) = &s.truncated {
        writeln!(out, "> **Warning:** the dump was cut short: {t}\n")?;
    }
    writeln!(
        out,
        "| count | wait | longest | stuck | blocking site | created at |"
    )?;
    writeln!(out, "|---:|---|---:|---|---|---|")?;
    for g in s.groups.iter().take(top) {
        writeln!(
            out,
            "| {} | {} | {} | {} | `{}` | `{}` |",
            g.count,
            md_cell(&wait_cell(g)),
            minutes_cell(g.longest_wait_minutes),
            g.stuck.as_deref().map(md_cell).unwrap_or_default(),
            md_cell(&g.blocking.short()),
            md_cell(&creation_cell(g))
        )?;
    }
    for g in s.groups.iter().filter(|g| g.stuck.is_some()).take(top) {
        writeln!(
            out,
            "\n<details><summary>{} goroutines at <code>{}</code></summary>\n",
            g.count,
            g.blocking.short()
        )?;
        writeln!(out, "```")?;
        for f in &g.stack {
            writeln!(out, "{}\n\t{}:{}", f.function, f.file, f.line)?;
        }
        writeln!(out, "```\n</details>")?;
    }
    Ok(())
}

/// Go prints waits from one minute on: 0 means "under a minute".
fn minutes_cell(m: Option<u32>) -> String {
    match m {
        None => "-".to_string(),
        Some(0) => "<1 min".to_string(),
        Some(m) => format!("{m} min"),
    }
}

fn wait_cell(g: &GroupRow) -> String {
    match (&g.wait, g.wait_inferred) {
        (Some(w), false) => w.clone(),
        (Some(w), true) => format!("{w} (inferred)"),
        (None, _) => "-".to_string(),
    }
}

fn creation_cell(g: &GroupRow) -> String {
    if g.creation_is_go_statement {
        g.creation.short()
    } else {
        format!("{} (entry)", g.creation.short())
    }
}
