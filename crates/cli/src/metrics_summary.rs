//! The metrics section of `leakscope analyze`: live heap, goroutines, fds
//! and GC figures from a Prometheus page, an expvar page or gctrace output.

use std::collections::BTreeMap;
use std::io::Write;

use leakscope_profile::runtime_figures::Metrics;
use serde::Serialize;

use crate::output::human;

/// The post-GC live heap over a gctrace.
#[derive(Serialize, Clone, Debug)]
pub struct LiveHeapSeries {
    /// GC cycles read.
    pub cycles: usize,
    /// Cycles started by the program (`(forced)`).
    pub forced: usize,
    /// Lines that looked like gctrace but could not be read.
    pub unreadable: u64,
    /// `[seconds since start, live heap bytes]` per cycle.
    pub points: Vec<(f64, u64)>,
}

/// The metrics section of one file.
#[derive(Serialize, Clone, Debug)]
pub struct MetricsSummary {
    /// `prometheus`, `expvar` or `gctrace`.
    pub format: &'static str,
    /// Go version, when the page says.
    pub go_version: Option<String>,
    /// Every figure found, by name (`goroutines`, `heap_live_bytes`, `open_fds`, ...).
    pub figures: BTreeMap<&'static str, f64>,
    /// The live-heap series (gctrace only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_heap: Option<LiveHeapSeries>,
}

/// Builds the section.
pub fn summarize(metrics: &Metrics) -> MetricsSummary {
    let figures = metrics.figures();
    let live_heap = match metrics {
        Metrics::GcTrace(t) => Some(LiveHeapSeries {
            cycles: t.cycles.len(),
            forced: t.cycles.iter().filter(|c| c.forced).count(),
            unreadable: t.unreadable,
            points: t.live_heap_series(),
        }),
        _ => None,
    };
    MetricsSummary {
        format: metrics.format_name(),
        go_version: figures.go_version.clone(),
        figures: figures.present().into_iter().collect(),
        live_heap,
    }
}

/// The unit of a figure, for display.
fn unit(name: &str) -> &'static str {
    if name.ends_with("_bytes") {
        "bytes"
    } else {
        "count"
    }
}

fn shown(name: &str, value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 9.0e18 {
        human(value as i64, unit(name))
    } else {
        format!("{value}")
    }
}

/// Plain text.
pub fn render_text(s: &MetricsSummary, out: &mut impl Write) -> std::io::Result<()> {
    let version = s
        .go_version
        .as_deref()
        .map(|v| format!(" from {v}"))
        .unwrap_or_default();
    writeln!(out, "metrics ({}){version}:", s.format)?;
    for (name, value) in &s.figures {
        writeln!(out, "  {name:<20} {}", shown(name, *value))?;
    }
    if let Some(h) = &s.live_heap {
        render_series_text(h, out)?;
    }
    Ok(())
}

fn render_series_text(h: &LiveHeapSeries, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "  live heap after each GC ({} cycles, {} forced):",
        h.cycles, h.forced
    )?;
    let (Some(first), Some(last)) = (h.points.first(), h.points.last()) else {
        return Ok(());
    };
    let min = h.points.iter().map(|p| p.1).min().unwrap_or(0);
    let max = h.points.iter().map(|p| p.1).max().unwrap_or(0);
    writeln!(
        out,
        "    first {} at {:.1}s, last {} at {:.1}s, min {}, max {}",
        human(i64::try_from(first.1).unwrap_or(i64::MAX), "bytes"),
        first.0,
        human(i64::try_from(last.1).unwrap_or(i64::MAX), "bytes"),
        last.0,
        human(i64::try_from(min).unwrap_or(i64::MAX), "bytes"),
        human(i64::try_from(max).unwrap_or(i64::MAX), "bytes"),
    )?;
    if h.unreadable > 0 {
        writeln!(out, "    ({} gctrace lines could not be read)", h.unreadable)?;
    }
    Ok(())
}

/// Markdown.
pub fn render_markdown(s: &MetricsSummary, out: &mut impl Write) -> std::io::Result<()> {
    let version = s
        .go_version
        .as_deref()
        .map(|v| format!(" from {v}"))
        .unwrap_or_default();
    writeln!(out, "Metrics ({}){version}:\n", s.format)?;
    writeln!(out, "| figure | value |\n|---|---:|")?;
    for (name, value) in &s.figures {
        writeln!(out, "| {name} | {} |", shown(name, *value))?;
    }
    if let Some(h) = &s.live_heap {
        writeln!(out)?;
        render_series_text(h, out)?;
    }
    Ok(())
}
