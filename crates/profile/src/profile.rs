//! The pprof profile model: sample types, samples with resolved stacks,
//! labels, period and duration — what every profile format is read into.
//!
//! Tables are plain vectors and references are indices into them, so a
//! profile with 100k stacks costs a few allocations per sample, not per frame.

use std::fmt;

/// A measured quantity and its unit, e.g. `inuse_space` in `bytes`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ValueType {
    /// pprof's sample-type name (`inuse_space`, `contentions`, `goroutine`, ...).
    pub ty: String,
    /// Its unit (`bytes`, `count`, `nanoseconds`).
    pub unit: String,
}

impl ValueType {
    /// A value type from two string slices.
    pub fn new(ty: &str, unit: &str) -> ValueType {
        ValueType {
            ty: ty.to_string(),
            unit: unit.to_string(),
        }
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.ty, self.unit)
    }
}

/// A loaded binary or library; kept so re-encoded profiles stay faithful.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Mapping {
    /// Load address.
    pub start: u64,
    /// End of the mapped range.
    pub limit: u64,
    /// File offset of `start`.
    pub offset: u64,
    /// The object file.
    pub file: String,
    /// Build id of the object file.
    pub build_id: String,
    /// Functions are known.
    pub has_functions: bool,
    /// File names are known.
    pub has_filenames: bool,
    /// Line numbers are known.
    pub has_line_numbers: bool,
    /// Inlined frames are known.
    pub has_inline_frames: bool,
}

/// A function: name and where it is defined.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Function {
    /// Human-readable name, e.g. `net/http.(*conn).serve`.
    pub name: String,
    /// System (linker) name.
    pub system_name: String,
    /// Source file.
    pub filename: String,
    /// First line of the function.
    pub start_line: i64,
}

/// One source position of a location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Line {
    /// Index into [`Profile::functions`]; `None` when the proto had no function.
    pub function: Option<usize>,
    /// Line number.
    pub line: i64,
    /// Column number (0 when unknown; Go does not record columns).
    pub column: i64,
}

/// A program counter and the source lines it stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Location {
    /// Index into [`Profile::mappings`].
    pub mapping: Option<usize>,
    /// Instruction address (0 when unknown).
    pub address: u64,
    /// Inlined callees first, the physical caller last.
    pub lines: Vec<Line>,
    /// Several symbols share this address.
    pub is_folded: bool,
}

/// The value of a label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LabelValue {
    /// A string label (goroutine labels, `pprof::base`).
    Str(String),
    /// A numeric label with its unit (`bytes` on heap samples).
    Num {
        /// The number.
        value: i64,
        /// Its unit ("" when unspecified).
        unit: String,
    },
}

/// Extra context on a sample.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label {
    /// The key.
    pub key: String,
    /// The value.
    pub value: LabelValue,
}

/// One measurement: a value per sample type at one stack.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Sample {
    /// Indices into [`Profile::locations`], leaf first (`u32`: half the memory of
    /// `usize` on the largest table of a profile).
    pub locations: Vec<u32>,
    /// One value per [`Profile::sample_types`].
    pub values: Vec<i64>,
    /// Labels in input order.
    pub labels: Vec<Label>,
}

/// One frame of a resolved stack (an inlined call is a frame of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// Function name; "" for an unsymbolized address.
    pub function: &'a str,
    /// Source file ("" when unknown).
    pub file: &'a str,
    /// Line number (0 when unknown).
    pub line: i64,
    /// Column number (0 when unknown).
    pub column: i64,
    /// The instruction address of the location this frame belongs to.
    pub address: u64,
    /// The mapping of that location (index into [`Profile::mappings`]).
    pub mapping: Option<usize>,
    /// This frame was inlined into the next one.
    pub inlined: bool,
}

impl Frame<'_> {
    /// The name to show: the function, or the address when unsymbolized.
    pub fn display_name(&self) -> String {
        if self.function.is_empty() {
            format!("{:#x}", self.address)
        } else {
            self.function.to_string()
        }
    }
}

