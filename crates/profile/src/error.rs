//! Why an input could not be read, in words that name the problem.

/// An input that is not one of the formats, or one that is but is broken.
///
/// Parsers tell *unrecognized* (the bytes are some other format: try the next
/// parser) from *malformed* (the bytes claim to be this format but are broken:
/// stop and say where) by returning `Ok(None)` for the former; every variant
/// here is final.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// No parser recognized the bytes.
    #[error("unrecognized format: not {expected}")]
    Unrecognized {
        /// The formats that were tried, for the message.
        expected: String,
    },
    /// The bytes are of a known format but broken.
    #[error("malformed {format}: {detail}")]
    Malformed {
        /// Which format, e.g. "pprof profile".
        format: &'static str,
        /// What is wrong and where.
        detail: String,
    },
    /// gzip data that does not decompress.
    #[error("gzip: {0}")]
    Gzip(String),
    /// The decompressed input is bigger than the configured limit.
    #[error("decompressed size exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// A count limit was exceeded (samples, locations, stack depth, ...).
    #[error("more than {limit} {what} (count limit)")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl ParseError {
    /// A malformed-input error for `format`.
    pub fn malformed(format: &'static str, detail: impl Into<String>) -> ParseError {
        ParseError::Malformed {
            format,
            detail: detail.into(),
        }
    }
}
