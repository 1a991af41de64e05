//! Reads a (decompressed) `profile.proto` into the [`Profile`] model,
//! checking every id and string index so later code can index without fear.

use std::collections::HashMap;

use prost::Message;

use crate::error::ParseError;
use crate::limits::Limits;
use crate::pprof_proto as pb;
use crate::profile::{Function, Label, LabelValue, Line, Location, Mapping, Profile, Sample, ValueType};

const FORMAT: &str = "pprof profile";

/// Whether `bytes` can be a serialized profile and should be reported as a
/// broken one if decoding fails: not plain text (text formats are tried first,
/// and a few printable bytes can happen to decode as a protobuf), and either
/// starting as pprof writers start (`sample_type`, field 1, or Go's runtime
/// `period_type`, field 11) or scanning cleanly as a message whose first field
/// is a `Profile` field.
pub fn looks_like_proto(bytes: &[u8]) -> bool {
    let Some((tag, _)) = read_varint(bytes) else {
        return false;
    };
    let (field, wire) = (tag >> 3, tag & 7);
    let valid_first = match field {
        1..=6 | 11 => wire == 2,
        7..=10 | 12 | 14 | 15 => wire == 0,
        13 => wire == 0 || wire == 2,
        _ => false,
    };
    let unlimited = Limits {
        max_records: usize::MAX,
        ..Limits::default()
    };
    valid_first
        && !looks_like_text(bytes)
        && (tag == 0x0a || tag == 0x5a || count_top_level(bytes, &unlimited).is_ok())
}

/// Printable UTF-8 in the first 512 bytes: some text format, not a protobuf.
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    let head = match std::str::from_utf8(head) {
        Ok(s) => s,
        // A multi-byte character cut at the 512th byte is still text.
        Err(e) if e.error_len().is_none() => match std::str::from_utf8(&head[..e.valid_up_to()]) {
            Ok(s) => s,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    head.chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
}

/// Decodes and validates a raw (not gzipped) profile.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Profile, ParseError> {
    let split = split_top_level(bytes, limits)?;
    let raw = pb::Profile::decode(split.tables.as_slice())
        .map_err(|e| ParseError::malformed(FORMAT, e.to_string()))?;
    resolve(raw, &split.samples, limits)
}

/// A profile's top-level fields: the sample messages (decoded by hand, see
/// [`crate::pprof_sample`]) apart from everything else (decoded by prost).
struct Split<'a> {
    samples: Vec<&'a [u8]>,
    tables: Vec<u8>,
}

/// Walks the top-level fields, counting repeated ones against the limits
/// before anything is allocated for them, so a profile with a billion empty
/// samples is refused up front.
fn split_top_level<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Split<'a>, ParseError> {
    let mut counts = [0usize; 7];
    let mut split = Split {
        samples: Vec::new(),
        tables: Vec::new(),
    };
    let mut rest = bytes;
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let bad = |what: &str| ParseError::malformed(FORMAT, format!("{what} at byte {offset}"));
        let (tag, n) = read_varint(rest).ok_or_else(|| bad("truncated field tag"))?;
        let field_start = rest;
        rest = &rest[n..];
        let (header, len) = match tag & 7 {
            0 => (0, read_varint(rest).ok_or_else(|| bad("truncated varint"))?.1),
            1 => (0, 8),
            2 => {
                let (len, n) = read_varint(rest).ok_or_else(|| bad("truncated length"))?;
                (
                    n,
                    usize::try_from(len).map_err(|_| bad("field length overflows"))?,
                )
            }
            5 => (0, 4),
            w => return Err(bad(&format!("invalid wire type {w}"))),
        };
        let end = header
            .checked_add(len)
            .ok_or_else(|| bad("field length overflows"))?;
        if end > rest.len() {
            return Err(bad("field extends past the end of the data (truncated profile?)"));
        }
        let field = tag >> 3;
        if field == 2 {
            if tag & 7 != 2 {
                return Err(bad("a sample that is not a message"));
            }
            limits.check_records("samples", split.samples.len() + 1)?;
            split.samples.push(&rest[header..end]);
        } else {
            let whole = n + end;
            split.tables.extend_from_slice(&field_start[..whole]);
        }
        rest = &rest[end..];
        if let Some(c) = usize::try_from(field).ok().and_then(|f| counts.get_mut(f)) {
            *c += 1;
        }
    }
    for (field, what) in [
        (3, "mappings"),
        (4, "locations"),
        (5, "functions"),
        (6, "strings"),
    ] {
        limits.check_records(what, counts[field])?;
    }
    Ok(split)
}

