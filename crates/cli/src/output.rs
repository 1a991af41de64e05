//! Output formats and number formatting shared by every report renderer.

use std::fmt::Write as _;

/// How a report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned plain text for a terminal.
    Text,
    /// One JSON document (numbers exact, in the profile's own units).
    Json,
    /// Markdown tables, for tickets and pull requests.
    Markdown,
}

/// A value in its unit, scaled for reading: `1.5 MiB`, `3.2 ms`, `1200`.
pub fn human(value: i64, unit: &str) -> String {
    let v = value as f64;
    let a = v.abs();
    match unit {
        "bytes" => {
            let units = [
                (1u64 << 40, "TiB"),
                (1 << 30, "GiB"),
                (1 << 20, "MiB"),
                (1 << 10, "KiB"),
            ];
            for (size, name) in units {
                if a >= size as f64 {
                    return format!("{:.1} {name}", v / size as f64);
                }
            }
            format!("{value} B")
        }
        "nanoseconds" => {
            for (size, name) in [(1e9, "s"), (1e6, "ms"), (1e3, "µs")] {
                if a >= size {
                    return format!("{:.1} {name}", v / size);
                }
            }
            format!("{value} ns")
        }
        _ => value.to_string(),
    }
}

/// Like [`human`], with an explicit `+` on growth.
pub fn signed(value: i64, unit: &str) -> String {
    let s = human(value, unit);
    if value > 0 { format!("+{s}") } else { s }
}

/// `part` as a percentage of `total` ("-" when the total is 0).
pub fn percent(part: i64, total: i64) -> String {
    if total == 0 {
        return "-".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / total as f64)
}

/// Escapes `|` so a cell cannot break a Markdown table.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '|' {
            out.push_str("\\|");
        } else {
            let _ = out.write_char(c);
        }
    }
    out
}

/// The last `n` path elements of a source file, enough to recognise it.
pub fn short_file(file: &str) -> &str {
    let mut cut = file.len();
    for _ in 0..2 {
        match file[..cut].rfind('/') {
            Some(i) => cut = i,
            None => return file,
        }
    }
    &file[cut + 1..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humans() {
        assert_eq!(human(512, "bytes"), "512 B");
        assert_eq!(human(1536, "bytes"), "1.5 KiB");
        assert_eq!(signed(-2 << 20, "bytes"), "-2.0 MiB");
        assert_eq!(human(2_500_000, "nanoseconds"), "2.5 ms");
        assert_eq!(signed(7, "count"), "+7");
        assert_eq!(short_file("/a/b/c/d.go"), "c/d.go");
        assert_eq!(percent(1, 4), "25.0%");
    }
}
