//! Legacy text heap profiles (`/debug/pprof/heap?debug=1`):
//! `heap profile: N: B [N: B] @ heap/2*rate`, one line per stack with raw
//! (sampled) counts, `#` frames, and a `# runtime.MemStats` trailer.
//!
//! Values are unsampled exactly as `go tool pprof` does (its legacy parser):
//! the `heap/R` header means a sampling rate of R/2 (Go prints twice its
//! `MemProfileRate` for old C++ pprof), and each count and size is divided by
//! the chance `1 − exp(−avg/rate)` that an allocation of that size was sampled.

use crate::error::ParseError;
use crate::legacy_text::{LegacyBuilder, as_text, is_memory_map_sentinel, parse_addresses};
use crate::limits::Limits;
use crate::profile::{Label, LabelValue, Profile, ValueType};
use crate::text_cursor::Cursor;

const FORMAT: &str = "legacy heap profile";

/// The header fields pprof reads.
struct Header {
    /// Unsample values (`heap`, `heap_v2`, `heapz_v2`); not for `heapprofile`.
    unsample: bool,
    period: i64,
    has_alloc: bool,
}

/// Parses `heap profile: 1: 2 [3: 4] @ heap/1048576`; `None` when the line is another format.
fn parse_header(line: &str) -> Option<Header> {
    let at = line.find("heap profile:")?;
    let mut c = Cursor::new(&line[at + "heap profile:".len()..]);
    let inuse_n = c.spaces().digits(false)?;
    c.spaces().lit(":")?;
    let inuse_b = c.spaces().digits(false)?;
    c.spaces().lit("[")?;
    let alloc_n = c.spaces().digits(false)?;
    c.spaces().lit(":")?;
    let alloc_b = c.spaces().digits(false)?;
    c.spaces().lit("]")?;
    c.spaces().lit("@")?;
    c.spaces().lit("heap")?;
    let kind = c.take_while(|ch| ch == '_' || ch.is_ascii_lowercase() || ch.is_ascii_digit());
    let _ = c.lit("/");
    let rate = c.take_while(|ch| ch.is_ascii_digit());
    let rate: i64 = if rate.is_empty() { 0 } else { rate.parse().ok()? };
    // pprof compares the header's textual numbers: alloc columns that equal
    // the in-use ones (or are 0) mean a 2-column profile.
    let has_alloc = (alloc_n != inuse_n && alloc_n != "0") || (alloc_b != inuse_b && alloc_b != "0");
    let (unsample, period) = match kind {
        "z_v2" | "_v2" => (true, rate),
        "profile" => (false, 1),
        "" => (true, rate / 2),
        _ => return None,
    };
    Some(Header {
        unsample,
        period,
        has_alloc,
    })
}

/// Go's (and pprof's) `scaleHeapSample`: the expected unsampled count and size.
pub fn scale_heap_sample(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, size);
    }
    let avg = size as f64 / count as f64;
    let scale = 1.0 / (1.0 - (-avg / rate as f64).exp());
    ((count as f64 * scale) as i64, (size as f64 * scale) as i64)
}

