//! The profile section of `leakscope analyze`: totals per sample type, top
//! user-code sites, top functions (as `go tool pprof -top`) and top stacks.
//! Built from the model first; the renderers below only print it.

use std::collections::BTreeMap;
use std::io::Write;

use leakscope_profile::Profile;
use leakscope_profile::input::ProfileFormat;
use serde::Serialize;

use crate::output::{human, md_cell, percent, short_file};

/// What to compute for one profile.
#[derive(Clone, Debug)]
pub struct Options {
    /// pprof's `-sample_index` (`None`: the profile's default).
    pub sample_index: Option<String>,
    /// Rows per table.
    pub top: usize,
    /// Function prefixes that count as library code, not the user's.
    pub vendor_prefixes: Vec<String>,
}

/// A sample type as pprof names it.
#[derive(Serialize, Clone, Debug)]
pub struct SampleType {
    /// pprof's name (`inuse_space`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Unit (`bytes`).
    pub unit: String,
}

/// One row of `pprof -top`.
#[derive(Serialize, Clone, Debug)]
pub struct FunctionRow {
    /// Function name.
    pub name: String,
    /// Value where it is the leaf.
    pub flat: i64,
    /// Value where it is anywhere on the stack.
    pub cum: i64,
}

/// A line of a user site and the value attributed to it.
#[derive(Serialize, Clone, Debug)]
pub struct LineValue {
    /// Line number.
    pub line: i64,
    /// Attributed value.
    pub value: i64,
}

/// Value attributed to the first user-code frame of each stack.
#[derive(Serialize, Clone, Debug)]
pub struct SiteRow {
    /// Function name.
    pub function: String,
    /// Source file.
    pub file: String,
    /// False when no frame of the stacks was user code (the leaf is shown).
    pub user: bool,
    /// Attributed value of the selected sample type.
    pub flat: i64,
    /// Attributed value of the companion type (objects beside bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flat_companion: Option<i64>,
    /// Value of stacks containing the function anywhere.
    pub cum: i64,
    /// Attributed lines, largest first.
    pub lines: Vec<LineValue>,
}

/// One frame of an evidence stack.
#[derive(Serialize, Clone, Debug)]
pub struct FrameRow {
    /// Function name (hex address when unsymbolized).
    pub function: String,
    /// Source file.
    pub file: String,
    /// Line number.
    pub line: i64,
    /// Inlined into the next frame.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inlined: bool,
}

/// A distinct stack and its value.
#[derive(Serialize, Clone, Debug)]
pub struct StackRow {
    /// Value of the selected sample type.
    pub value: i64,
    /// Value of the companion type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companion: Option<i64>,
    /// Frames, leaf first.
    pub frames: Vec<FrameRow>,
}

/// Everything `analyze` reports about one profile.
#[derive(Serialize, Clone, Debug)]
pub struct ProfileSummary {
    /// The format the file was in.
    pub format: &'static str,
    /// heap, allocs, goroutine, block/mutex, threadcreate, cpu, or "profile".
    pub profile_type: String,
    /// The sample types, in profile order.
    pub sample_types: Vec<SampleType>,
    /// The sample type the tables are about.
    pub sample_index: String,
    /// Its unit.
    pub unit: String,
    /// The companion sample type (objects beside bytes), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companion: Option<String>,
    /// pprof's total per sample type, in the profile's own units.
    pub totals: BTreeMap<String, i64>,
    /// Samples in the profile.
    pub samples: usize,
    /// Events between sampled occurrences.
    pub period: i64,
    /// Collection time (ns since the epoch; 0 unknown).
    pub time_nanos: i64,
    /// Time covered (ns; 0 unknown).
    pub duration_nanos: i64,
    /// Top sites in user code.
    pub top_user_sites: Vec<SiteRow>,
    /// Top functions, as `go tool pprof -top`.
    pub top_functions: Vec<FunctionRow>,
    /// Top distinct stacks.
    pub top_stacks: Vec<StackRow>,
    /// `# runtime.MemStats` of a legacy heap profile.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub memstats: BTreeMap<String, String>,
}

/// What kind of Go profile this is, from its sample types.
pub fn profile_type(p: &Profile) -> String {
    let names = p.sample_type_names();
    match names.as_slice() {
        ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"] => {
            if p.default_sample_type == "alloc_space" {
                "allocs"
            } else {
                "heap"
            }
            .into()
        }
        ["objects", "space"] => "heap".into(),
        ["contentions", "delay"] => "block/mutex".into(),
        ["samples", "cpu"] => "cpu".into(),
        [one] => one.to_string(),
        _ => "profile".into(),
    }
}

/// One evidence frame as printed: `function  dir/file.go:line`, or the bare
/// address of a frame Go printed no symbol for.
pub fn frame_text(f: &FrameRow) -> String {
    if f.file.is_empty() {
        return f.function.clone();
    }
    format!("{}  {}:{}", f.function, short_file(&f.file), f.line)
}

/// The frames of one sample, for evidence.
pub fn stack_frames(p: &Profile, sample: usize) -> Vec<FrameRow> {
    let Some(s) = p.samples.get(sample) else {
        return Vec::new();
    };
    p.frames(s)
        .map(|f| FrameRow {
            function: f.display_name(),
            file: f.file.to_string(),
            line: f.line,
            inlined: f.inlined,
        })
        .collect()
}

