//! `debug=1` text of Go's counting profiles (`goroutine`, `goroutineleak`,
//! `threadcreate`) → [`CountProfile`].
//!
//! runtime/pprof's `printCountProfile` writes, through a `tabwriter` (so
//! columns are separated by one or more tabs):
//!
//! ```text
//! goroutine profile: total 3
//! 2 @ 0x47fd0e 0x414a5c 0x4e56b7 0x486a61
//! # labels: {"handler":"lookup"}
//! #\t0x4e56b6\tmain.worker+0x56\t/src/main.go:36
//!
//! 1 @ 0x47fd0e …
//! ```
//!
//! Leading runtime frames are hidden by Go in this format; the proto keeps them.

use crate::error::ParseError;
use crate::go_quote::parse_label_set;
use crate::goroutine::{CountProfile, Frame, StackCount};
use crate::goroutine_header::parse_hex;
use crate::limits::Limits;

/// Profiles written in this format.
const NAMES: &[&str] = &["goroutine", "goroutineleak", "threadcreate"];

const FORMAT: &str = "goroutine profile (debug=1)";

/// Parses a `debug=1` count profile; `Ok(None)` if the text does not start
/// with `NAME profile: total N` for one of Go's counting profiles.
pub fn parse_count_profile(bytes: &[u8], limits: &Limits) -> Result<Option<CountProfile>, ParseError> {
    let Some(first_end) = memchr::memchr(b'\n', bytes).or((!bytes.is_empty()).then_some(bytes.len())) else {
        return Ok(None);
    };
    let Some((name, total)) = std::str::from_utf8(&bytes[..first_end])
        .ok()
        .and_then(parse_title)
    else {
        return Ok(None);
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ParseError::malformed(FORMAT, format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let mut profile = CountProfile {
        name: name.to_string(),
        total,
        stacks: Vec::new(),
    };
    let mut current: Option<StackCount> = None;
    for (i, line) in text.lines().enumerate().skip(1) {
        let line_no = i + 1;
        let bad = |what: &str| ParseError::malformed(FORMAT, format!("line {line_no}: {what}"));
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            if let Some(stack) = current.take() {
                profile.stacks.push(stack);
            }
            continue;
        }
        if let Some(labels) = line.strip_prefix("# labels: ") {
            let stack = current.as_mut().ok_or_else(|| bad("labels before any record"))?;
            stack.labels = parse_label_set(labels).ok_or_else(|| bad("unreadable label set"))?;
            continue;
        }
        if let Some(frame) = line.strip_prefix('#') {
            let stack = current.as_mut().ok_or_else(|| bad("a frame before any record"))?;
            if stack.frames.len() >= limits.max_stack_depth {
                return Err(ParseError::TooMany {
                    what: "frames in one stack",
                    limit: limits.max_stack_depth,
                });
            }
            stack.frames.push(
                parse_frame(frame).ok_or_else(|| bad("not a '#\\t0xPC\\tfunc+0xOFF\\tfile:line' frame"))?,
            );
            continue;
        }
        if let Some(done) = current.take() {
            profile.stacks.push(done);
        }
        limits.check_records("stack records", profile.stacks.len() + 1)?;
        current = Some(parse_record(line, limits).ok_or_else(|| bad("not a 'COUNT @ 0xPC...' record"))?);
    }
    if let Some(stack) = current.take() {
        profile.stacks.push(stack);
    }
    let sum = profile
        .stacks
        .iter()
        .try_fold(0u64, |acc, s| acc.checked_add(s.count));
    if sum != Some(total) {
        let sum = sum.map_or_else(|| "more than 2^64".to_string(), |s| s.to_string());
        return Err(ParseError::malformed(
            FORMAT,
            format!("the header says total {total} but the records add up to {sum} (cut short?)"),
        ));
    }
    Ok(Some(profile))
}

/// `goroutine profile: total 7` → ("goroutine", 7).
fn parse_title(line: &str) -> Option<(&str, u64)> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (name, total) = line.split_once(" profile: total ")?;
    NAMES.contains(&name).then_some(())?;
    Some((name, total.parse().ok()?))
}

/// `2 @ 0x47fd0e 0x414a5c`.
fn parse_record(line: &str, limits: &Limits) -> Option<StackCount> {
    let (count, pcs) = line.split_once(" @")?;
    let count = count.parse().ok()?;
    let mut out = Vec::new();
    for pc in pcs.split_ascii_whitespace() {
        if out.len() >= limits.max_stack_depth {
            return None;
        }
        out.push(parse_hex(pc)?);
    }
    Some(StackCount {
        count,
        frames: Vec::new(),
        pcs: out,
        labels: Vec::new(),
    })
}

/// The part after `#`: `\t0xPC\tfunc+0xOFF\tfile:line` or `\t0xPC` (no symbol).
fn parse_frame(rest: &str) -> Option<Frame> {
    let mut cells = rest.split('\t').filter(|c| !c.is_empty());
    let pc = parse_hex(cells.next()?)?;
    let Some(function) = cells.next() else {
        return Some(Frame {
            function: format!("{pc:#x}"),
            file: String::new(),
            line: 0,
        });
    };
    let location = cells.next()?;
    if cells.next().is_some() {
        return None;
    }
    let function = function.rsplit_once("+0x").map_or(function, |(f, _)| f);
    let (file, line) = location.rsplit_once(':')?;
    Some(Frame {
        function: function.to_string(),
        file: file.to_string(),
        line: line.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_of_print_count_profile() {
        let text = "goroutine profile: total 3\n2 @ 0x47fd0e 0x4e56b7\n# labels: {\"k\":\"v\"}\n#\t0x4e56b6\tmain.worker+0x56\t\t/src/main.go:36\n#\t0x4e59a3\n\n1 @ 0x47fd0e\n#\t0x47fd0d\truntime.gopark+0xcd\t/go/src/runtime/proc.go:435\n\n";
        let p = parse_count_profile(text.as_bytes(), &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!((p.name.as_str(), p.total, p.stacks.len()), ("goroutine", 3, 2));
        let s = &p.stacks[0];
        assert_eq!((s.count, s.pcs.len(), s.labels.len()), (2, 2, 1));
        assert_eq!(s.frames[0].function, "main.worker");
        assert_eq!(s.frames[0].line, 36);
        assert_eq!(s.frames[1].function, "0x4e59a3");
    }

    #[test]
    fn wrong_or_broken() {
        let l = Limits::default();
        assert!(
            parse_count_profile(b"heap profile: 1: 2 [3: 4] @ heap/1\n", &l)
                .unwrap()
                .is_none()
        );
        assert!(parse_count_profile(b"", &l).unwrap().is_none());
        let err = parse_count_profile(b"goroutine profile: total 2\n1 @ 0x1\n", &l).unwrap_err();
        assert!(err.to_string().contains("add up to 1"), "{err}");
        let err = parse_count_profile(b"goroutine profile: total 1\n1 @ 0x1\n#\tjunk\n", &l).unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = parse_count_profile(b"goroutine profile: total 1\n1 @ 0x1\n\xff\n", &l).unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");
    }
}
