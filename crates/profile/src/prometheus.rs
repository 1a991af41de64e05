//! Prometheus text exposition (what client_golang serves at `/metrics`) → [`Exposition`].
//!
//! Our own small parser: the crates we tried drop or reject valid pages (DESIGN §8).
//! It reads `# HELP`/`# TYPE` (other comments are ignored), samples with
//! escaped label values (`\\`, `\"`, `\n`) and an optional trailing comma,
//! `NaN`/`+Inf`/`-Inf`, millisecond timestamps, and tolerates OpenMetrics
//! additions: exemplars after ` # `, `# UNIT`, `# EOF`, quoted UTF-8 names
//! (`{"my.metric", le="1"}`).
//!
//! ```
//! let page = b"# TYPE go_goroutines gauge\ngo_goroutines 22\nhttp_requests_total{code=\"200\"} 1027 1395066363000\n";
//! let e = leakscope_profile::prometheus::parse_exposition(page).unwrap().unwrap();
//! assert_eq!(e.value("go_goroutines"), Some(22.0));
//! assert_eq!(e.samples[1].timestamp_ms, Some(1395066363000));
//! ```

use crate::error::ParseError;
use crate::go_quote::unquote_prefix;

const FORMAT: &str = "Prometheus text exposition";

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Metric name (with `_bucket`/`_sum`/`_count` suffixes as written).
    pub name: String,
    /// Labels in the order written.
    pub labels: Vec<(String, String)>,
    /// The value (`NaN` and infinities included).
    pub value: f64,
    /// Milliseconds since the Unix epoch, if given.
    pub timestamp_ms: Option<i64>,
}

impl Sample {
    /// The value of label `key`.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exposition {
    /// Samples in page order.
    pub samples: Vec<Sample>,
    /// `# TYPE name type` lines.
    pub types: Vec<(String, String)>,
    /// `# HELP name text` lines, unescaped.
    pub help: Vec<(String, String)>,
}

impl Exposition {
    /// The value of the first sample named `name` (for unlabelled gauges and counters).
    pub fn value(&self, name: &str) -> Option<f64> {
        self.samples.iter().find(|s| s.name == name).map(|s| s.value)
    }

    /// The declared type of `name` (`gauge`, `counter`, `histogram`, ...).
    pub fn type_of(&self, name: &str) -> Option<&str> {
        self.types
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }
}

/// Parses a page; `Ok(None)` if its first meaningful line is neither a
/// `# HELP`/`# TYPE` line nor a sample (it is some other format).
pub fn parse_exposition(bytes: &[u8]) -> Result<Option<Exposition>, ParseError> {
    let mut page = Exposition::default();
    let mut recognized = false;
    let mut bad_utf8 = None;
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let Ok(line) = std::str::from_utf8(raw) else {
            bad_utf8.get_or_insert(line_no);
            if recognized {
                break;
            }
            return Ok(None);
        };
        let line = line.trim_matches([' ', '\t', '\r']);
        if line.is_empty() {
            continue;
        }
        let result = if let Some(comment) = line.strip_prefix('#') {
            comment_line(comment.trim_start(), &mut page)
        } else {
            sample_line(line).map(|s| {
                page.samples.push(s);
                true
            })
        };
        match result {
            Some(true) => recognized = true,
            Some(false) => {}
            None if !recognized => return Ok(None),
            None => {
                let shown: String = line.chars().take(60).collect();
                return Err(ParseError::malformed(
                    FORMAT,
                    format!("line {line_no}: cannot read {shown:?}"),
                ));
            }
        }
    }
    if let Some(line_no) = bad_utf8.filter(|_| recognized) {
        return Err(ParseError::malformed(
            FORMAT,
            format!("line {line_no}: invalid UTF-8"),
        ));
    }
    Ok(recognized.then_some(page))
}

