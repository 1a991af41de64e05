//! Merging profiles and subtracting a base, the way `go tool pprof` does for
//! `-base`: the base is scaled by −1 and merged, samples with the same
//! locations and labels add up, and samples that end at zero disappear.
//! Arithmetic wraps like Go's `int64`, so `p − p` is empty for any `p` and
//! absurd values give the numbers pprof gives.

use std::collections::HashMap;

use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use crate::profile::{Function, Label, Line, Location, Mapping, Profile, Sample};

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
    /// Sample key hash → the last merged sample with that hash; `chain` links the others.
    heads: HashMap<u64, usize, BuildHasherDefault<KeyedHash>>,
    chain: Vec<usize>,
    /// Each merged sample's key hash, in sample order.
    hashes: Vec<u64>,
    /// The sample after the last one found or added: profiles of one process
    /// list their stacks in the same order, so the next key is usually there.
    guess: usize,
    hasher: std::collections::hash_map::RandomState,
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
            heads: HashMap::default(),
            chain: Vec::new(),
            hashes: Vec::new(),
            guess: 0,
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    /// Merges `p`'s tables (mappings, functions, locations) and its metadata;
    /// returns where each of its locations went.
    fn add_tables(&mut self, p: &Profile) -> Vec<u32> {
        let out = &mut self.out;
        out.period = out.period.max(p.period);
        out.duration_nanos = out.duration_nanos.wrapping_add(p.duration_nanos);
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
        p.locations
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
                let index = *self.locations.entry(key).or_insert_with_key(|k| {
                    out.locations.push(Location {
                        mapping: k.mapping,
                        address: l.address,
                        lines: k.lines.clone(),
                        is_folded: l.is_folded,
                    });
                    out.locations.len() - 1
                });
                u32::try_from(index).unwrap_or(u32::MAX)
            })
            .collect()
    }

    /// Adds `p` (borrowed: a sample is copied only when its key is new).
    fn add(&mut self, p: &Profile, scale: i64) {
        let location_map = self.add_tables(p);
        self.reserve(p.samples.len());
        let mut locs: Vec<u32> = Vec::new();
        let mut scratch: Vec<Label> = Vec::new();
        for s in &p.samples {
            if s.values.iter().all(|&v| v == 0) {
                continue;
            }
            locs.clear();
            locs.extend(
                s.locations
                    .iter()
                    .map(|&l| location_map.get(l as usize).copied().unwrap_or(u32::MAX)),
            );
            let labels: &[Label] = if s.labels.is_sorted() {
                &s.labels
            } else {
                scratch.clone_from(&s.labels);
                scratch.sort();
                &scratch
            };
            let hash = self.hasher.hash_one((locs.as_slice(), labels));
            match self.find(hash, &locs, labels) {
                Some(i) => add_scaled(&mut self.out.samples[i].values, &s.values, scale),
                None => {
                    let sample = Sample {
                        locations: locs.clone(),
                        values: s.values.iter().map(|&v| scaled(v, scale)).collect(),
                        labels: labels.to_vec(),
                    };
                    self.push(hash, sample);
                }
            }
        }
    }

    /// Adds `p`, taking its samples: no sample is copied, its vectors are reused.
    fn add_owned(&mut self, mut p: Profile, scale: i64) {
        let location_map = self.add_tables(&p);
        self.reserve(p.samples.len());
        for mut sample in std::mem::take(&mut p.samples) {
            if sample.values.iter().all(|&v| v == 0) {
                continue;
            }
            for l in &mut sample.locations {
                *l = location_map.get(*l as usize).copied().unwrap_or(u32::MAX);
            }
            sample.labels.sort();
            let hash = self
                .hasher
                .hash_one((sample.locations.as_slice(), sample.labels.as_slice()));
            match self.find(hash, &sample.locations, &sample.labels) {
                Some(i) => add_scaled(&mut self.out.samples[i].values, &sample.values, scale),
                None => {
                    for v in &mut sample.values {
                        *v = scaled(*v, scale);
                    }
                    self.push(hash, sample);
                }
            }
        }
    }

    /// Room for `n` more samples, so a large merge does not regrow its tables.
    fn reserve(&mut self, n: usize) {
        self.out.samples.reserve(n);
        self.chain.reserve(n);
        self.hashes.reserve(n);
        self.heads.reserve(n);
    }

    /// The merged sample with this key (locations remapped, labels sorted:
    /// merged samples keep their labels sorted so equal sets compare equal).
    fn find(&mut self, hash: u64, locations: &[u32], labels: &[Label]) -> Option<usize> {
        let is = |i: usize| {
            let candidate = &self.out.samples[i];
            candidate.locations == locations && candidate.labels == labels
        };
        // The cheap guess first: one sequential read instead of a hash probe.
        if self.hashes.get(self.guess) == Some(&hash) && is(self.guess) {
            self.guess += 1;
            return Some(self.guess - 1);
        }
        let mut found = self.heads.get(&hash).copied();
        while let Some(i) = found {
            if is(i) {
                self.guess = i + 1;
                return Some(i);
            }
            found = self.chain.get(i).copied().filter(|&n| n != usize::MAX);
        }
        None
    }

    /// Appends a sample with a key not seen before.
    fn push(&mut self, hash: u64, sample: Sample) {
        self.out.samples.push(sample);
        let i = self.out.samples.len() - 1;
        self.hashes.push(hash);
        self.chain.push(self.heads.insert(hash, i).unwrap_or(usize::MAX));
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

    /// Like [`Profile::subtract`], consuming `self` so its samples move into
    /// the result instead of being copied (most of a large diff's memory).
    pub fn subtract_owned(self, base: &Profile) -> Result<Profile, MergeError> {
        self.check_compatible(base)?;
        let mut m = Merger::new(&self);
        m.add_owned(self, 1);
        m.add(base, -1);
        Ok(m.finish())
    }
}

/// `acc += values × scale`, wrapping as Go's `int64` does.
fn add_scaled(acc: &mut [i64], values: &[i64], scale: i64) {
    for (a, v) in acc.iter_mut().zip(values) {
        *a = a.wrapping_add(scaled(*v, scale));
    }
}

/// `v × scale` as pprof's `Profile.Scale` computes it: through a float64,
/// rounded (exact up to 2^53; beyond, pprof loses the same precision), and
/// converted as Go on amd64 converts (out of range: the minimum int64).
fn scaled(v: i64, scale: i64) -> i64 {
    if scale == 1 {
        return v;
    }
    // 2^63: the first float64 past the int64 range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let f = (v as f64 * scale as f64).round();
    if !(-LIMIT..LIMIT).contains(&f) {
        return i64::MIN;
    }
    f as i64
}

/// The hasher for maps keyed by a value that is already a keyed SipHash (of
/// a sample's key): it passes the value through instead of hashing it again.
/// Safe against crafted collisions because the key hash is randomly keyed.
#[derive(Default)]
pub(crate) struct KeyedHash(u64);

impl Hasher for KeyedHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
