//! Aggregations of a profile for one sample type: totals, top functions
//! (as `go tool pprof -top` computes them), top user-code sites and top stacks.
//! Sums wrap like Go's `int64`, so even absurd inputs give pprof's numbers.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use crate::attribution::is_user_function;
use crate::profile::{Frame, Profile};
use crate::profile_merge::KeyedHash;

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
            let v = s.values.get(index).copied().unwrap_or(0).wrapping_abs();
            total = total.wrapping_add(v);
            if s.labels.iter().any(|l| l.key == "pprof::base") {
                base = base.wrapping_add(v);
            }
        }
        if base > 0 { base } else { total }
    }

    /// The signed sum of sample values for a sample type (the net growth of a diff).
    pub fn net_total(&self, index: usize) -> i64 {
        self.samples.iter().fold(0i64, |acc, s| {
            acc.wrapping_add(s.values.get(index).copied().unwrap_or(0))
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
        let nodes = FrameNodes::new(self);
        let mut acc = vec![(0i64, 0i64, usize::MAX); nodes.names.len()];
        for (si, s) in self.samples.iter().enumerate() {
            let v = s.values.get(index).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let mut first = true;
            for &l in &s.locations {
                for &n in nodes.of_location(l as usize) {
                    let node = &mut acc[n];
                    if first {
                        node.0 = node.0.wrapping_add(v);
                        first = false;
                    }
                    if node.2 != si {
                        node.2 = si;
                        node.1 = node.1.wrapping_add(v);
                    }
                }
            }
        }
        let mut rows: Vec<FunctionTotal> = acc
            .into_iter()
            .zip(nodes.names)
            // As pprof's graph: a node is shown if a nonzero sample touched it
            // and its values did not cancel out to zero (as they can in -diff_base profiles).
            .filter(|((flat, cum, seen), _)| *seen != usize::MAX && (*flat != 0 || *cum != 0))
            .map(|((flat, cum, _), k)| FunctionTotal {
                name: k.name(),
                flat,
                cum,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.flat
                .wrapping_abs()
                .cmp(&a.flat.wrapping_abs())
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| b.cum.wrapping_abs().cmp(&a.cum.wrapping_abs()))
        });
        rows
    }

    /// Attributes every sample to its first user-code frame (leaf first,
    /// inlined frames included) and sums per function, largest |flat| first.
    pub fn top_user_sites(&self, index: usize, vendor_prefixes: &[String]) -> Vec<SiteTotal> {
        let companion = self.companion_index(index);
        // One site per function name; functions and their user flag resolved once.
        let mut site_of_name: HashMap<&str, usize> = HashMap::new();
        let mut sites: Vec<SiteAcc<'_>> = Vec::new();
        let function_site: Vec<usize> = self
            .functions
            .iter()
            .map(|f| {
                *site_of_name.entry(f.name.as_str()).or_insert_with(|| {
                    let user = is_user_function(&f.name, vendor_prefixes);
                    sites.push(SiteAcc::new(&f.name, &f.filename, user));
                    sites.len() - 1
                })
            })
            .collect();
        let unsymbolized = sites.len();
        sites.push(SiteAcc::new("", "", false));
        for (si, s) in self.samples.iter().enumerate() {
            let v = s.values.get(index).copied().unwrap_or(0);
            let c = companion.and_then(|c| s.values.get(c).copied()).unwrap_or(0);
            if v == 0 && c == 0 {
                continue;
            }
            let mut attributed: Option<(usize, i64)> = None;
            let mut leaf: Option<(usize, i64)> = None;
            for &l in &s.locations {
                let Some(loc) = self.locations.get(l as usize) else {
                    continue;
                };
                if loc.lines.is_empty() {
                    leaf.get_or_insert((unsymbolized, 0));
                }
                for line in &loc.lines {
                    let site = line
                        .function
                        .and_then(|f| function_site.get(f).copied())
                        .unwrap_or(unsymbolized);
                    leaf.get_or_insert((site, line.line));
                    if site == unsymbolized {
                        continue;
                    }
                    let acc = &mut sites[site];
                    if acc.user && attributed.is_none() {
                        attributed = Some((site, line.line));
                    }
                    if acc.last_sample != si {
                        acc.last_sample = si;
                        acc.cum = acc.cum.wrapping_add(v);
                    }
                }
            }
            let Some((site, line)) = attributed.or(leaf) else {
                continue;
            };
            let acc = &mut sites[site];
            acc.attributed = true;
            acc.flat = acc.flat.wrapping_add(v);
            acc.flat_companion = acc.flat_companion.wrapping_add(c);
            let line = acc.lines.entry(line).or_insert(0);
            *line = line.wrapping_add(v);
        }
        let mut rows: Vec<SiteTotal> = sites
            .into_iter()
            .filter(|a| a.attributed)
            .map(|a| {
                let mut lines: Vec<(i64, i64)> = a.lines.into_iter().collect();
                lines.sort_by(|x, y| y.1.wrapping_abs().cmp(&x.1.wrapping_abs()).then(x.0.cmp(&y.0)));
                SiteTotal {
                    function: if a.name.is_empty() {
                        "(unsymbolized)".to_string()
                    } else {
                        a.name.to_string()
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
                .wrapping_abs()
                .cmp(&a.flat.wrapping_abs())
                .then_with(|| a.function.cmp(&b.function))
        });
        rows
    }

    /// Sums samples with the same stack (function and line of every frame),
    /// largest |value| first.
    pub fn top_stacks(&self, index: usize) -> Vec<StackTotal> {
        let companion = self.companion_index(index);
        // Locations that print the same frames (function and line) are one key.
        let mut frame_ids: HashMap<Vec<FrameKey<'_>>, u32> = HashMap::new();
        let location_key: Vec<u32> = self
            .locations
            .iter()
            .map(|l| {
                let key: Vec<FrameKey<'_>> = if l.lines.is_empty() {
                    vec![(None, 0, l.address)]
                } else {
                    l.lines
                        .iter()
                        .map(|ln| {
                            let f = ln
                                .function
                                .and_then(|f| self.functions.get(f))
                                .map(|f| f.name.as_str());
                            (f, ln.line, 0)
                        })
                        .collect()
                };
                let next = u32::try_from(frame_ids.len()).unwrap_or(u32::MAX);
                *frame_ids.entry(key).or_insert(next)
            })
            .collect();
        // Rows are found by the hash of their key; the key itself is never stored:
        // it is recomputed from a row's first sample when hashes collide.
        let hasher = std::collections::hash_map::RandomState::new();
        let mut heads: HashMap<u64, usize, BuildHasherDefault<KeyedHash>> = HashMap::default();
        let mut chain: Vec<usize> = Vec::new();
        let mut stacks: Vec<StackTotal> = Vec::new();
        for (si, s) in self.samples.iter().enumerate() {
            let v = s.values.get(index).copied().unwrap_or(0);
            let c = companion.and_then(|c| s.values.get(c).copied());
            if v == 0 && c.unwrap_or(0) == 0 {
                continue;
            }
            let hash = {
                let mut h = hasher.build_hasher();
                stack_key(s, &location_key).for_each(|k| h.write_u32(k));
                h.finish()
            };
            let mut found = heads.get(&hash).copied();
            while let Some(r) = found {
                if stack_key(&self.samples[stacks[r].sample], &location_key).eq(stack_key(s, &location_key)) {
                    break;
                }
                found = chain.get(r).copied().filter(|&n| n != usize::MAX);
            }
            let r = found.unwrap_or_else(|| {
                stacks.push(StackTotal {
                    value: 0,
                    companion: c.map(|_| 0),
                    sample: si,
                });
                chain.push(heads.insert(hash, stacks.len() - 1).unwrap_or(usize::MAX));
                stacks.len() - 1
            });
            let row = &mut stacks[r];
            row.value = row.value.wrapping_add(v);
            row.companion = row.companion.map(|x| x.wrapping_add(c.unwrap_or(0)));
        }
        let mut rows = stacks;
        rows.sort_by(|a, b| {
            b.value
                .wrapping_abs()
                .cmp(&a.value.wrapping_abs())
                .then(a.sample.cmp(&b.sample))
        });
        rows
    }
}

/// What identifies a frame in a printed stack: function, line, and the address when unsymbolized.
type FrameKey<'a> = (Option<&'a str>, i64, u64);

