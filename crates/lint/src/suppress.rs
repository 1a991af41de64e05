//! `//leakscope:ignore RULE reason` comments: on the finding's line or the line
//! above, they suppress that rule's finding there (`all` suppresses every rule).

use std::collections::HashMap;

/// Suppressions of one file: line (1-based) → rule ids named on it.
#[derive(Debug, Default)]
pub struct Suppressions {
    by_line: HashMap<usize, Vec<String>>,
}

const MARKER: &str = "//leakscope:ignore";

impl Suppressions {
    /// Collects the directives of `src` (a plain text scan: cheap, and a
    /// directive inside a string literal is too odd to matter).
    pub fn parse(src: &str) -> Suppressions {
        let mut by_line: HashMap<usize, Vec<String>> = HashMap::new();
        for (i, line) in src.lines().enumerate() {
            let Some(pos) = line.find(MARKER) else { continue };
            let rest = &line[pos + MARKER.len()..];
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                continue;
            }
            let rules = rest.split_whitespace().next().unwrap_or("");
            by_line
                .entry(i + 1)
                .or_default()
                .extend(rules.split(',').filter(|r| !r.is_empty()).map(str::to_string));
        }
        Suppressions { by_line }
    }

    /// True if a finding of `rule` at `line` is suppressed.
    pub fn suppresses(&self, rule: &str, line: usize) -> bool {
        [line, line.saturating_sub(1)].iter().any(|l| {
            self.by_line
                .get(l)
                .is_some_and(|rules| rules.iter().any(|r| r == rule || r == "all"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_line_and_line_above() {
        let src = "a\n//leakscope:ignore file-not-closed closed by the OS at exit\nf()\ng() //leakscope:ignore all\n";
        let s = Suppressions::parse(src);
        assert!(s.suppresses("file-not-closed", 3));
        assert!(!s.suppresses("http-body-not-closed", 3));
        assert!(s.suppresses("http-body-not-closed", 4));
        assert!(!s.suppresses("file-not-closed", 1));
        assert!(!Suppressions::parse("//leakscope:ignorefoo x\n").suppresses("x", 1));
    }
}
