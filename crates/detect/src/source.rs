//! Reading the user's code at a location the run-time evidence points to.
//!
//! Run-time evidence says *where* (the blocked line, the allocating function)
//! and *how much*; the code at that place often says *which mechanism*
//! (`<-ctx.Done()` vs a plain channel, a closure vs a sub-slice). The caller
//! provides access to source — detectors stay free of I/O — and everything
//! works, less precisely, without it.

/// Access to the service's source code, when it is on this machine.
pub trait Source {
    /// The text of `file` at 1-based `line`, if readable.
    fn line(&self, file: &str, line: u32) -> Option<String>;

    /// The statement block starting at `line`, up to its matching closing
    /// brace (or just the line when it opens no block).
    fn block(&self, file: &str, line: u32) -> Option<String>;

    /// (rule id, line) of the static scanner's findings inside the function that encloses `file:line`.
    fn static_rules(&self, file: &str, line: u32) -> Vec<(&'static str, u32)>;

    /// The text of the top-level function that encloses `file:line`.
    fn function_text(&self, file: &str, line: u32) -> Option<String>;

    /// The text of the package-level function or method `name` in the package of `file`.
    fn package_function(&self, file: &str, name: &str) -> Option<String>;

    /// Whether any file of the package (directory) of `file` contains `needle`.
    fn package_contains(&self, file: &str, needle: &str) -> bool;

    /// Static findings of `rule` anywhere in the package(s) the given files belong to.
    fn find_rule_in_packages(&self, files: &[String], rule: &str) -> Vec<(String, u32, String)>;
}

/// No source available: detection falls back to run-time evidence alone.
#[derive(Debug, Default)]
pub struct NoSource;

impl Source for NoSource {
    fn line(&self, _: &str, _: u32) -> Option<String> {
        None
    }
    fn block(&self, _: &str, _: u32) -> Option<String> {
        None
    }
    fn static_rules(&self, _: &str, _: u32) -> Vec<(&'static str, u32)> {
        Vec::new()
    }
    fn function_text(&self, _: &str, _: u32) -> Option<String> {
        None
    }
    fn package_function(&self, _: &str, _: &str) -> Option<String> {
        None
    }
    fn package_contains(&self, _: &str, _: &str) -> bool {
        false
    }
    fn find_rule_in_packages(&self, _: &[String], _: &str) -> Vec<(String, u32, String)> {
        Vec::new()
    }
}