/// A sample's stack as frame-key ids (see [`Profile::top_stacks`]).
fn stack_key<'a>(s: &'a crate::profile::Sample, location_key: &'a [u32]) -> impl Iterator<Item = u32> + 'a {
    s.locations
        .iter()
        .map(|&l| location_key.get(l as usize).copied().unwrap_or(u32::MAX))
}

/// The pprof graph nodes (function granularity) of every location's frames,
/// computed once so the per-sample loops index arrays instead of hashing names.
struct FrameNodes<'a> {
    /// Node keys by node id.
    names: Vec<NodeKey<'a>>,
    /// `starts[l]..starts[l + 1]` indexes `nodes` for location `l`, innermost frame first.
    starts: Vec<usize>,
    nodes: Vec<usize>,
}

impl<'a> FrameNodes<'a> {
    fn new(p: &'a Profile) -> FrameNodes<'a> {
        let mut ids: HashMap<NodeKey<'a>, usize> = HashMap::new();
        let mut names = Vec::new();
        let mut starts = Vec::with_capacity(p.locations.len() + 1);
        let mut nodes = Vec::new();
        for index in 0..p.locations.len() {
            starts.push(nodes.len());
            for frame in p.location_frames(index) {
                let key = NodeKey::of(p, &frame);
                let id = *ids.entry(key).or_insert_with(|| {
                    names.push(key);
                    names.len() - 1
                });
                nodes.push(id);
            }
        }
        starts.push(nodes.len());
        FrameNodes { names, starts, nodes }
    }

    fn of_location(&self, l: usize) -> &[usize] {
        match (self.starts.get(l), self.starts.get(l + 1)) {
            (Some(&a), Some(&b)) => &self.nodes[a..b],
            _ => &[],
        }
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
    name: &'a str,
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
    fn new(name: &'a str, file: &'a str, user: bool) -> SiteAcc<'a> {
        SiteAcc {
            name,
            file,
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
