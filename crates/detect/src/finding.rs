//! Findings and the verdict: what the detectors conclude, with the evidence a
//! user needs to check the conclusion.

use serde::Serialize;

use crate::snapshot::Frame;

/// The overall answer for a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Something keeps growing with no bound.
    Leak,
    /// Memory is high but is released later (pools, GC pacing): not a leak.
    Hangover,
    /// Nothing grows.
    Healthy,
}

impl Verdict {
    /// Lowercase name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Leak => "leak",
            Verdict::Hangover => "hangover",
            Verdict::Healthy => "healthy",
        }
    }
}

/// Whether a finding is a leak or an explanation of memory that will come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Unbounded growth.
    Leak,
    /// Released later; reported so the user knows why memory looks high.
    Hangover,
}

/// Where in the user's code a finding starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Go function.
    pub function: String,
    /// Source file.
    pub file: String,
    /// Line.
    pub line: u32,
}

impl From<&Frame> for Location {
    fn from(f: &Frame) -> Self {
        Location {
            function: f.function.clone(),
            file: f.file.clone(),
            line: f.line,
        }
    }
}

/// An estimated leak rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rate {
    /// Amount per minute.
    pub per_minute: f64,
    /// `bytes`, `goroutines` or `fds`.
    pub unit: &'static str,
}

/// A time series shown as evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    /// What was measured, e.g. `inuse_space at main.(*Cache).Put`.
    pub name: String,
    /// Unit of the values.
    pub unit: &'static str,
    /// Seconds since the first sample.
    pub t: Vec<f64>,
    /// Values.
    pub v: Vec<f64>,
}

/// What a user needs to check a finding.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Evidence {
    /// One-line facts, e.g. "+12.4 MiB in 60 s, Theil–Sen slope 12.1 MiB/min, Mann–Kendall p<0.001, 20 samples".
    pub facts: Vec<String>,
    /// The series the judgement rests on.
    pub series: Vec<Series>,
    /// Representative stacks, leaf first.
    pub stacks: Vec<Vec<Frame>>,
}

/// One conclusion of a detector.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Rule id from `leakscope-rules`.
    pub rule: &'static str,
    /// The rule's family.
    pub family: &'static str,
    /// Leak or hangover.
    pub severity: Severity,
    /// First user-code frame; `None` when the signal carries no stack (e.g. non-Go memory without source).
    pub location: Option<Location>,
    /// 0..1: how sure the detector is.
    pub confidence: f64,
    /// Estimated growth rate.
    pub rate: Option<Rate>,
    /// One line: what grows and why it is not noise.
    pub message: String,
    /// The facts, series and stacks behind it.
    pub evidence: Evidence,
    /// What to do about it (one line; `leakscope explain RULE` has more).
    pub advice: String,
    /// Seconds of sampling after which this rule was first reported (time to detect).
    pub detected_after_s: Option<f64>,
}

impl Finding {
    /// A finding for `rule`, with family and advice taken from the taxonomy.
    pub fn new(rule: &'static str, severity: Severity, message: String) -> Finding {
        let known = leakscope_rules::find(rule);
        Finding {
            rule,
            family: known.map_or("other", |r| r.family.as_str()),
            severity,
            location: None,
            confidence: 0.0,
            rate: None,
            message,
            evidence: Evidence::default(),
            advice: known.map_or("", |r| r.fix).to_string(),
            detected_after_s: None,
        }
    }
}

/// The result of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Leak, hangover or healthy.
    pub verdict: Verdict,
    /// Findings, most severe and fastest-growing first.
    pub findings: Vec<Finding>,
    /// Notes about degraded evidence (endpoints missing, dumps truncated, …).
    pub notes: Vec<String>,
}
