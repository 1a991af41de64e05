//! Bounds on what a parser will take, so hostile input cannot exhaust memory.

/// Size and count limits applied by every parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input after decompression, in bytes.
    pub max_input_bytes: u64,
    /// Most records of one kind (samples, locations, functions, strings, lines of text).
    pub max_records: usize,
    /// Deepest stack (locations per sample, frames per goroutine).
    pub max_stack_depth: usize,
}

impl Limits {
    /// 1 GiB: far above any profile Go writes, small enough to fail before the machine does.
    pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;
    /// 50 million records: a 1 GiB profile of tiny samples stays under it.
    pub const DEFAULT_MAX_RECORDS: usize = 50_000_000;
    /// Go records at most 1024 frames per stack (`debug.profstackdepth`); inlining adds some.
    pub const DEFAULT_MAX_STACK_DEPTH: usize = 10_000;

    /// Fails with [`crate::ParseError::TooMany`] when `count` exceeds the record limit.
    pub fn check_records(&self, what: &'static str, count: usize) -> Result<(), crate::ParseError> {
        if count > self.max_records {
            return Err(crate::ParseError::TooMany {
                what,
                limit: self.max_records,
            });
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_bytes: Self::DEFAULT_MAX_INPUT_BYTES,
            max_records: Self::DEFAULT_MAX_RECORDS,
            max_stack_depth: Self::DEFAULT_MAX_STACK_DEPTH,
        }
    }
}
