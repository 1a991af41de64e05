//! The service's source on this machine, for the detectors' [`Source`].
//!
//! Profiles name files by the path they had at build time. When that path
//! exists here (the usual case when checking a service built from the current
//! checkout) or `--source DIR` maps it, the code at a run-time location is
//! read, and the static scanner runs on its package to name the mechanism.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use leakscope_detect::source::Source;
use leakscope_lint::{NoProgress, ScanOptions};

/// Source files found on disk, optionally under a root that replaces the build path's prefix.
pub struct FsSource {
    root: Option<PathBuf>,
    files: RefCell<HashMap<String, Option<Vec<String>>>>,
    scans: RefCell<HashMap<PathBuf, Vec<leakscope_lint::Finding>>>,
}

/// Largest source file read (a Go file is rarely over a few hundred KiB).
const MAX_FILE_BYTES: u64 = 8 << 20;

impl FsSource {
    /// `root`: a directory the build paths are looked up under (by their trailing components).
    pub fn new(root: Option<PathBuf>) -> FsSource {
        FsSource {
            root,
            files: RefCell::default(),
            scans: RefCell::default(),
        }
    }

    /// Where the file of a build path is on this machine.
    fn resolve(&self, file: &str) -> Option<PathBuf> {
        if file.is_empty() {
            return None;
        }
        if let Some(root) = &self.root {
            // Try the build path's suffixes under root: /build/x/svc/main.go → root/svc/main.go, root/main.go.
            let parts: Vec<&str> = file.split('/').filter(|p| !p.is_empty()).collect();
            for start in 0..parts.len() {
                let candidate = root.join(parts[start..].join("/"));
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            return None;
        }
        let p = Path::new(file);
        p.is_file().then(|| p.to_path_buf())
    }

    fn lines(&self, file: &str) -> Option<Vec<String>> {
        if let Some(cached) = self.files.borrow().get(file) {
            return cached.clone();
        }
        let read = self.resolve(file).and_then(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            if meta.len() > MAX_FILE_BYTES {
                return None;
            }
            let text = std::fs::read(&p).ok()?;
            Some(
                String::from_utf8_lossy(&text)
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            )
        });
        self.files.borrow_mut().insert(file.to_string(), read.clone());
        read
    }

    /// Findings of the static scanner for the package directory of `file`.
    fn scan_dir_of(&self, file: &str) -> Vec<leakscope_lint::Finding> {
        let Some(dir) = self.resolve(file).and_then(|p| p.parent().map(Path::to_path_buf)) else {
            return Vec::new();
        };
        if let Some(found) = self.scans.borrow().get(&dir) {
            return found.clone();
        }
        // The package's own files only: a package is one directory, not its subtree.
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "go") && p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        let found = if files.is_empty() {
            Vec::new()
        } else {
            leakscope_lint::scan(&files, &ScanOptions::default(), &NoProgress)
                .map(|r| r.findings)
                .unwrap_or_default()
        };
        self.scans.borrow_mut().insert(dir, found.clone());
        found
    }

    /// 1-based line range of the top-level function enclosing `line` (gofmt layout:
    /// `func` at column 0, closing `}` at column 0).
    fn enclosing_function(&self, file: &str, line: u32) -> Option<(usize, usize)> {
        let lines = self.lines(file)?;
        let at = usize::try_from(line).ok()?.checked_sub(1)?;
        if at >= lines.len() {
            return None;
        }
        let start = (0..=at).rev().find(|&i| lines[i].starts_with("func "))?;
        let end = (at..lines.len()).find(|&i| lines[i] == "}")?;
        Some((start + 1, end + 1))
    }
}

impl Source for FsSource {
    fn line(&self, file: &str, line: u32) -> Option<String> {
        let lines = self.lines(file)?;
        lines.get(usize::try_from(line).ok()?.checked_sub(1)?).cloned()
    }

    fn block(&self, file: &str, line: u32) -> Option<String> {
        let lines = self.lines(file)?;
        let start = usize::try_from(line).ok()?.checked_sub(1)?;
        let mut depth = 0i64;
        let mut out = String::new();
        for l in lines.iter().skip(start).take(400) {
            out.push_str(l);
            out.push('\n');
            depth += l.matches('{').count() as i64 - l.matches('}').count() as i64;
            if depth <= 0 {
                break;
            }
        }
        Some(out)
    }

