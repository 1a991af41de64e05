//! Go's quoted strings, as the runtime and `fmt`'s `%q` print them.
//!
//! Goroutine labels appear quoted in `debug=1` profiles (`%q`) and in
//! tracebacks (the runtime's own `printquoted`); both use a subset of Go's
//! escapes, which this reads back.

/// Reads a Go double-quoted string at the start of `s`.
///
/// Returns the unquoted text and the rest of `s` after the closing quote, or
/// `None` when `s` does not start with a well-formed quoted string.
pub fn unquote_prefix(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, esc) = chars.next()?;
                match esc {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let digits = match esc {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut value: u32 = 0;
                        for _ in 0..digits {
                            let (_, d) = chars.next()?;
                            value = value.checked_mul(16)?.checked_add(d.to_digit(16)?)?;
                        }
                        // `\xHH` in %q output is a raw byte; keep it visible rather than guess an encoding.
                        out.push(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    None
}

/// Parses a label set printed as `{"k":"v", "k2": "v2"}` (`debug=1` uses
/// `"k":"v"`, tracebacks `"k": "v"`). Returns `None` if it is not one.
pub fn parse_label_set(s: &str) -> Option<Vec<(String, String)>> {
    let mut rest = s.trim().strip_prefix('{')?.trim_start();
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('}') {
        return after.trim().is_empty().then_some(labels);
    }
    loop {
        let (key, after) = unquote_prefix(rest)?;
        let after = after.trim_start().strip_prefix(':')?.trim_start();
        let (value, after) = unquote_prefix(after)?;
        labels.push((key, value));
        let after = after.trim_start();
        if let Some(after) = after.strip_prefix(',') {
            rest = after.trim_start();
        } else {
            let after = after.strip_prefix('}')?;
            return after.trim().is_empty().then_some(labels);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_escapes() {
        let (s, rest) = unquote_prefix(r#""a\"b\\c\n\x01\u00e9" tail"#).unwrap();
        assert_eq!(s, "a\"b\\c\n\u{1}é");
        assert_eq!(rest, " tail");
        assert!(unquote_prefix(r#""open"#).is_none());
        assert!(unquote_prefix(r#""bad\q""#).is_none());
        assert!(unquote_prefix(r#""\xZZ""#).is_none());
    }

    #[test]
    fn label_sets_in_both_spellings() {
        let a = parse_label_set(r#"{"handler":"lookup", "key":"a,b"}"#).unwrap();
        let b = parse_label_set(r#"{"handler": "lookup", "key": "a,b"}"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(a[1], ("key".to_string(), "a,b".to_string()));
        assert_eq!(parse_label_set("{}").unwrap(), vec![]);
        assert!(parse_label_set(r#"{"k":}"#).is_none());
        assert!(parse_label_set(r#"{"k":"v""#).is_none());
    }
}
