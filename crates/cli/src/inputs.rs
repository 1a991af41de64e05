//! Reading input files with the size and count limits the user chose.

use std::io::Read;
use std::path::Path;

use anyhow::anyhow;
use leakscope_profile::input::{self, Input};
use leakscope_profile::{Limits, ParseError};

/// Limits on what an input file may contain (all commands that read files).
#[derive(clap::Args, Clone, Debug)]
pub struct LimitArgs {
    /// Largest input accepted, in bytes after decompression.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_INPUT_BYTES)]
    pub max_input_size: u64,
    /// Most samples, locations, functions, strings or lines one input may hold.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_RECORDS)]
    pub max_records: usize,
    /// Deepest stack accepted.
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT_MAX_STACK_DEPTH)]
    pub max_stack_depth: usize,
}

impl LimitArgs {
    /// The parser limits.
    pub fn limits(&self) -> Limits {
        Limits {
            max_input_bytes: self.max_input_size,
            max_records: self.max_records,
            max_stack_depth: self.max_stack_depth,
        }
    }
}

/// Reads and parses one file; errors read `FILE: problem` on one line.
pub fn read(path: &Path, limits: &Limits) -> anyhow::Result<Input> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| anyhow!("{shown}: {e}"))?;
    let mut bytes = Vec::new();
    // Compressed input is checked after decompression; raw input may not exceed the limit either.
    file.take(limits.max_input_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow!("{shown}: {e}"))?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > limits.max_input_bytes) {
        let e = ParseError::TooLarge {
            limit: limits.max_input_bytes,
        };
        return Err(anyhow!("{shown}: {e} (raise it with --max-input-size)"));
    }
    input::parse(&bytes, limits).map_err(|e| match e {
        ParseError::TooLarge { .. } => anyhow!("{shown}: {e} (raise it with --max-input-size)"),
        ParseError::TooMany { .. } => {
            anyhow!("{shown}: {e} (raise it with --max-records or --max-stack-depth)")
        }
        _ => anyhow!("{shown}: {e}"),
    })
}
