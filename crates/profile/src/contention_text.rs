//! Block and mutex profiles in text (`/debug/pprof/block?debug=1`,
//! `/debug/pprof/mutex?debug=1`): `--- contention:` or `--- mutex:`, then
//! `cycles/second=N` (and `sampling period=N` for mutex), then
//! `cycles count @ 0x...` lines with `#` frames.
//!
//! Values are converted as `go tool pprof` does: delay in nanoseconds is
//! `cycles × period ÷ (cycles/second ÷ 1e9)` and contentions are `count × period`.

use crate::error::ParseError;
use crate::legacy_text::{LegacyBuilder, as_text, is_memory_map_sentinel, parse_addresses};
use crate::limits::Limits;
use crate::profile::{Profile, ValueType};
use crate::text_cursor::Cursor;

const FORMAT: &str = "contention profile";

/// Parses a block/mutex text profile; `Ok(None)` when the first line is not its header.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Option<Profile>, ParseError> {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    if !(first.starts_with(b"--- contention:") || first.starts_with(b"--- mutex:")) {
        return Ok(None);
    }
    let text = as_text(bytes, FORMAT)?;
    let mut profile = Profile {
        sample_types: vec![
            ValueType::new("contentions", "count"),
            ValueType::new("delay", "nanoseconds"),
        ],
        period_type: Some(ValueType::new("contentions", "count")),
        period: 1,
        ..Profile::default()
    };
    let mut cpu_hz: i64 = 0;
    let mut lines = text.lines().enumerate().skip(1).peekable();
    // `attribute = value` lines before the samples.
    while let Some(&(n, raw)) = lines.peek() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            lines.next();
            continue;
        }
        if line.starts_with("---") {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            break;
        };
        let (key, value) = (key.trim(), value.trim());
        let number = || {
            parse_go_int(value).ok_or_else(|| {
                ParseError::malformed(FORMAT, format!("line {}: '{value}' is not a number", n + 1))
            })
        };
        match key {
            "cycles/second" => cpu_hz = number()?,
            "sampling period" => profile.period = number()?,
            "ms since reset" => profile.duration_nanos = number()?.saturating_mul(1_000_000),
            "discarded samples" => {}
            _ => {
                return Err(ParseError::malformed(
                    FORMAT,
                    format!("line {}: unknown attribute '{key}'", n + 1),
                ));
            }
        }
        lines.next();
    }
    let period = profile.period;
    let mut b = LegacyBuilder::new(profile, limits);
    for (n, raw) in lines {
        let line = raw.trim();
        if line.starts_with("---") || is_memory_map_sentinel(line) {
            break;
        }
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            b.comment(raw);
            continue;
        }
        let (values, addrs) = parse_sample(line, period, cpu_hz)
            .map_err(|e| ParseError::malformed(FORMAT, format!("line {}: {e}", n + 1)))?;
        b.sample(addrs, values, Vec::new())?;
    }
    b.finish().map(Some)
}

/// `cycles count @ 0x...` → `[contentions, delay ns]` and addresses.
fn parse_sample(line: &str, period: i64, cpu_hz: i64) -> Result<(Vec<i64>, Vec<u64>), String> {
    let bad = || format!("'{line}' is not a contention sample line 'cycles count @ 0x...'");
    let mut c = Cursor::new(line);
    let cycles = c.digits(false).ok_or_else(bad)?;
    let count = c.spaces().digits(false).ok_or_else(bad)?;
    c.spaces().lit("@").ok_or_else(bad)?;
    let addrs = parse_addresses(c.rest())?;
    let num = |s: &str| s.parse::<i64>().map_err(|e| format!("'{s}': {e}"));
    let (mut cycles, mut count) = (num(cycles)?, num(count)?);
    if period > 0 {
        if cpu_hz > 0 {
            let cpu_ghz = cpu_hz as f64 / 1e9;
            cycles = (cycles as f64 * period as f64 / cpu_ghz) as i64;
        }
        count = count.wrapping_mul(period);
    }
    Ok((vec![count, cycles], addrs))
}

/// Go's `strconv.ParseInt(s, 0, 64)`: decimal, `0x` hex, `0o`/`0` octal, `0b` binary, `_` separators.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(h) = lower.strip_prefix("0x") {
        (16, h)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (8, o)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let body = body.replace('_', "");
    let v = i64::from_str_radix(&body, radix).ok()?;
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_ints() {
        assert_eq!(parse_go_int("2596134026"), Some(2596134026));
        assert_eq!(parse_go_int("0x10"), Some(16));
        assert_eq!(parse_go_int("010"), Some(8));
        assert_eq!(parse_go_int("x"), None);
    }
}
