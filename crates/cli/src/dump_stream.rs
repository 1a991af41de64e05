//! Goroutine dumps read in bounded memory: a `debug=2` dump of a large
//! service is hundreds of MiB of text, but its model is a few MiB, so a file
//! that starts with a goroutine header is parsed chunk by chunk instead of
//! being read whole.

use std::io::Read;
use std::path::Path;

use anyhow::anyhow;
use leakscope_profile::goroutine_dump::DumpParser;
use leakscope_profile::goroutine_header::parse_header;
use leakscope_profile::input::Input;
use leakscope_profile::{Limits, ParseError};

/// Bytes read per chunk.
const CHUNK: usize = 1 << 20;

/// Parses `path` as a dump if its first line is a goroutine header; `None`
/// otherwise (the caller reads it as any other input).
pub fn read_if_dump(path: &Path, limits: &Limits) -> anyhow::Result<Option<Input>> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| anyhow!("{shown}: {e}"))?;
    let mut buf = vec![0u8; CHUNK];
    let mut filled = 0;
    // Enough of the file to hold the first line (headers are short).
    while filled < 4096 {
        let n = file
            .read(&mut buf[filled..])
            .map_err(|e| anyhow!("{shown}: {e}"))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let first_line = buf[..filled].split(|&b| b == b'\n').next().unwrap_or_default();
    let is_dump = std::str::from_utf8(first_line)
        .ok()
        .and_then(parse_header)
        .is_some();
    if !is_dump {
        return Ok(None);
    }
    let mut parser = DumpParser::new(limits);
    let mut total = 0u64;
    let fail = |e: ParseError| match e {
        ParseError::TooMany { .. } => {
            anyhow!("{shown}: {e} (raise it with --max-records or --max-stack-depth)")
        }
        _ => anyhow!("{shown}: {e}"),
    };
    loop {
        total = total.saturating_add(filled as u64);
        if total > limits.max_input_bytes {
            let e = ParseError::TooLarge {
                limit: limits.max_input_bytes,
            };
            return Err(anyhow!("{shown}: {e} (raise it with --max-input-size)"));
        }
        parser.feed(&buf[..filled]).map_err(fail)?;
        filled = file.read(&mut buf).map_err(|e| anyhow!("{shown}: {e}"))?;
        if filled == 0 {
            break;
        }
    }
    match parser.finish().map_err(fail)? {
        Some(dump) => Ok(Some(Input::Goroutines(Box::new(dump)))),
        None => Err(anyhow!("{shown}: no goroutines")),
    }
}
