//! The header line of a goroutine block in a `debug=2` dump or a traceback.
//!
//! The runtime (`goroutineheader` in runtime/traceback.go) prints
//! `goroutine ID[ gp=0x… m=N|nil[ mp=0x…]] [STATUS[ (leaked)][ (scan)][ (durable)]
//! [, N minutes][, locked to thread][, synctest bubble N][ labels:{…}]]:`.

use crate::go_quote::parse_label_set;
use crate::goroutine::GoroutineFlags;

/// What a header line says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header<'a> {
    /// The goroutine id.
    pub id: u64,
    /// `m=N` (crash tracebacks and GOTRACEBACK=system).
    pub m: Option<u64>,
    /// The wait reason or status, with the `(durable)` suffix removed.
    pub state: &'a str,
    /// `, N minutes`.
    pub minutes: u32,
    /// `, synctest bubble N`.
    pub bubble: Option<u64>,
    /// The flags of the header.
    pub flags: GoroutineFlags,
    /// ` labels:{…}`.
    pub labels: Vec<(String, String)>,
}

/// Parses `line` (without its newline) as a goroutine header; `None` if it is
/// not one, so ordinary log text is never taken for a goroutine.
pub fn parse_header(line: &str) -> Option<Header<'_>> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let rest = line.strip_prefix("goroutine ")?;
    let (id, rest) = split_number(rest)?;
    let mut header = Header {
        id,
        ..Header::default()
    };
    let mut rest = rest;
    // Optional ` gp=0x… m=N mp=0x…` tokens before ` [`.
    loop {
        let r = rest.strip_prefix(' ')?;
        if r.starts_with('[') {
            rest = r;
            break;
        }
        let (token, _) = r.split_once(' ')?;
        if let Some(v) = token.strip_prefix("gp=") {
            parse_hex(v)?;
        } else if let Some(v) = token.strip_prefix("mp=") {
            parse_hex(v)?;
        } else if let Some(v) = token.strip_prefix("m=") {
            if v != "nil" {
                header.m = Some(v.parse().ok()?);
            }
        } else {
            return None;
        }
        rest = &r[token.len()..];
    }
    let inner = rest.strip_prefix('[')?.strip_suffix("]:")?;
    let (inner, labels) = match inner.find(" labels:{") {
        Some(at) => (&inner[..at], Some(&inner[at + " labels:".len()..])),
        None => (inner, None),
    };
    if let Some(labels) = labels {
        header.labels = parse_label_set(labels)?;
    }
    let mut items = inner.split(", ");
    let mut state = items.next()?;
    // Flags follow the status in the order the runtime prints them: (leaked) (scan) (durable).
    if let Some(s) = state.strip_suffix(" (durable)") {
        header.flags.durable = true;
        state = s;
    }
    if let Some(s) = state.strip_suffix(" (scan)") {
        header.flags.scan = true;
        state = s;
    }
    if let Some(s) = state.strip_suffix(" (leaked)") {
        header.flags.leaked = true;
        state = s;
    }
    if state.is_empty() {
        return None;
    }
    header.state = state;
    for item in items {
        if let Some(n) = item.strip_suffix(" minutes") {
            header.minutes = n.parse().ok()?;
        } else if item == "locked to thread" {
            header.flags.locked = true;
        } else if let Some(n) = item.strip_prefix("synctest bubble ") {
            header.bubble = Some(n.parse().ok()?);
        }
        // Anything else is a detail a newer runtime added; the header is still one.
    }
    Some(header)
}

/// Leading decimal digits of `s` as a number, and the rest.
fn split_number(s: &str) -> Option<(u64, &str)> {
    let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// `0x…` as printed by the runtime.
pub(crate) fn parse_hex(s: &str) -> Option<u64> {
    u64::from_str_radix(s.strip_prefix("0x")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_crash_headers() {
        let h = parse_header("goroutine 7 [chan receive, 12 minutes]:").unwrap();
        assert_eq!((h.id, h.state, h.minutes), (7, "chan receive", 12));
        let h = parse_header("goroutine 1 gp=0xc000002380 m=0 mp=0x5e4a80 [running]:").unwrap();
        assert_eq!((h.id, h.m, h.state), (1, Some(0), "running"));
        let h = parse_header("goroutine 18 gp=0xc000102000 m=nil [select (no cases), locked to thread]:")
            .unwrap();
        assert_eq!((h.m, h.state, h.flags.locked), (None, "select (no cases)", true));
    }

    #[test]
    fn flags_bubbles_and_labels() {
        let h = parse_header("goroutine 9 [chan send (leaked)]:").unwrap();
        assert!(h.flags.leaked && h.state == "chan send");
        let h = parse_header("goroutine 9 [sleep (scan) (durable), 3 minutes, synctest bubble 2]:").unwrap();
        assert!(h.flags.scan && h.flags.durable);
        assert_eq!((h.state, h.minutes, h.bubble), ("sleep", 3, Some(2)));
        let h = parse_header("goroutine 9 [chan receive (durable), synctest bubble 1]:").unwrap();
        assert_eq!(h.state, "chan receive");
        let h = parse_header(r#"goroutine 3 [select labels:{"a": "b]:", "c": "d"}]:"#).unwrap();
        assert_eq!(
            h.labels,
            vec![("a".into(), "b]:".into()), ("c".into(), "d".into())]
        );
    }

    #[test]
    fn log_text_is_not_a_header() {
        for line in [
            "goroutine 7 started",
            "goroutine x [running]:",
            "goroutine 7 [running]",
            "goroutine 7 []:",
            "goroutine 7 foo=1 [running]:",
            "goroutine 7 [running, x minutes]:",
            "the goroutine 7 [running]:",
            "goroutine 99999999999999999999999 [running]:",
        ] {
            assert!(parse_header(line).is_none(), "{line}");
        }
    }
}
