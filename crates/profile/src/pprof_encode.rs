//! Writes the [`Profile`] model back to `profile.proto`, gzipped as Go and
//! pprof write it (used by `leakscope diff -o`).

use std::collections::HashMap;
use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use prost::Message;

use crate::pprof_proto as pb;
use crate::profile::{LabelValue, Profile, ValueType};

/// Interns strings; index 0 is always "".
struct StringTable {
    index: HashMap<String, i64>,
    table: Vec<Vec<u8>>,
}

impl StringTable {
    fn new() -> StringTable {
        StringTable {
            index: HashMap::from([(String::new(), 0)]),
            table: vec![Vec::new()],
        }
    }

    fn add(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = i64::try_from(self.table.len()).unwrap_or(i64::MAX);
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_string(), i);
        i
    }

    fn value_type(&mut self, v: &ValueType) -> pb::ValueType {
        pb::ValueType {
            ty: self.add(&v.ty),
            unit: self.add(&v.unit),
        }
    }
}

/// Table position → proto id (ids start at 1).
fn id(index: usize) -> u64 {
    u64::try_from(index).map_or(u64::MAX, |i| i.saturating_add(1))
}

/// The profile as protobuf bytes (not compressed).
pub fn encode(p: &Profile) -> Vec<u8> {
    let mut st = StringTable::new();
    let sample_type = p.sample_types.iter().map(|t| st.value_type(t)).collect();
    // Samples are written by hand after the tables (see `append_samples`); their
    // labels' strings must be in the table, so intern them first.
    let labels: Vec<Vec<pb::Label>> = p
        .samples
        .iter()
        .map(|s| {
            s.labels
                .iter()
                .map(|l| {
                    let key = st.add(&l.key);
                    match &l.value {
                        LabelValue::Str(v) => pb::Label {
                            key,
                            str: st.add(v),
                            num: 0,
                            num_unit: 0,
                        },
                        LabelValue::Num { value, unit } => pb::Label {
                            key,
                            str: 0,
                            num: *value,
                            num_unit: st.add(unit),
                        },
                    }
                })
                .collect()
        })
        .collect();
    let mapping = p
        .mappings
        .iter()
        .enumerate()
        .map(|(i, m)| pb::Mapping {
            id: id(i),
            memory_start: m.start,
            memory_limit: m.limit,
            file_offset: m.offset,
            filename: st.add(&m.file),
            build_id: st.add(&m.build_id),
            has_functions: m.has_functions,
            has_filenames: m.has_filenames,
            has_line_numbers: m.has_line_numbers,
            has_inline_frames: m.has_inline_frames,
        })
        .collect();
    let location = p
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| pb::Location {
            id: id(i),
            mapping_id: l.mapping.map_or(0, id),
            address: l.address,
            line: l
                .lines
                .iter()
                .map(|ln| pb::Line {
                    function_id: ln.function.map_or(0, id),
                    line: ln.line,
                    column: ln.column,
                })
                .collect(),
            is_folded: l.is_folded,
        })
        .collect();
    let function = p
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| pb::Function {
            id: id(i),
            name: st.add(&f.name),
            system_name: st.add(&f.system_name),
            filename: st.add(&f.filename),
            start_line: f.start_line,
        })
        .collect();
    let mut msg = pb::Profile {
        sample_type,
        sample: Vec::new(),
        mapping,
        location,
        function,
        string_table: Vec::new(),
        drop_frames: st.add(&p.drop_frames),
        keep_frames: st.add(&p.keep_frames),
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        period_type: p.period_type.as_ref().map(|v| st.value_type(v)),
        period: p.period,
        comment: p.comments.iter().map(|c| st.add(c)).collect(),
        default_sample_type: st.add(&p.default_sample_type),
        doc_url: st.add(&p.doc_url),
    };
    msg.string_table = st.table;
    let mut out = msg.encode_to_vec();
    append_samples(p, &labels, &mut out);
    out
}

/// Appends the `sample` fields (2) to an encoded profile. A message's fields
/// may come in any order and repeated ones concatenate, so this is the same
/// profile prost would write, without building a copy of every sample first.
fn append_samples(p: &Profile, labels: &[Vec<pb::Label>], out: &mut Vec<u8>) {
    use prost::encoding::{encode_varint, encoded_len_varint};
    let packed = |values: &mut dyn Iterator<Item = u64>| values.map(encoded_len_varint).sum::<usize>();
    for (s, labels) in p.samples.iter().zip(labels) {
        let ids_len = packed(&mut s.locations.iter().map(|&l| u64::from(l) + 1));
        let values_len = packed(&mut s.values.iter().map(|&v| v as u64));
        let field = |len: usize| {
            if len == 0 {
                0
            } else {
                1 + encoded_len_varint(len as u64) + len
            }
        };
        let labels_len: usize = labels.iter().map(|l| field(l.encoded_len()).max(2)).sum();
        let body = field(ids_len) + field(values_len) + labels_len;
        out.push(0x12);
        encode_varint(body as u64, out);
        if ids_len > 0 {
            out.push(0x0a);
            encode_varint(ids_len as u64, out);
            for &l in &s.locations {
                encode_varint(u64::from(l) + 1, out);
            }
        }
        if values_len > 0 {
            out.push(0x12);
            encode_varint(values_len as u64, out);
            for &v in &s.values {
                encode_varint(v as u64, out);
            }
        }
        for l in labels {
            out.push(0x1a);
            encode_varint(l.encoded_len() as u64, out);
            l.encode_raw(out);
        }
    }
}

/// The profile as gzipped protobuf, the on-disk form pprof expects; at the
/// fastest level, as Go's runtime/pprof writes its profiles.
pub fn encode_gzip(p: &Profile) -> std::io::Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&encode(p))?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Function, Label, Line, Location, Sample};

    #[test]
    fn round_trips_through_the_decoder() {
        let p = Profile {
            sample_types: vec![
                ValueType::new("inuse_objects", "count"),
                ValueType::new("inuse_space", "bytes"),
            ],
            samples: vec![
                Sample {
                    locations: vec![1, 0],
                    values: vec![-3, 1 << 40],
                    labels: vec![
                        Label {
                            key: "bytes".into(),
                            value: LabelValue::Num {
                                value: 16,
                                unit: String::new(),
                            },
                        },
                        Label {
                            key: "pprof::base".into(),
                            value: LabelValue::Str("true".into()),
                        },
                    ],
                },
                Sample {
                    locations: vec![],
                    values: vec![0, 7],
                    labels: vec![],
                },
            ],
            locations: vec![
                Location {
                    address: 0x401000,
                    lines: vec![Line {
                        function: Some(0),
                        line: 12,
                        column: 3,
                    }],
                    ..Location::default()
                },
                Location {
                    address: 0x402000,
                    ..Location::default()
                },
            ],
            functions: vec![Function {
                name: "main.f".into(),
                filename: "m.go".into(),
                ..Function::default()
            }],
            period_type: Some(ValueType::new("space", "bytes")),
            period: 524288,
            doc_url: "https://example.invalid/doc".into(),
            ..Profile::default()
        };
        let back = crate::pprof_decode::decode(&encode(&p), &crate::Limits::default()).unwrap();
        assert_eq!(back, p);
    }
}