/// Parses a legacy heap profile; `Ok(None)` when the first line is not a heap header.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Option<Profile>, ParseError> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let Some(header) = std::str::from_utf8(first).ok().and_then(parse_header) else {
        return Ok(None);
    };
    let text = as_text(bytes, FORMAT)?;
    let sample_types = if header.has_alloc {
        vec![
            ValueType::new("alloc_objects", "count"),
            ValueType::new("alloc_space", "bytes"),
            ValueType::new("inuse_objects", "count"),
            ValueType::new("inuse_space", "bytes"),
        ]
    } else {
        vec![
            ValueType::new("objects", "count"),
            ValueType::new("space", "bytes"),
        ]
    };
    let profile = Profile {
        sample_types,
        period_type: Some(ValueType::new("space", "bytes")),
        period: header.period,
        ..Profile::default()
    };
    let mut b = LegacyBuilder::new(profile, limits);
    let mut memstats = Vec::new();
    let mut in_memstats = false;
    for (n, raw) in text.lines().enumerate().skip(1) {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if comment == "runtime.MemStats" {
                b.flush()?;
                in_memstats = true;
            } else if in_memstats {
                if let Some((k, v)) = comment.split_once(" = ") {
                    memstats.push((k.trim().to_string(), v.trim().to_string()));
                }
            } else {
                b.comment(raw);
            }
            continue;
        }
        if is_memory_map_sentinel(line) {
            break;
        }
        let (values, blocksize, addrs) = parse_sample(line, &header)
            .map_err(|e| ParseError::malformed(FORMAT, format!("line {}: {e}", n + 1)))?;
        let label = Label {
            key: "bytes".into(),
            value: LabelValue::Num {
                value: blocksize,
                unit: String::new(),
            },
        };
        b.sample(addrs, values, vec![label])?;
    }
    let mut p = b.finish()?;
    p.memstats = memstats;
    Ok(Some(p))
}

/// `inuse_n: inuse_b [alloc_n: alloc_b] @ 0x.. 0x..` → values, block size, addresses.
fn parse_sample(line: &str, h: &Header) -> Result<(Vec<i64>, i64, Vec<u64>), String> {
    let bad = || format!("'{line}' is not a heap sample line 'N: B [N: B] @ 0x...'");
    let mut c = Cursor::new(line);
    let inuse_n = c.digits(true).ok_or_else(bad)?;
    c.lit(":").ok_or_else(bad)?;
    let inuse_b = c.spaces().digits(true).ok_or_else(bad)?;
    c.spaces().lit("[").ok_or_else(bad)?;
    let alloc_n = c.spaces().digits(false).ok_or_else(bad)?;
    c.lit(":").ok_or_else(bad)?;
    let alloc_b = c.spaces().digits(false).ok_or_else(bad)?;
    c.spaces().lit("]").ok_or_else(bad)?;
    c.lit(" @").ok_or_else(bad)?;
    let addrs = parse_addresses(c.rest())?;
    let num = |s: &str| s.parse::<i64>().map_err(|e| format!("'{s}': {e}"));
    let mut values = Vec::with_capacity(4);
    let mut blocksize = 0;
    let mut add = |count: i64, size: i64, what: &str| -> Result<(), String> {
        if count == 0 && size != 0 {
            return Err(format!("{what} count was 0 but {what} bytes was {size}"));
        }
        let (mut count, mut size) = (count, size);
        if count != 0 {
            blocksize = size / count;
            if h.unsample {
                (count, size) = scale_heap_sample(count, size, h.period);
            }
        }
        values.push(count);
        values.push(size);
        Ok(())
    };
    if h.has_alloc {
        add(num(alloc_n)?, num(alloc_b)?, "allocation")?;
    }
    add(num(inuse_n)?, num(inuse_b)?, "inuse")?;
    Ok((values, blocksize, addrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rate_is_halved_for_go() {
        let h = parse_header("heap profile: 3645: 782624 [61305: 8321368] @ heap/1048576").unwrap();
        assert!(h.unsample && h.has_alloc);
        assert_eq!(h.period, 524288);
        let h = parse_header("heap profile: 1: 2 [1: 2] @ heap_v2/524288").unwrap();
        assert!(!h.has_alloc);
        assert_eq!(h.period, 524288);
        assert!(parse_header("goroutine profile: total 4").is_none());
    }

    #[test]
    fn unsampling() {
        assert_eq!(scale_heap_sample(1, 16, 1), (1, 16));
        assert_eq!(scale_heap_sample(0, 0, 524288), (0, 0));
        // One 512 KiB object at rate 512 KiB: sampled with probability 1 − 1/e.
        assert_eq!(scale_heap_sample(1, 524288, 524288), (1, 829411));
    }
}
