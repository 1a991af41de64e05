//! A tiny scanner for the fixed line shapes of legacy profiles, standing in
//! for the regular expressions pprof matches them with.

/// Reads a line left to right.
pub struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `s`.
    pub fn new(s: &'a str) -> Cursor<'a> {
        Cursor { rest: s }
    }

    /// What is left.
    pub fn rest(&self) -> &'a str {
        self.rest
    }

    /// Skips spaces (pprof's ` *`).
    pub fn spaces(&mut self) -> &mut Self {
        self.rest = self.rest.trim_start_matches(' ');
        self
    }

    /// Consumes `lit` if it comes next.
    pub fn lit(&mut self, lit: &str) -> Option<()> {
        self.rest = self.rest.strip_prefix(lit)?;
        Some(())
    }

    /// Consumes one or more ASCII digits (`\d+`), optionally after a `-`.
    pub fn digits(&mut self, signed: bool) -> Option<&'a str> {
        let start = usize::from(signed && self.rest.starts_with('-'));
        let len = self.rest[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.rest.len() - start);
        if len == 0 {
            return None;
        }
        let (d, rest) = self.rest.split_at(start + len);
        self.rest = rest;
        Some(d)
    }

    /// Consumes characters while `f` holds.
    pub fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let len = self.rest.find(|c: char| !f(c)).unwrap_or(self.rest.len());
        let (t, rest) = self.rest.split_at(len);
        self.rest = rest;
        t
    }
}
