//! Aggregations of a profile for one sample type: totals, top functions
//! (as `go tool pprof -top` computes them), top user-code sites and top stacks.

use std::collections::HashMap;

use crate::attribution::is_user_function;
use crate::profile::{Frame, Profile};

/// Flat and cumulative value of one function, as a row of `pprof -top`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionTotal {
    /// Function name (`<unknown>` or `[object file]` when unsymbolized, as pprof prints it).
    pub name: String,
    /// Value of samples whose leaf frame is this function.
    pub flat: i64,
    /// Value of samples with this function anywhere in the stack (counted once per sample).
    pub cum: i64,
}

/// Value attributed to one user-code function: samples whose first user frame is it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteTotal {
    /// The function (the leaf function when no frame is user code).
    pub function: String,
    /// Its source file.
    pub file: String,
    /// Whether `function` is user code (false: the stack had no user frame).
    pub user: bool,
    /// Value of samples attributed here.
    pub flat: i64,
    /// Same as `flat` for the companion sample type (e.g. objects beside bytes).
    pub flat_companion: Option<i64>,
    /// Value of samples with this function anywhere in the stack.
    pub cum: i64,
    /// The attributed lines of the function and their values, largest first.
    pub lines: Vec<(i64, i64)>,
}

/// One distinct stack (by function and line) and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackTotal {
    /// Summed value for the selected sample type.
    pub value: i64,
    /// Summed value for the companion sample type, if any.
    pub companion: Option<i64>,
    /// Index of one sample with this stack; its frames are the evidence.
    pub sample: usize,
}

impl Profile {
    /// The total pprof prints for a sample type: the sum of absolute sample
    /// values — only over `pprof::base` samples when some are marked (a
    /// `-diff_base` profile), so percentages are relative to the base.
    pub fn pprof_total(&self, index: usize) -> i64 {
        let (mut total, mut base) = (0i64, 0i64);
        for s in &self.samples {
            let v = s.values.get(index).copied().unwrap_or(0).saturating_abs();
            total = total.saturating_add(v);
            if s.labels.iter().any(|l| l.key == "pprof::base") {
                base = base.saturating_add(v);
            }
        }
        if base > 0 { base } else { total }
    }

    /// The signed sum of sample values for a sample type (the net growth of a diff).
    pub fn net_total(&self, index: usize) -> i64 {
        self.samples.iter().fold(0i64, |acc, s| {
            acc.saturating_add(s.values.get(index).copied().unwrap_or(0))
        })
    }

    /// `(sample type name, pprof total)` for every sample type.
    pub fn totals(&self) -> Vec<(&str, i64)> {
        (0..self.sample_types.len())
            .map(|i| (self.sample_types[i].ty.as_str(), self.pprof_total(i)))
            .collect()
    }

    /// The companion of a heap sample type: `inuse_objects` for `inuse_space` and back.
    pub fn companion_index(&self, index: usize) -> Option<usize> {
        let ty = &self.sample_types.get(index)?.ty;
        let other = if let Some(p) = ty.strip_suffix("space") {
            format!("{p}objects")
        } else if let Some(p) = ty.strip_suffix("objects") {
            format!("{p}space")
        } else {
            return None;
        };
        self.sample_types.iter().position(|t| t.ty == other)
    }

