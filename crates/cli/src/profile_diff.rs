//! Growth between two profiles of the same kind (`leakscope diff` on pprof
//! inputs): the base is subtracted as `go tool pprof -base` does it, then the
//! difference is ranked by user site, by function and by stack.

use std::collections::BTreeMap;
use std::io::Write;

use leakscope_profile::Profile;
use serde::Serialize;

use crate::output::{human, md_cell, short_file, signed};
use crate::profile_summary::{FunctionRow, SiteRow, StackRow, frame_text, profile_type, stack_frames};

/// One side of the diff.
#[derive(Serialize, Debug)]
pub struct Side {
    /// The path as given.
    pub path: String,
    /// pprof's total per sample type.
    pub totals: BTreeMap<String, i64>,
}

/// The growth report.
#[derive(Serialize, Debug)]
pub struct ProfileDiff {
    /// The kind of profile both inputs are.
    pub profile_type: String,
    /// The base profile.
    pub base: Side,
    /// The newer profile.
    pub new: Side,
    /// The sample type ranked by.
    pub sample_index: String,
    /// Its unit.
    pub unit: String,
    /// The companion type (objects beside bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companion: Option<String>,
    /// new − base for every sample type.
    pub growth: BTreeMap<String, i64>,
    /// The total `go tool pprof -top -base` prints (sum of |difference| per stack).
    pub pprof_total: i64,
    /// User sites, most growth first (flat = growth attributed to the site).
    pub user_sites: Vec<SiteRow>,
    /// Functions as `go tool pprof -top -base` lists them.
    pub top_functions: Vec<FunctionRow>,
    /// Stacks, most growth first.
    pub stacks: Vec<StackRow>,
    /// Where the difference profile was written (`-o`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// Computes `new − base` and ranks it; returns the difference profile too (for `-o`).
/// `new` is consumed: its samples move into the difference instead of being copied.
pub fn diff(
    base: (&str, &Profile),
    new: (&str, Profile),
    sample_index: Option<&str>,
    top: usize,
    vendor_prefixes: &[String],
) -> anyhow::Result<(ProfileDiff, Profile)> {
    let index = new.1.sample_index(sample_index)?;
    let side = |(path, p): (&str, &Profile)| Side {
        path: path.to_string(),
        totals: p.totals().into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    };
    let (base_side, new_side, kind) = (side(base), side((new.0, &new.1)), profile_type(&new.1));
    let d = new.1.subtract_owned(base.1)?;
    let mut sites = d.top_user_sites(index, vendor_prefixes);
    sites.sort_by(|a, b| b.flat.cmp(&a.flat).then_with(|| a.function.cmp(&b.function)));
    let user_sites = sites
        .into_iter()
        .filter(|s| s.flat != 0 || s.flat_companion.unwrap_or(0) != 0)
        .take(top)
        .map(SiteRow::from)
        .collect();
    let mut stacks = d.top_stacks(index);
    stacks.sort_by(|a, b| b.value.cmp(&a.value).then(a.sample.cmp(&b.sample)));
    let stacks = stacks
        .into_iter()
        .take(top)
        .map(|s| StackRow {
            value: s.value,
            companion: s.companion,
            frames: stack_frames(&d, s.sample),
        })
        .collect();
    let report = ProfileDiff {
        profile_type: kind,
        base: base_side,
        new: new_side,
        sample_index: d.sample_types[index].ty.clone(),
        unit: d.sample_types[index].unit.clone(),
        companion: d.companion_index(index).map(|c| d.sample_types[c].ty.clone()),
        growth: (0..d.sample_types.len())
            .map(|i| (d.sample_types[i].ty.clone(), d.net_total(i)))
            .collect(),
        pprof_total: d.pprof_total(index),
        user_sites,
        top_functions: d
            .top_functions(index)
            .into_iter()
            .take(top)
            .map(|f| FunctionRow {
                name: f.name,
                flat: f.flat,
                cum: f.cum,
            })
            .collect(),
        stacks,
        output: None,
    };
    Ok((report, d))
}

/// The growth report as aligned text.
pub fn render_text(r: &ProfileDiff, out: &mut impl Write) -> std::io::Result<()> {
    let unit = r.unit.as_str();
    writeln!(
        out,
        "{} profile growth: {} -> {}",
        r.profile_type, r.base.path, r.new.path
    )?;
    for (ty, growth) in &r.growth {
        let b = r.base.totals.get(ty).copied().unwrap_or(0);
        let n = r.new.totals.get(ty).copied().unwrap_or(0);
        let u = if ty.ends_with("space") || ty == "space" {
            "bytes"
        } else if ty == "delay" {
            "nanoseconds"
        } else {
            ""
        };
        writeln!(
            out,
            "  {ty:<14} {:>12} -> {:>12}  ({})",
            human(b, u),
            human(n, u),
            signed(*growth, u)
        )?;
    }
    let companion = r.companion.as_deref().unwrap_or("");
    let with = if companion.is_empty() {
        String::new()
    } else {
        format!(" and {companion}")
    };
    writeln!(
        out,
        "\n  growth by user site (first user-code frame of each stack), {}{with}:",
        r.sample_index
    )?;
    writeln!(
        out,
        "  {:>12} {:>10}  function",
        "growth",
        if companion.is_empty() { "" } else { "objects" }
    )?;
    for s in &r.user_sites {
        let lines: Vec<String> = s.lines.iter().take(3).map(|l| l.line.to_string()).collect();
        let mark = if s.user { "" } else { " (no user frame)" };
        writeln!(
            out,
            "  {:>12} {:>10}  {}{mark}  {}:{}",
            signed(s.flat, unit),
            s.flat_companion.map(|c| signed(c, "count")).unwrap_or_default(),
            s.function,
            short_file(&s.file),
            lines.join(",")
        )?;
    }
    writeln!(out, "\n  growth by function (as go tool pprof -top -base):")?;
    writeln!(out, "  {:>12} {:>12}  function", "flat", "cum")?;
    for f in &r.top_functions {
        writeln!(
            out,
            "  {:>12} {:>12}  {}",
            signed(f.flat, unit),
            signed(f.cum, unit),
            f.name
        )?;
    }
    writeln!(out, "\n  growth by stack:")?;
    for (i, st) in r.stacks.iter().enumerate() {
        let c = st
            .companion
            .map(|c| format!(" ({} objects)", signed(c, "count")))
            .unwrap_or_default();
        writeln!(out, "  #{} {}{c}", i + 1, signed(st.value, unit))?;
        for f in &st.frames {
            writeln!(out, "      {}", frame_text(f))?;
        }
    }
    if let Some(o) = &r.output {
        writeln!(
            out,
            "\n  difference profile written to {o} (open with: go tool pprof -top {o})"
        )?;
    }
    Ok(())
}

/// The growth report as Markdown.
pub fn render_markdown(r: &ProfileDiff, out: &mut impl Write) -> std::io::Result<()> {
    let unit = r.unit.as_str();
    writeln!(
        out,
        "## {} growth: `{}` → `{}`\n",
        r.profile_type,
        md_cell(&r.base.path),
        md_cell(&r.new.path)
    )?;
    writeln!(out, "| sample type | base | new | growth |\n|---|---:|---:|---:|")?;
    for (ty, g) in &r.growth {
        let b = r.base.totals.get(ty).copied().unwrap_or(0);
        let n = r.new.totals.get(ty).copied().unwrap_or(0);
        writeln!(out, "| {ty} | {b} | {n} | {g:+} |")?;
    }
    writeln!(out, "\n**Growth by user site ({})**\n", r.sample_index)?;
    writeln!(
        out,
        "| growth | objects | function | file:lines |\n|---:|---:|---|---|"
    )?;
    for s in &r.user_sites {
        let lines: Vec<String> = s.lines.iter().take(3).map(|l| l.line.to_string()).collect();
        writeln!(
            out,
            "| {} | {} | `{}` | {}:{} |",
            signed(s.flat, unit),
            s.flat_companion.map(|c| signed(c, "count")).unwrap_or_default(),
            md_cell(&s.function),
            md_cell(short_file(&s.file)),
            lines.join(",")
        )?;
    }
    writeln!(out, "\n**Growth by stack**\n")?;
    for (i, st) in r.stacks.iter().enumerate() {
        writeln!(out, "{}. {}\n\n```", i + 1, signed(st.value, unit))?;
        for f in &st.frames {
            writeln!(out, "{}", frame_text(f))?;
        }
        writeln!(out, "```\n")?;
    }
    Ok(())
}