/// Scans the top-level fields only (for format recognition).
fn count_top_level(bytes: &[u8], limits: &Limits) -> Result<(), ParseError> {
    split_top_level(bytes, limits).map(|_| ())
}

/// A protobuf varint and its length in bytes.
fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Proto ids → table positions. Go numbers ids 1..=n in table order, which
/// needs no map at all; anything else falls back to a hash map.
enum IdIndex {
    Dense(usize),
    Map(HashMap<u64, usize>),
}

impl IdIndex {
    fn get(&self, id: u64) -> Option<usize> {
        match self {
            IdIndex::Dense(n) => usize::try_from(id)
                .ok()
                .filter(|&i| i >= 1 && i <= *n)
                .map(|i| i - 1),
            IdIndex::Map(m) => m.get(&id).copied(),
        }
    }
}

/// Indexes ids, refusing 0 and duplicates as pprof does.
fn index_ids(kind: &str, ids: impl Iterator<Item = u64> + Clone) -> Result<IdIndex, ParseError> {
    let mut n = 0usize;
    let mut dense = true;
    for (i, id) in ids.clone().enumerate() {
        n = i + 1;
        dense &= u64::try_from(i + 1).is_ok_and(|want| want == id);
    }
    if dense {
        return Ok(IdIndex::Dense(n));
    }
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id == 0 {
            return Err(ParseError::malformed(
                FORMAT,
                format!("{kind} #{i} has the reserved id 0"),
            ));
        }
        if map.insert(id, i).is_some() {
            return Err(ParseError::malformed(
                FORMAT,
                format!("two {kind}s have the id {id}"),
            ));
        }
    }
    Ok(IdIndex::Map(map))
}

/// The string table, each entry checked for UTF-8.
struct Strings(Vec<String>);

impl Strings {
    fn new(table: Vec<Vec<u8>>) -> Result<Strings, ParseError> {
        if table.first().is_some_and(|s| !s.is_empty()) {
            return Err(ParseError::malformed(
                FORMAT,
                "string_table[0] must be the empty string",
            ));
        }
        let mut out = Vec::with_capacity(table.len());
        for (i, bytes) in table.into_iter().enumerate() {
            let s = String::from_utf8(bytes).map_err(|e| {
                ParseError::malformed(FORMAT, format!("string_table[{i}] is not valid UTF-8 ({e})"))
            })?;
            out.push(s);
        }
        Ok(Strings(out))
    }

    /// The string at `index`, or an error naming the field that held it.
    fn get(&self, index: i64, field: &dyn Fn() -> String) -> Result<String, ParseError> {
        if index == 0 {
            return Ok(String::new());
        }
        usize::try_from(index)
            .ok()
            .and_then(|i| self.0.get(i))
            .cloned()
            .ok_or_else(|| {
                ParseError::malformed(
                    FORMAT,
                    format!(
                        "{} refers to string {index}, outside the string table of {}",
                        field(),
                        self.0.len()
                    ),
                )
            })
    }
}

