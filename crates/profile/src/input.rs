//! Content-based format detection: bytes in, one [`Input`] out.
//!
//! gzip is undone first (with a size limit), then an ordered list of parsers
//! is tried. A parser returns `Ok(None)` when the bytes are not its format
//! (*unrecognized*: try the next one) and `Err` when they are but are broken
//! (*malformed*: stop and say where). Text formats come first; the binary
//! protobuf parser comes last, as a few text bytes can happen to decode as one.
//!
//! ```
//! use leakscope_profile::input::{parse, Input};
//! use leakscope_profile::Limits;
//! let text = b"--- contention:\ncycles/second=1000000000\n100 2 @ 0x401001\n";
//! let Input::Profile { profile, .. } = parse(text, &Limits::default()).unwrap() else { panic!() };
//! assert_eq!(profile.totals(), vec![("contentions", 2), ("delay", 100)]);
//! ```

use std::io::Read;

use flate2::read::MultiGzDecoder;

use crate::error::ParseError;
use crate::goroutine::{CountProfile, GoroutineDump};
use crate::limits::Limits;
use crate::profile::Profile;
use crate::runtime_figures::Metrics;
use crate::{
    contention_text, count_profile_text, expvar, gctrace, goroutine_dump, heap_text, pprof_decode, prometheus,
};

/// Which profile format an input was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileFormat {
    /// `profile.proto`.
    Proto,
    /// Legacy text heap profile (`heap?debug=1`).
    HeapText,
    /// Block or mutex text profile (`block?debug=1`, `mutex?debug=1`).
    ContentionText,
}

impl ProfileFormat {
    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            ProfileFormat::Proto => "pprof",
            ProfileFormat::HeapText => "legacy heap text",
            ProfileFormat::ContentionText => "contention text",
        }
    }
}

/// What one input turned out to be.
#[derive(Clone, Debug)]
pub enum Input {
    /// A pprof profile (any kind: heap, allocs, goroutine, block, mutex, ...).
    Profile {
        /// The profile.
        profile: Box<Profile>,
        /// The format it was read from.
        format: ProfileFormat,
    },
    /// A goroutine dump: `goroutine?debug=2` text or a panic/SIGQUIT traceback.
    Goroutines(Box<GoroutineDump>),
    /// A `debug=1` count profile: goroutine, goroutineleak or threadcreate.
    GoroutineCounts(Box<CountProfile>),
    /// A metrics snapshot: Prometheus text, expvar JSON or gctrace lines.
    Metrics(Box<Metrics>),
}

/// One entry of the parser list.
struct Parser {
    /// What it reads, for the "unrecognized" message.
    name: &'static str,
    /// Its parse function; `Ok(None)` means "not mine".
    parse: fn(&[u8], &Limits) -> Result<Option<Input>, ParseError>,
}

/// The parsers, in the order they are tried. New formats add a line here.
const PARSERS: &[Parser] = &[
    Parser {
        name: "a legacy heap profile",
        parse: parse_heap_text,
    },
    Parser {
        name: "a block/mutex contention profile",
        parse: parse_contention_text,
    },
    Parser {
        name: "a goroutine profile (debug=1)",
        parse: parse_count_text,
    },
    Parser {
        name: "a goroutine dump (debug=2) or traceback",
        parse: parse_goroutine_dump,
    },
    Parser {
        name: "expvar JSON",
        parse: parse_expvar,
    },
    Parser {
        name: "Prometheus metrics",
        parse: parse_prometheus,
    },
    Parser {
        name: "gctrace output",
        parse: parse_gctrace,
    },
    // Binary last: see the module docs.
    Parser {
        name: "a pprof profile (gzipped or raw protobuf)",
        parse: parse_proto,
    },
];

fn parse_heap_text(b: &[u8], l: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(heap_text::parse(b, l)?.map(|p| profile(p, ProfileFormat::HeapText)))
}

fn parse_contention_text(b: &[u8], l: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(contention_text::parse(b, l)?.map(|p| profile(p, ProfileFormat::ContentionText)))
}

fn parse_count_text(b: &[u8], l: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(count_profile_text::parse_count_profile(b, l)?.map(|p| Input::GoroutineCounts(Box::new(p))))
}

fn parse_goroutine_dump(b: &[u8], l: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(goroutine_dump::parse_dump(b, l)?.map(|d| Input::Goroutines(Box::new(d))))
}

fn parse_expvar(b: &[u8], _: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(expvar::parse_expvar(b)?.map(|e| Input::Metrics(Box::new(Metrics::Expvar(e)))))
}

fn parse_prometheus(b: &[u8], _: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(prometheus::parse_exposition(b)?.map(|p| Input::Metrics(Box::new(Metrics::Prometheus(p)))))
}

fn parse_gctrace(b: &[u8], _: &Limits) -> Result<Option<Input>, ParseError> {
    Ok(gctrace::parse_gctrace(b).map(|t| Input::Metrics(Box::new(Metrics::GcTrace(t)))))
}

fn parse_proto(b: &[u8], l: &Limits) -> Result<Option<Input>, ParseError> {
    if !pprof_decode::looks_like_proto(b) {
        return Ok(None);
    }
    pprof_decode::decode(b, l).map(|p| Some(profile(p, ProfileFormat::Proto)))
}

fn profile(p: Profile, format: ProfileFormat) -> Input {
    Input::Profile {
        profile: Box::new(p),
        format,
    }
}

/// Reads any supported input, gzipped or not.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Input, ParseError> {
    if is_gzip(bytes) {
        let plain = gunzip(bytes, limits.max_input_bytes)?;
        return parse_plain(&plain, limits);
    }
    if u64::try_from(bytes.len()).map_or(true, |n| n > limits.max_input_bytes) {
        return Err(ParseError::TooLarge {
            limit: limits.max_input_bytes,
        });
    }
    parse_plain(bytes, limits)
}

fn parse_plain(bytes: &[u8], limits: &Limits) -> Result<Input, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::malformed("input", "it is empty"));
    }
    for p in PARSERS {
        if let Some(input) = (p.parse)(bytes, limits)? {
            return Ok(input);
        }
    }
    let names: Vec<&str> = PARSERS.iter().map(|p| p.name).collect();
    Err(ParseError::Unrecognized {
        expected: names.join(", nor "),
    })
}

/// gzip's magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses all gzip members (Go's reader is multistream), refusing more than `max` bytes.
pub fn gunzip(bytes: &[u8], max: u64) -> Result<Vec<u8>, ParseError> {
    // The last member's trailer holds its size mod 2^32: a hint (never trusted
    // past `max`, nor past a 64× ratio) that spares regrowing a large buffer.
    let hint = bytes
        .len()
        .checked_sub(4)
        .and_then(|i| bytes.get(i..))
        .map_or(0, |t| u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as usize);
    let cap = hint
        .min(usize::try_from(max).unwrap_or(usize::MAX))
        .min(bytes.len().saturating_mul(64));
    let mut out = Vec::with_capacity(cap);
    MultiGzDecoder::new(bytes)
        .take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => ParseError::Gzip("the compressed data is truncated".into()),
            _ => ParseError::Gzip(e.to_string()),
        })?;
    if u64::try_from(out.len()).map_or(true, |n| n > max) {
        return Err(ParseError::TooLarge { limit: max });
    }
    Ok(out)
}