    /// Every function with its flat and cum value, ordered as `pprof -top`
    /// orders them (largest |flat|, then name, then largest |cum|).
    pub fn top_functions(&self, index: usize) -> Vec<FunctionTotal> {
        let mut nodes: HashMap<NodeKey<'_>, (i64, i64, usize)> = HashMap::new();
        for (si, s) in self.samples.iter().enumerate() {
            let v = s.values.get(index).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            for (fi, frame) in self.frames(s).enumerate() {
                let node = nodes
                    .entry(NodeKey::of(self, &frame))
                    .or_insert((0, 0, usize::MAX));
                if fi == 0 {
                    node.0 = node.0.saturating_add(v);
                }
                if node.2 != si {
                    node.2 = si;
                    node.1 = node.1.saturating_add(v);
                }
            }
        }
        let mut rows: Vec<FunctionTotal> = nodes
            .into_iter()
            .map(|(k, (flat, cum, _))| FunctionTotal {
                name: k.name(),
                flat,
                cum,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.flat
                .saturating_abs()
                .cmp(&a.flat.saturating_abs())
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| b.cum.saturating_abs().cmp(&a.cum.saturating_abs()))
        });
        rows
    }

    /// Attributes every sample to its first user-code frame (leaf first,
    /// inlined frames included) and sums per function, largest |flat| first.
    pub fn top_user_sites(&self, index: usize, vendor_prefixes: &[String]) -> Vec<SiteTotal> {
        let companion = self.companion_index(index);
        let mut user_cache: HashMap<&str, bool> = HashMap::new();
        let mut sites: HashMap<&str, SiteAcc<'_>> = HashMap::new();
        for (si, s) in self.samples.iter().enumerate() {
            let v = s.values.get(index).copied().unwrap_or(0);
            let c = companion.and_then(|c| s.values.get(c).copied()).unwrap_or(0);
            if v == 0 && c == 0 {
                continue;
            }
            let mut attributed: Option<Frame<'_>> = None;
            let mut leaf: Option<Frame<'_>> = None;
            for frame in self.frames(s) {
                leaf.get_or_insert(frame);
                if frame.function.is_empty() {
                    continue;
                }
                let user = *user_cache
                    .entry(frame.function)
                    .or_insert_with(|| is_user_function(frame.function, vendor_prefixes));
                if user && attributed.is_none() {
                    attributed = Some(frame);
                }
                let acc = sites
                    .entry(frame.function)
                    .or_insert_with(|| SiteAcc::new(frame, user));
                if acc.last_sample != si {
                    acc.last_sample = si;
                    acc.cum = acc.cum.saturating_add(v);
                }
            }
            let Some(site) = attributed.or(leaf) else { continue };
            let user = attributed.is_some();
            let acc = sites
                .entry(site.function)
                .or_insert_with(|| SiteAcc::new(site, user));
            acc.attributed = true;
            acc.flat = acc.flat.saturating_add(v);
            acc.flat_companion = acc.flat_companion.saturating_add(c);
            let line = acc.lines.entry(site.line).or_insert(0);
            *line = line.saturating_add(v);
        }
        let mut rows: Vec<SiteTotal> = sites
            .into_iter()
            .filter(|(_, a)| a.attributed)
            .map(|(name, a)| {
                let mut lines: Vec<(i64, i64)> = a.lines.into_iter().collect();
                lines.sort_by(|x, y| {
                    y.1.saturating_abs()
                        .cmp(&x.1.saturating_abs())
                        .then(x.0.cmp(&y.0))
                });
                SiteTotal {
                    function: if name.is_empty() {
                        "(unsymbolized)".to_string()
                    } else {
                        name.to_string()
                    },
                    file: a.file.to_string(),
                    user: a.user,
                    flat: a.flat,
                    flat_companion: companion.map(|_| a.flat_companion),
                    cum: a.cum,
                    lines,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.flat
                .saturating_abs()
                .cmp(&a.flat.saturating_abs())
                .then_with(|| a.function.cmp(&b.function))
        });
        rows
    }

    /// Sums samples with the same stack (function and line of every frame),
    /// largest |value| first.
    pub fn top_stacks(&self, index: usize) -> Vec<StackTotal> {
        let companion = self.companion_index(index);
        let mut stacks: HashMap<Vec<(&str, i64, u64)>, StackTotal> = HashMap::new();
        for (si, s) in self.samples.iter().enumerate() {
            let v = s.values.get(index).copied().unwrap_or(0);
            let c = companion.and_then(|c| s.values.get(c).copied());
            if v == 0 && c.unwrap_or(0) == 0 {
                continue;
            }
            let key = self
                .frames(s)
                .map(|f| {
                    (
                        f.function,
                        f.line,
                        if f.function.is_empty() { f.address } else { 0 },
                    )
                })
                .collect();
            let row = stacks.entry(key).or_insert(StackTotal {
                value: 0,
                companion: c.map(|_| 0),
                sample: si,
            });
            row.value = row.value.saturating_add(v);
            row.companion = row.companion.map(|x| x.saturating_add(c.unwrap_or(0)));
        }
        let mut rows: Vec<StackTotal> = stacks.into_values().collect();
        rows.sort_by(|a, b| {
            b.value
                .saturating_abs()
                .cmp(&a.value.saturating_abs())
                .then(a.sample.cmp(&b.sample))
        });
        rows
    }
}

/// A pprof graph node at function granularity: the function name; for an
/// unsymbolized frame, the object file it is in (pprof prints `[file]`) or
/// nothing (pprof prints `<unknown>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NodeKey<'a> {
    Name(&'a str),
    Unsymbolized(&'a str),
}

impl<'a> NodeKey<'a> {
    fn of(p: &'a Profile, frame: &Frame<'a>) -> NodeKey<'a> {
        if !frame.function.is_empty() {
            return NodeKey::Name(frame.function);
        }
        let file = frame
            .mapping
            .and_then(|m| p.mappings.get(m))
            .map_or("", |m| m.file.as_str());
        NodeKey::Unsymbolized(file.rsplit('/').next().unwrap_or(file))
    }

    fn name(self) -> String {
        match self {
            NodeKey::Name(n) => n.to_string(),
            NodeKey::Unsymbolized("") => "<unknown>".to_string(),
            NodeKey::Unsymbolized(file) => format!("[{file}]"),
        }
    }
}

/// Running sums for one function in [`Profile::top_user_sites`].
struct SiteAcc<'a> {
    file: &'a str,
    user: bool,
    attributed: bool,
    flat: i64,
    flat_companion: i64,
    cum: i64,
    last_sample: usize,
    lines: HashMap<i64, i64>,
}

impl<'a> SiteAcc<'a> {
    fn new(frame: Frame<'a>, user: bool) -> SiteAcc<'a> {
        SiteAcc {
            file: frame.file,
            user,
            attributed: false,
            flat: 0,
            flat_companion: 0,
            cum: 0,
            last_sample: usize::MAX,
            lines: HashMap::new(),
        }
    }
}