fn resolve(raw: pb::Profile, raw_samples: &[&[u8]], limits: &Limits) -> Result<Profile, ParseError> {
    let strings = Strings::new(raw.string_table)?;
    let s = |i: i64, field: &str| strings.get(i, &|| field.to_string());
    let value_type = |v: &pb::ValueType, field: &str| -> Result<ValueType, ParseError> {
        Ok(ValueType {
            ty: s(v.ty, field)?,
            unit: s(v.unit, field)?,
        })
    };

    let mapping_ids = index_ids("mapping", raw.mapping.iter().map(|m| m.id))?;
    let function_ids = index_ids("function", raw.function.iter().map(|f| f.id))?;
    let location_ids = index_ids("location", raw.location.iter().map(|l| l.id))?;

    let mut mappings = Vec::with_capacity(raw.mapping.len());
    for m in &raw.mapping {
        let field = format!("mapping {}", m.id);
        mappings.push(Mapping {
            start: m.memory_start,
            limit: m.memory_limit,
            offset: m.file_offset,
            file: s(m.filename, &field)?,
            build_id: s(m.build_id, &field)?,
            has_functions: m.has_functions,
            has_filenames: m.has_filenames,
            has_line_numbers: m.has_line_numbers,
            has_inline_frames: m.has_inline_frames,
        });
    }
    let mut functions = Vec::with_capacity(raw.function.len());
    for f in &raw.function {
        let field = format!("function {}", f.id);
        functions.push(Function {
            name: s(f.name, &field)?,
            system_name: s(f.system_name, &field)?,
            filename: s(f.filename, &field)?,
            start_line: f.start_line,
        });
    }
    let mut locations = Vec::with_capacity(raw.location.len());
    for l in raw.location {
        let mapping = match l.mapping_id {
            0 => None,
            id => Some(mapping_ids.get(id).ok_or_else(|| {
                ParseError::malformed(
                    FORMAT,
                    format!("location {} refers to mapping {id}, which does not exist", l.id),
                )
            })?),
        };
        let mut lines = Vec::with_capacity(l.line.len());
        for line in &l.line {
            let function = match line.function_id {
                0 => None,
                id => Some(function_ids.get(id).ok_or_else(|| {
                    ParseError::malformed(
                        FORMAT,
                        format!("location {} refers to function {id}, which does not exist", l.id),
                    )
                })?),
            };
            lines.push(Line {
                function,
                line: line.line,
                column: line.column,
            });
        }
        locations.push(Location {
            mapping,
            address: l.address,
            lines,
            is_folded: l.is_folded,
        });
    }

    let n_types = raw.sample_type.len();
    if n_types == 0 && !raw_samples.is_empty() {
        return Err(ParseError::malformed(FORMAT, "samples but no sample types"));
    }
    let mut samples = Vec::with_capacity(raw_samples.len());
    let mut ids = Vec::new();
    for (i, bytes) in raw_samples.iter().enumerate() {
        let sample = crate::pprof_sample::decode(bytes, &mut ids)
            .map_err(|e| ParseError::malformed(FORMAT, format!("sample {i}: {e}")))?;
        if sample.values.len() != n_types {
            return Err(ParseError::malformed(
                FORMAT,
                format!(
                    "sample {i} has {} values for {n_types} sample types",
                    sample.values.len()
                ),
            ));
        }
        if ids.len() > limits.max_stack_depth {
            return Err(ParseError::TooMany {
                what: "frames in one stack",
                limit: limits.max_stack_depth,
            });
        }
        let mut locs = Vec::with_capacity(ids.len());
        for &id in &ids {
            locs.push(
                location_ids
                    .get(id)
                    .and_then(|i| u32::try_from(i).ok())
                    .ok_or_else(|| {
                        ParseError::malformed(
                            FORMAT,
                            format!("sample {i} refers to location {id}, which does not exist"),
                        )
                    })?,
            );
        }
        let mut labels = Vec::with_capacity(sample.labels.len());
        for l in &sample.labels {
            let field = || format!("a label of sample {i}");
            let key = strings.get(l.key, &field)?;
            // As pprof: a string label wins; a numeric one needs a value or a unit.
            let value = if l.str != 0 {
                LabelValue::Str(strings.get(l.str, &field)?)
            } else if l.num != 0 || l.num_unit != 0 {
                LabelValue::Num {
                    value: l.num,
                    unit: strings.get(l.num_unit, &field)?,
                }
            } else {
                continue;
            };
            labels.push(Label { key, value });
        }
        samples.push(Sample {
            locations: locs,
            values: sample.values,
            labels,
        });
    }

    let mut sample_types = Vec::with_capacity(n_types);
    for t in &raw.sample_type {
        sample_types.push(value_type(t, "a sample type")?);
    }
    let mut comments = Vec::with_capacity(raw.comment.len());
    for &c in &raw.comment {
        comments.push(s(c, "a comment")?);
    }
    Ok(Profile {
        sample_types,
        default_sample_type: s(raw.default_sample_type, "default_sample_type")?,
        samples,
        locations,
        functions,
        mappings,
        period_type: raw
            .period_type
            .as_ref()
            .map(|v| value_type(v, "period_type"))
            .transpose()?,
        period: raw.period,
        time_nanos: raw.time_nanos,
        duration_nanos: raw.duration_nanos,
        comments,
        doc_url: s(raw.doc_url, "doc_url")?,
        drop_frames: s(raw.drop_frames, "drop_frames")?,
        keep_frames: s(raw.keep_frames, "keep_frames")?,
        memstats: Vec::new(),
    })
}