/// A profile: pprof's data model, resolved (no ids, no string indices).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Profile {
    /// What each sample value measures.
    pub sample_types: Vec<ValueType>,
    /// The preferred sample type name ("" when unset: pprof then uses the last).
    pub default_sample_type: String,
    /// The samples.
    pub samples: Vec<Sample>,
    /// Location table.
    pub locations: Vec<Location>,
    /// Function table.
    pub functions: Vec<Function>,
    /// Mapping table.
    pub mappings: Vec<Mapping>,
    /// The kind of events between sampled occurrences.
    pub period_type: Option<ValueType>,
    /// Events between sampled occurrences.
    pub period: i64,
    /// Collection time, nanoseconds since the Unix epoch (0 when unknown).
    pub time_nanos: i64,
    /// Time covered, in nanoseconds (0 when unknown).
    pub duration_nanos: i64,
    /// Free-form comments.
    pub comments: Vec<String>,
    /// Documentation link.
    pub doc_url: String,
    /// Regexp of frames pprof drops.
    pub drop_frames: String,
    /// Regexp of frames pprof keeps despite `drop_frames`.
    pub keep_frames: String,
    /// `name = value` pairs of a `# runtime.MemStats` trailer (legacy heap text only).
    pub memstats: Vec<(String, String)>,
}

impl Profile {
    /// The frames of `sample`, leaf first, inlined frames included.
    pub fn frames<'a>(&'a self, sample: &'a Sample) -> impl Iterator<Item = Frame<'a>> + 'a {
        sample
            .locations
            .iter()
            .flat_map(move |&l| self.location_frames(l as usize))
    }

    /// The frames of one location, innermost (inlined) first.
    pub fn location_frames(&self, index: usize) -> impl Iterator<Item = Frame<'_>> + '_ {
        let loc = self.locations.get(index);
        let address = loc.map_or(0, |l| l.address);
        let mapping = loc.and_then(|l| l.mapping);
        let lines = loc.map_or(&[][..], |l| l.lines.as_slice());
        let unsymbolized = lines.is_empty().then_some(Frame {
            function: "",
            file: "",
            line: 0,
            column: 0,
            address,
            mapping,
            inlined: false,
        });
        let last = lines.len().saturating_sub(1);
        lines
            .iter()
            .enumerate()
            .map(move |(i, line)| {
                let f = line.function.and_then(|f| self.functions.get(f));
                Frame {
                    function: f.map_or("", |f| f.name.as_str()),
                    file: f.map_or("", |f| f.filename.as_str()),
                    line: line.line,
                    column: line.column,
                    address,
                    mapping,
                    inlined: i < last,
                }
            })
            .chain(unsymbolized)
    }

    /// The names of the sample types, in order.
    pub fn sample_type_names(&self) -> Vec<&str> {
        self.sample_types.iter().map(|t| t.ty.as_str()).collect()
    }

    /// Resolves a sample index the way pprof's `-sample_index` does: `None`
    /// is the default type (or the last), a number is a position, a name
    /// matches a type (`inuse_` may be left off for legacy `space`/`objects`).
    pub fn sample_index(&self, wanted: Option<&str>) -> Result<usize, SampleIndexError> {
        let types = || self.sample_type_names().join(", ");
        if self.sample_types.is_empty() {
            return Err(SampleIndexError(format!(
                "the profile has no sample types (wanted {wanted:?})"
            )));
        }
        let Some(wanted) = wanted.filter(|w| !w.is_empty()) else {
            let default = (!self.default_sample_type.is_empty())
                .then(|| {
                    self.sample_types
                        .iter()
                        .position(|t| t.ty == self.default_sample_type)
                })
                .flatten();
            return Ok(default.unwrap_or(self.sample_types.len() - 1));
        };
        if let Ok(i) = wanted.parse::<i64>() {
            return usize::try_from(i)
                .ok()
                .filter(|&i| i < self.sample_types.len())
                .ok_or_else(|| {
                    SampleIndexError(format!(
                        "sample index {wanted} is outside the range [0..{}]",
                        self.sample_types.len() - 1
                    ))
                });
        }
        let no_inuse = wanted.strip_prefix("inuse_").unwrap_or(wanted);
        self.sample_types
            .iter()
            .position(|t| t.ty == wanted || t.ty == no_inuse)
            .ok_or_else(|| SampleIndexError(format!("sample index '{wanted}' must be one of: {}", types())))
    }
}

/// A `--sample-index` that the profile does not have.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SampleIndexError(pub String);
