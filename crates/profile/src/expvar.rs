//! `expvar`'s `/debug/vars` JSON → the `runtime.MemStats` figures it publishes.
//!
//! Importing `expvar` publishes `cmdline` and `memstats` (a `runtime.MemStats`
//! as JSON); services add their own variables beside them. Numeric top-level
//! variables are kept too: services often publish counters there.
//!
//! ```
//! let page = br#"{"cmdline": ["/svc"], "memstats": {"HeapAlloc": 862896, "NumGC": 3}, "requests": 12}"#;
//! let v = leakscope_profile::expvar::parse_expvar(page).unwrap().unwrap();
//! assert_eq!(v.memstat("HeapAlloc"), Some(862896.0));
//! assert_eq!(v.numbers, vec![("requests".to_string(), 12.0)]);
//! ```

use serde_json::Value;

use crate::error::ParseError;

const FORMAT: &str = "expvar JSON";

/// What a `/debug/vars` page says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expvar {
    /// `cmdline`: the program's arguments.
    pub cmdline: Vec<String>,
    /// Numeric fields of `memstats` (`HeapAlloc`, `NumGC`, ...); arrays such as `PauseNs` left out.
    pub memstats: Vec<(String, f64)>,
    /// Other numeric top-level variables.
    pub numbers: Vec<(String, f64)>,
}

impl Expvar {
    /// A `runtime.MemStats` field by its Go name.
    pub fn memstat(&self, name: &str) -> Option<f64> {
        self.memstats.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

/// Parses a `/debug/vars` page; `Ok(None)` for anything that is not a JSON
/// object with a `memstats` object (other JSON, other formats).
pub fn parse_expvar(bytes: &[u8]) -> Result<Option<Expvar>, ParseError> {
    let trimmed = bytes.trim_ascii_start();
    if !trimmed.starts_with(b"{") {
        return Ok(None);
    }
    let value: Value = match serde_json::from_slice(trimmed) {
        Ok(v) => v,
        // Broken JSON that claims to be expvar is malformed; other broken JSON is not ours.
        Err(e) if memchr::memmem::find(trimmed, b"\"memstats\"").is_some() => {
            return Err(ParseError::malformed(FORMAT, e.to_string()));
        }
        Err(_) => return Ok(None),
    };
    let Some(object) = value.as_object() else {
        return Ok(None);
    };
    let Some(memstats) = object.get("memstats") else {
        return Ok(None);
    };
    let Some(memstats) = memstats.as_object() else {
        return Err(ParseError::malformed(FORMAT, "\"memstats\" is not an object"));
    };
    let mut page = Expvar {
        memstats: memstats
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
            .collect(),
        ..Expvar::default()
    };
    if let Some(args) = object.get("cmdline").and_then(Value::as_array) {
        page.cmdline = args
            .iter()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
    }
    page.numbers = object
        .iter()
        .filter(|(k, _)| *k != "memstats" && *k != "cmdline")
        .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
        .collect();
    Ok(Some(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_only_expvar_pages() {
        assert!(parse_expvar(b"{\"a\": 1}").unwrap().is_none());
        assert!(parse_expvar(b"[1, 2]").unwrap().is_none());
        assert!(parse_expvar(b"{not json").unwrap().is_none());
        assert!(parse_expvar(b"go_goroutines 3\n").unwrap().is_none());
        let err = parse_expvar(b"{\"memstats\": {\"HeapAlloc\": 1").unwrap_err();
        assert!(err.to_string().starts_with("malformed expvar JSON"), "{err}");
        let err = parse_expvar(b"{\"memstats\": 3}").unwrap_err();
        assert!(err.to_string().contains("not an object"), "{err}");
    }
}
