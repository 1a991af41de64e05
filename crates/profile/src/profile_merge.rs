//! Merging profiles and subtracting a base, the way `go tool pprof` does for
//! `-base`: the base is scaled by −1 and merged, samples with the same
//! locations and labels add up, and samples that end at zero disappear.

use std::collections::HashMap;

use crate::profile::{Function, Label, Line, Location, Mapping, Profile};

/// Two profiles that cannot be combined.
#[derive(Debug, thiserror::Error)]
#[error("incompatible profiles: {0}")]
pub struct MergeError(String);

/// A location's identity across profiles, as pprof's `locationKey`: the address
/// relative to its mapping (ASLR-proof), the mapping, the lines and the fold flag.
#[derive(Clone, PartialEq, Eq, Hash)]
struct LocationKey {
    mapping: Option<usize>,
    address: u64,
    is_folded: bool,
    lines: Vec<Line>,
}

/// A mapping's identity across profiles, as pprof's `mapKey`.
#[derive(Clone, PartialEq, Eq, Hash)]
struct MappingKey {
    size: u64,
    offset: u64,
    build_id_or_file: String,
}

/// Accumulates profiles into one.
struct Merger {
    out: Profile,
    functions: HashMap<Function, usize>,
    mappings: HashMap<MappingKey, usize>,
    locations: HashMap<LocationKey, usize>,
    samples: HashMap<(Vec<usize>, Vec<Label>), usize>,
}

impl Merger {
    fn new(first: &Profile) -> Merger {
        let out = Profile {
            sample_types: first.sample_types.clone(),
            default_sample_type: first.default_sample_type.clone(),
            period_type: first.period_type.clone(),
            drop_frames: first.drop_frames.clone(),
            keep_frames: first.keep_frames.clone(),
            doc_url: first.doc_url.clone(),
            ..Profile::default()
        };
        Merger {
            out,
            functions: HashMap::new(),
            mappings: HashMap::new(),
            locations: HashMap::new(),
            samples: HashMap::new(),
        }
    }

    fn add(&mut self, p: &Profile, scale: i64) {
        let out = &mut self.out;
        out.period = out.period.max(p.period);
        out.duration_nanos = out.duration_nanos.saturating_add(p.duration_nanos);
        if p.time_nanos != 0 && (out.time_nanos == 0 || p.time_nanos < out.time_nanos) {
            out.time_nanos = p.time_nanos;
        }
        for c in &p.comments {
            if !out.comments.contains(c) {
                out.comments.push(c.clone());
            }
        }
        let mapping_map: Vec<usize> = p
            .mappings
            .iter()
            .map(|m| {
                let key = MappingKey {
                    size: m.limit.wrapping_sub(m.start),
                    offset: m.offset,
                    build_id_or_file: if m.build_id.is_empty() {
                        m.file.clone()
                    } else {
                        m.build_id.clone()
                    },
                };
                *self.mappings.entry(key).or_insert_with(|| {
                    out.mappings.push(m.clone());
                    out.mappings.len() - 1
                })
            })
            .collect();
        let function_map: Vec<usize> = p
            .functions
            .iter()
            .map(|f| {
                *self.functions.entry(f.clone()).or_insert_with(|| {
                    out.functions.push(f.clone());
                    out.functions.len() - 1
                })
            })
            .collect();
        let location_map: Vec<usize> = p
            .locations
            .iter()
            .map(|l| {
                let mapping = l.mapping.and_then(|m| mapping_map.get(m).copied());
                let start = l
                    .mapping
                    .and_then(|m| p.mappings.get(m))
                    .map_or(0, |m: &Mapping| m.start);
                let lines: Vec<Line> = l
                    .lines
                    .iter()
                    .map(|ln| Line {
                        function: ln.function.and_then(|f| function_map.get(f).copied()),
                        ..*ln
                    })
                    .collect();
                let key = LocationKey {
                    mapping,
                    address: l.address.wrapping_sub(start),
                    is_folded: l.is_folded,
                    lines,
                };
                *self.locations.entry(key).or_insert_with_key(|k| {
                    out.locations.push(Location {
                        mapping: k.mapping,
                        address: l.address,
                        lines: k.lines.clone(),
                        is_folded: l.is_folded,
                    });
                    out.locations.len() - 1
                })
            })
            .collect();
        for s in &p.samples {
            if s.values.iter().all(|&v| v == 0) {
                continue;
            }
            let locs: Vec<usize> = s
                .locations
                .iter()
                .filter_map(|&l| location_map.get(l).copied())
                .collect();
            let mut labels = s.labels.clone();
            labels.sort();
            let values = s.values.iter().map(|v| v.saturating_mul(scale));
            match self.samples.get(&(locs.clone(), labels.clone())) {
                Some(&i) => {
                    for (acc, v) in out.samples[i].values.iter_mut().zip(values) {
                        *acc = acc.saturating_add(v);
                    }
                }
                None => {
                    out.samples.push(crate::profile::Sample {
                        locations: locs.clone(),
                        values: values.collect(),
                        labels: s.labels.clone(),
                    });
                    self.samples.insert((locs, labels), out.samples.len() - 1);
                }
            }
        }
    }

    fn finish(mut self) -> Profile {
        self.out.samples.retain(|s| s.values.iter().any(|&v| v != 0));
        self.out
    }
}

impl Profile {
    /// Whether two profiles measure the same things (pprof's `Compatible`).
    pub fn check_compatible(&self, other: &Profile) -> Result<(), MergeError> {
        if self.period_type != other.period_type {
            let show = |p: &Profile| {
                p.period_type
                    .as_ref()
                    .map_or("none".to_string(), |t| t.to_string())
            };
            return Err(MergeError(format!(
                "period types {} and {} differ",
                show(self),
                show(other)
            )));
        }
        if self.sample_types != other.sample_types {
            let show = |p: &Profile| {
                p.sample_types
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(MergeError(format!(
                "sample types [{}] and [{}] differ",
                show(self),
                show(other)
            )));
        }
        Ok(())
    }

    /// Merges profiles of the same kind into one (pprof's `Merge`).
    pub fn merge(profiles: &[&Profile]) -> Result<Profile, MergeError> {
        let Some(first) = profiles.first() else {
            return Ok(Profile::default());
        };
        let mut m = Merger::new(first);
        for p in profiles {
            first.check_compatible(p)?;
            m.add(p, 1);
        }
        Ok(m.finish())
    }

    /// `self − base`, as `go tool pprof -base BASE SELF` computes it.
    pub fn subtract(&self, base: &Profile) -> Result<Profile, MergeError> {
        self.check_compatible(base)?;
        let mut m = Merger::new(self);
        m.add(self, 1);
        m.add(base, -1);
        Ok(m.finish())
    }
}