/// A `#` line without the `#`: `Some(true)` for HELP/TYPE, `Some(false)` for
/// another comment, `None` for a broken HELP/TYPE.
fn comment_line(comment: &str, page: &mut Exposition) -> Option<bool> {
    let (keyword, rest) = comment.split_once([' ', '\t']).unwrap_or((comment, ""));
    match keyword {
        "HELP" | "TYPE" => {
            let (name, rest) = metric_name(rest.trim_start())?;
            let text = rest.trim_start();
            if keyword == "TYPE" {
                page.types.push((name, text.to_string()));
            } else {
                page.help.push((name, unescape_help(text)));
            }
            Some(true)
        }
        // OpenMetrics `# UNIT` and `# EOF` and free comments: nothing we need.
        _ => Some(false),
    }
}

/// `name{labels} value [timestamp] [# exemplar]`.
fn sample_line(line: &str) -> Option<Sample> {
    let (mut name, mut rest) = if line.starts_with('{') {
        (String::new(), line)
    } else {
        metric_name(line)?
    };
    let mut labels = Vec::new();
    if let Some(body) = rest.strip_prefix('{') {
        let (quoted_name, after) = label_set(body, &mut labels)?;
        if let Some(n) = quoted_name {
            if !name.is_empty() {
                return None;
            }
            name = n;
        }
        rest = after;
    }
    if name.is_empty() || !rest.starts_with([' ', '\t']) {
        return None;
    }
    // An OpenMetrics exemplar follows ` # `; labels are already read, so a `#` here starts one.
    let rest = rest.split_once(" #").map_or(rest, |(before, _)| before);
    let mut fields = rest.split_ascii_whitespace();
    let value = parse_value(fields.next()?)?;
    let timestamp_ms = match fields.next() {
        Some(t) => Some(parse_timestamp(t)?),
        None => None,
    };
    if fields.next().is_some() {
        return None;
    }
    Some(Sample {
        name,
        labels,
        value,
        timestamp_ms,
    })
}

/// Reads labels after `{` up to `}`; returns a quoted metric name if the set had one.
fn label_set<'a>(mut rest: &'a str, labels: &mut Vec<(String, String)>) -> Option<(Option<String>, &'a str)> {
    let mut quoted_name = None;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return Some((quoted_name, after));
        }
        let (key, after) = if rest.starts_with('"') {
            unquote_prefix(rest)?
        } else {
            label_name(rest)?
        };
        let after = after.trim_start();
        if let Some(after_eq) = after.strip_prefix('=') {
            let (value, after) = unquote_prefix(after_eq.trim_start())?;
            labels.push((key, value));
            rest = after.trim_start();
        } else if quoted_name.is_none() && labels.is_empty() && rest.starts_with('"') {
            quoted_name = Some(key);
            rest = after;
        } else {
            return None;
        }
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with('}') {
            return None;
        }
    }
}

/// A metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or a quoted one, and the rest.
fn metric_name(s: &str) -> Option<(String, &str)> {
    if s.starts_with('"') {
        return unquote_prefix(s);
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(s.len());
    let name = &s[..end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((name.to_string(), &s[end..]))
}

/// A label name (`[a-zA-Z_][a-zA-Z0-9_]*`) and the rest.
fn label_name(s: &str) -> Option<(String, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let name = &s[..end];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((name.to_string(), &s[end..]))
}

/// Go's `strconv.ParseFloat` spellings used by exposition: numbers, `NaN`, `[+-]Inf`.
fn parse_value(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
        "NaN" | "nan" => Some(f64::NAN),
        _ if s.bytes().all(|b| b.is_ascii_digit() || b"+-.eE_".contains(&b)) => {
            s.replace('_', "").parse().ok()
        }
        _ => None,
    }
}

/// Milliseconds (Prometheus) or fractional seconds (OpenMetrics) → milliseconds.
fn parse_timestamp(s: &str) -> Option<i64> {
    if let Ok(ms) = s.parse::<i64>() {
        return Some(ms);
    }
    let seconds: f64 = s.parse().ok().filter(|v: &f64| v.is_finite())?;
    let ms = (seconds * 1000.0).round();
    (ms.abs() < 9.0e18).then_some(ms as i64)
}

/// HELP text escapes only `\\` and `\n`.
fn unescape_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
#[path = "prometheus_tests.rs"]
mod tests;