/// Builds the summary; fails only on an unknown sample index.
pub fn summarize(p: &Profile, format: ProfileFormat, o: &Options) -> anyhow::Result<ProfileSummary> {
    let index = p.sample_index(o.sample_index.as_deref())?;
    let companion = p.companion_index(index);
    let top_user_sites = p
        .top_user_sites(index, &o.vendor_prefixes)
        .into_iter()
        .take(o.top)
        .map(SiteRow::from)
        .collect();
    let top_functions = p
        .top_functions(index)
        .into_iter()
        .take(o.top)
        .map(|f| FunctionRow {
            name: f.name,
            flat: f.flat,
            cum: f.cum,
        })
        .collect();
    let top_stacks = p
        .top_stacks(index)
        .into_iter()
        .take(o.top)
        .map(|s| StackRow {
            value: s.value,
            companion: s.companion,
            frames: stack_frames(p, s.sample),
        })
        .collect();
    Ok(ProfileSummary {
        format: format.name(),
        profile_type: profile_type(p),
        sample_types: p
            .sample_types
            .iter()
            .map(|t| SampleType {
                ty: t.ty.clone(),
                unit: t.unit.clone(),
            })
            .collect(),
        sample_index: p.sample_types[index].ty.clone(),
        unit: p.sample_types[index].unit.clone(),
        companion: companion.map(|c| p.sample_types[c].ty.clone()),
        totals: p.totals().into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        samples: p.samples.len(),
        period: p.period,
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        top_user_sites,
        top_functions,
        top_stacks,
        memstats: p.memstats.iter().cloned().collect(),
    })
}

/// The summary as aligned text.
pub fn render_text(s: &ProfileSummary, out: &mut impl Write) -> std::io::Result<()> {
    let unit = s.unit.as_str();
    let total = s.totals.get(&s.sample_index).copied().unwrap_or(0);
    writeln!(
        out,
        "{} profile ({}), {} samples",
        s.profile_type, s.format, s.samples
    )?;
    let totals: Vec<String> = s
        .sample_types
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t.ty,
                human(s.totals.get(&t.ty).copied().unwrap_or(0), &t.unit)
            )
        })
        .collect();
    writeln!(out, "  totals: {}", totals.join(", "))?;
    writeln!(
        out,
        "\n  top sites in user code by {} (flat: first user frame of the stack):",
        s.sample_index
    )?;
    writeln!(out, "  {:>12} {:>7} {:>12}  function", "flat", "flat%", "cum")?;
    for r in &s.top_user_sites {
        let lines: Vec<String> = r.lines.iter().take(3).map(|l| l.line.to_string()).collect();
        let mark = if r.user { "" } else { " (no user frame)" };
        writeln!(
            out,
            "  {:>12} {:>7} {:>12}  {}{mark}  {}:{}",
            human(r.flat, unit),
            percent(r.flat, total),
            human(r.cum, unit),
            r.function,
            short_file(&r.file),
            lines.join(",")
        )?;
    }
    writeln!(
        out,
        "\n  top functions by {} (as go tool pprof -top):",
        s.sample_index
    )?;
    writeln!(out, "  {:>12} {:>7} {:>12}  function", "flat", "flat%", "cum")?;
    for r in &s.top_functions {
        writeln!(
            out,
            "  {:>12} {:>7} {:>12}  {}",
            human(r.flat, unit),
            percent(r.flat, total),
            human(r.cum, unit),
            r.name
        )?;
    }
    writeln!(out, "\n  top stacks by {}:", s.sample_index)?;
    for (i, st) in s.top_stacks.iter().enumerate() {
        let companion = match (st.companion, &s.companion) {
            (Some(c), Some(name)) => format!(" ({c} {name})"),
            _ => String::new(),
        };
        writeln!(out, "  #{} {}{companion}", i + 1, human(st.value, unit))?;
        for f in &st.frames {
            writeln!(out, "      {}", frame_text(f))?;
        }
    }
    Ok(())
}

/// The summary as Markdown.
pub fn render_markdown(s: &ProfileSummary, out: &mut impl Write) -> std::io::Result<()> {
    let unit = s.unit.as_str();
    writeln!(
        out,
        "{} profile ({}), {} samples\n",
        s.profile_type, s.format, s.samples
    )?;
    writeln!(out, "| sample type | total |\n|---|---:|")?;
    for t in &s.sample_types {
        writeln!(
            out,
            "| {} | {} |",
            t.ty,
            human(s.totals.get(&t.ty).copied().unwrap_or(0), &t.unit)
        )?;
    }
    writeln!(out, "\n**Top sites in user code by {}**\n", s.sample_index)?;
    writeln!(out, "| flat | cum | function | file:lines |\n|---:|---:|---|---|")?;
    for r in &s.top_user_sites {
        let lines: Vec<String> = r.lines.iter().take(3).map(|l| l.line.to_string()).collect();
        writeln!(
            out,
            "| {} | {} | `{}`{} | {}:{} |",
            human(r.flat, unit),
            human(r.cum, unit),
            md_cell(&r.function),
            if r.user { "" } else { " (no user frame)" },
            md_cell(short_file(&r.file)),
            lines.join(",")
        )?;
    }
    writeln!(out, "\n**Top stacks by {}**\n", s.sample_index)?;
    for (i, st) in s.top_stacks.iter().enumerate() {
        writeln!(out, "{}. {}\n\n```", i + 1, human(st.value, unit))?;
        for f in &st.frames {
            writeln!(out, "{}", frame_text(f))?;
        }
        writeln!(out, "```\n")?;
    }
    Ok(())
}

impl From<leakscope_profile::profile_top::SiteTotal> for SiteRow {
    fn from(s: leakscope_profile::profile_top::SiteTotal) -> SiteRow {
        SiteRow {
            function: s.function,
            file: s.file,
            user: s.user,
            flat: s.flat,
            flat_companion: s.flat_companion,
            cum: s.cum,
            lines: s
                .lines
                .into_iter()
                .map(|(line, value)| LineValue { line, value })
                .collect(),
        }
    }
}