    fn static_rules(&self, file: &str, line: u32) -> Vec<(&'static str, u32)> {
        let Some((start, end)) = self.enclosing_function(file, line) else {
            return Vec::new();
        };
        let Some(path) = self.resolve(file) else {
            return Vec::new();
        };
        self.scan_dir_of(file)
            .into_iter()
            .filter(|f| same_file(&f.path, &path) && (start..=end).contains(&f.line))
            .map(|f| (f.rule, u32::try_from(f.line).unwrap_or(0)))
            .collect()
    }

    fn function_text(&self, file: &str, line: u32) -> Option<String> {
        let (start, end) = self.enclosing_function(file, line)?;
        let lines = self.lines(file)?;
        Some(lines.get(start - 1..end)?.join("\n"))
    }

    fn package_function(&self, file: &str, name: &str) -> Option<String> {
        let dir = self.resolve(file)?.parent()?.to_path_buf();
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "go") {
                continue;
            }
            let shown = path.display().to_string();
            let Some(lines) = self.lines(&shown) else { continue };
            let Some(start) = lines.iter().position(|l| {
                l.strip_prefix("func ").is_some_and(|sig| {
                    let after_recv = if sig.starts_with('(') {
                        sig.split_once(") ").map_or("", |x| x.1)
                    } else {
                        sig
                    };
                    after_recv
                        .strip_prefix(name)
                        .is_some_and(|r| r.starts_with('(') || r.starts_with('['))
                })
            }) else {
                continue;
            };
            let end = (start..lines.len()).find(|&i| lines[i] == "}")?;
            return Some(lines[start..=end].join("\n"));
        }
        None
    }

    fn package_contains(&self, file: &str, needle: &str) -> bool {
        let Some(dir) = self.resolve(file).and_then(|p| p.parent().map(Path::to_path_buf)) else {
            return false;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return false;
        };
        entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "go"))
            .any(|p| {
                std::fs::metadata(&p).is_ok_and(|m| m.len() <= MAX_FILE_BYTES)
                    && std::fs::read_to_string(&p).is_ok_and(|text| text.contains(needle))
            })
    }

    fn find_rule_in_packages(&self, files: &[String], rule: &str) -> Vec<(String, u32, String)> {
        let mut out = Vec::new();
        for file in files {
            for f in self.scan_dir_of(file).into_iter().filter(|f| f.rule == rule) {
                let shown = f.path.display().to_string();
                let line = u32::try_from(f.line).unwrap_or(0);
                let function = self
                    .lines(&shown)
                    .and_then(|lines| {
                        (0..f.line.min(lines.len()))
                            .rev()
                            .find_map(|i| lines[i].strip_prefix("func ").map(func_name))
                    })
                    .unwrap_or_default();
                let entry = (shown, line, function);
                if !out.contains(&entry) {
                    out.push(entry);
                }
            }
        }
        out
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || a.canonicalize()
            .ok()
            .zip(b.canonicalize().ok())
            .is_some_and(|(x, y)| x == y)
}

/// `(s *Server) handle(w http.ResponseWriter) {` → `(*Server).handle`; `main() {` → `main`.
fn func_name(sig: &str) -> String {
    let sig = sig.trim_start();
    if let Some(rest) = sig.strip_prefix('(') {
        let (recv, after) = rest.split_once(')').unwrap_or((rest, ""));
        let ty = recv.split_whitespace().last().unwrap_or("");
        let name: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        return if let Some(t) = ty.strip_prefix('*') {
            format!("(*{t}).{name}")
        } else {
            format!("{ty}.{name}")
        };
    }
    sig.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_functions() {
        assert_eq!(
            func_name("(s *Server) handle(w http.ResponseWriter) {"),
            "(*Server).handle"
        );
        assert_eq!(func_name("(c cache) get() int {"), "cache.get");
        assert_eq!(func_name("renderLabel(text string) {"), "renderLabel");
    }
}
