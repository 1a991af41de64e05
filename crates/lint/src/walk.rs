//! Which files a scan reads: `.go` files under the given paths, honouring
//! `.gitignore`, skipping `vendor/`, `testdata/` and the directories the go
//! tool ignores (`.name`, `_name`), grouped by directory (= Go package).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to read.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Skip `_test.go` files entirely.
    pub skip_tests: bool,
    /// Descend into `vendor/` directories.
    pub include_vendor: bool,
    /// Descend into `testdata/` directories.
    pub include_testdata: bool,
}

/// A path that cannot be scanned.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The path does not exist or cannot be read.
    #[error("{path}: {message}")]
    Path {
        /// The path as given.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// The `.go` files under `paths`, grouped by directory, in sorted order.
/// A file named explicitly is always included.
pub fn go_files(paths: &[PathBuf], opts: &WalkOptions) -> Result<BTreeMap<PathBuf, Vec<PathBuf>>, WalkError> {
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for root in paths {
        let meta = std::fs::metadata(root).map_err(|e| WalkError::Path {
            path: root.clone(),
            message: e.to_string(),
        })?;
        if meta.is_file() {
            let dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
            by_dir.entry(dir).or_default().push(root.clone());
            continue;
        }
        let opts2 = opts.clone();
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if !is_dir || e.depth() == 0 {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                !(name.starts_with('.')
                    || name.starts_with('_')
                    || (name == "vendor" && !opts2.include_vendor)
                    || (name == "testdata" && !opts2.include_testdata))
            })
            .build();
        for entry in walker {
            let entry = entry.map_err(|e| WalkError::Path {
                path: root.clone(),
                message: e.to_string(),
            })?;
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.into_path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".go") || (opts.skip_tests && name.ends_with("_test.go")) {
                continue;
            }
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            by_dir.entry(dir).or_default().push(path);
        }
    }
    for files in by_dir.values_mut() {
        files.sort();
        files.dedup();
    }
    Ok(by_dir)
}

/// The `go.mod` governing `dir` (nearest ancestor), read: its `go` version
/// and `godebug` settings.
pub fn module_settings(dir: &Path) -> (Option<crate::context::GoVersion>, Vec<String>) {
    let Ok(abs) = std::path::absolute(dir) else {
        return (None, Vec::new());
    };
    for d in abs.ancestors() {
        let Ok(text) = std::fs::read_to_string(d.join("go.mod")) else {
            continue;
        };
        return (
            crate::context::GoVersion::from_go_mod(&text),
            godebug_settings(&text),
        );
    }
    (None, Vec::new())
}

/// `godebug key=value` lines and `godebug ( ... )` blocks of a go.mod.
fn godebug_settings(go_mod: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in go_mod.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if line == ")" {
                in_block = false;
            } else if !line.is_empty() {
                out.push(line.replace(' ', ""));
            }
        } else if let Some(rest) = line.strip_prefix("godebug") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else if !rest.is_empty() {
                out.push(rest.replace(' ', ""));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn godebug_lines_and_blocks() {
        let m = "module x\ngo 1.22\ngodebug asynctimerchan=1\ngodebug (\n\tdefault=go1.21\n\tpanicnil=1 // x\n)\n";
        assert_eq!(
            godebug_settings(m),
            ["asynctimerchan=1", "default=go1.21", "panicnil=1"]
        );
    }
}
