//! What the legacy text profiles (heap `debug=1`, block/mutex `debug=1`) share:
//! sample lines with raw return addresses, followed by `#` comment lines that
//! Go's `printStackRecord` writes to symbolize them.

use std::collections::HashMap;

use crate::error::ParseError;
use crate::limits::Limits;
use crate::profile::{Function, Label, Line, Location, Profile, Sample};

/// One symbolized frame from a comment line `#\t0xPC\tfunc+0xOFF\tfile:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentFrame {
    /// The program counter (the return address − 1, the call instruction).
    pub pc: u64,
    /// Function name.
    pub function: String,
    /// Source file.
    pub file: String,
    /// Line number.
    pub line: i64,
}

/// Parses a symbolization comment; `None` for any other comment.
pub fn parse_comment_frame(line: &str) -> Option<CommentFrame> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let (pc, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let pc = u64::from_str_radix(pc.strip_prefix("0x")?, 16).ok()?;
    let rest = rest.trim();
    if rest.is_empty() {
        // An unsymbolized PC: printed alone.
        return Some(CommentFrame {
            pc,
            function: String::new(),
            file: String::new(),
            line: 0,
        });
    }
    // Names may contain spaces (generic shapes), so split at the `+0xOFF` that ends the name.
    let plus = rest.rfind("+0x")?;
    let function = &rest[..plus];
    let after = &rest[plus + 3..];
    let hex_end = after
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(after.len());
    let location = after[hex_end..].trim();
    let (file, line) = match location.rsplit_once(':') {
        Some((f, l)) => (f, l.parse().unwrap_or(0)),
        None => (location, 0),
    };
    Some(CommentFrame {
        pc,
        function: function.to_string(),
        file: file.to_string(),
        line,
    })
}

/// The hex addresses of a sample line's tail (`0x...` tokens), as pprof's
/// `parseHexAddresses`.
pub fn parse_addresses(tail: &str) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    for token in tail.split_whitespace() {
        let hex = token
            .strip_prefix("0x")
            .ok_or_else(|| format!("'{token}' is not a hex address"))?;
        out.push(u64::from_str_radix(hex, 16).map_err(|_| format!("'{token}' is not a 64-bit hex address"))?);
    }
    Ok(out)
}

/// Builds a [`Profile`] from legacy samples, symbolizing locations from the
/// comment frames that follow each sample.
pub struct LegacyBuilder<'l> {
    /// The profile being built.
    pub profile: Profile,
    limits: &'l Limits,
    locations: HashMap<u64, usize>,
    functions: HashMap<(String, String), usize>,
    pending: Option<(Vec<u64>, Vec<i64>, Vec<Label>)>,
    frames: Vec<CommentFrame>,
}

impl<'l> LegacyBuilder<'l> {
    /// A builder around an empty profile (sample types set by the caller).
    pub fn new(profile: Profile, limits: &'l Limits) -> LegacyBuilder<'l> {
        LegacyBuilder {
            profile,
            limits,
            locations: HashMap::new(),
            functions: HashMap::new(),
            pending: None,
            frames: Vec::new(),
        }
    }

    /// Starts a sample; its symbolization comments may follow.
    pub fn sample(
        &mut self,
        addrs: Vec<u64>,
        values: Vec<i64>,
        labels: Vec<Label>,
    ) -> Result<(), ParseError> {
        self.flush()?;
        if addrs.len() > self.limits.max_stack_depth {
            return Err(ParseError::TooMany {
                what: "frames in one stack",
                limit: self.limits.max_stack_depth,
            });
        }
        self.limits
            .check_records("samples", self.profile.samples.len() + 1)?;
        self.pending = Some((addrs, values, labels));
        Ok(())
    }

    /// A comment line; symbolization frames attach to the pending sample.
    pub fn comment(&mut self, line: &str) {
        if self.pending.is_none() {
            return;
        }
        if let Some(f) = parse_comment_frame(line) {
            self.frames.push(f);
        }
    }

    /// Ends the pending sample: creates its locations (addresses − 1, as pprof
    /// does, to land on the call instruction) and symbolizes new ones.
    pub fn flush(&mut self) -> Result<(), ParseError> {
        let Some((addrs, values, labels)) = self.pending.take() else {
            return Ok(());
        };
        let frames = std::mem::take(&mut self.frames);
        let mut cursor = 0;
        let mut locs = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let pc = addr.wrapping_sub(1);
            // The frames printed for this PC (several when calls were inlined there);
            // runtime frames at the leaf may have been hidden and have none.
            let start = cursor;
            while frames.get(cursor).is_some_and(|f| f.pc == pc) {
                cursor += 1;
            }
            let index = match self.locations.get(&pc) {
                Some(&i) => i,
                None => {
                    self.limits
                        .check_records("locations", self.profile.locations.len() + 1)?;
                    let mut lines = Vec::with_capacity(cursor - start);
                    for f in frames[start..cursor].iter().filter(|f| !f.function.is_empty()) {
                        let key = (f.function.clone(), f.file.clone());
                        let next = self.profile.functions.len();
                        let function = *self.functions.entry(key).or_insert(next);
                        if function == next {
                            self.profile.functions.push(Function {
                                name: f.function.clone(),
                                system_name: f.function.clone(),
                                filename: f.file.clone(),
                                start_line: 0,
                            });
                        }
                        lines.push(Line {
                            function: Some(function),
                            line: f.line,
                            column: 0,
                        });
                    }
                    self.profile.locations.push(Location {
                        mapping: None,
                        address: pc,
                        lines,
                        is_folded: false,
                    });
                    self.locations.insert(pc, self.profile.locations.len() - 1);
                    self.profile.locations.len() - 1
                }
            };
            locs.push(u32::try_from(index).map_err(|_| ParseError::TooMany {
                what: "locations",
                limit: u32::MAX as usize,
            })?);
        }
        self.profile.samples.push(Sample {
            locations: locs,
            values,
            labels,
        });
        Ok(())
    }

    /// The finished profile.
    pub fn finish(mut self) -> Result<Profile, ParseError> {
        self.flush()?;
        Ok(self.profile)
    }
}

/// pprof's `isMemoryMapSentinel`: a memory map section ends the samples.
pub fn is_memory_map_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

/// The input as text, or a malformed error naming the first bad line.
pub fn as_text<'a>(bytes: &'a [u8], format: &'static str) -> Result<&'a str, ParseError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        ParseError::malformed(format, format!("line {line} is not valid UTF-8"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_frames() {
        let f =
            parse_comment_frame("#\t0x73fc6e\tregexp/syntax.(*parser).factor+0x6ae\t\t/usr/go/parse.go:647")
                .unwrap();
        assert_eq!(
            (f.pc, f.function.as_str(), f.file.as_str(), f.line),
            (
                0x73fc6e,
                "regexp/syntax.(*parser).factor",
                "/usr/go/parse.go",
                647
            )
        );
        let g =
            parse_comment_frame("#\t0x4a\tweak.Make[go.shape.struct { a bool }]+0x1f\t/x y/z.go:3").unwrap();
        assert_eq!(
            (g.function.as_str(), g.file.as_str(), g.line),
            ("weak.Make[go.shape.struct { a bool }]", "/x y/z.go", 3)
        );
        assert_eq!(parse_comment_frame("#\t0x4a").unwrap().function, "");
        assert!(parse_comment_frame("# runtime.MemStats").is_none());
    }
}
