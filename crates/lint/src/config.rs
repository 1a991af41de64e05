//! `leakscope.toml`: project settings for `leakscope scan`.
//!
//! ```toml
//! # rules not to run
//! disable = ["cache-unbounded"]
//! # functions that take ownership of a resource passed to them (by name, or
//! # `pkg.Name` with the package's local name); calls to them count as a release
//! ownership-functions = ["pool.Track", "closeLater"]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The parsed configuration (all fields optional in the file).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule ids not to run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Extra functions that take ownership of their arguments.
    #[serde(default)]
    pub ownership_functions: Vec<String>,
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong, as the TOML parser says it.
        message: String,
    },
    /// A rule id in `disable` that does not exist.
    #[error("{path}: unknown rule '{rule}' in disable; see `leakscope explain` for the list")]
    UnknownRule {
        /// The file.
        path: PathBuf,
        /// The id.
        rule: String,
    },
}

/// The file name looked for.
pub const FILE_NAME: &str = "leakscope.toml";

impl Config {
    /// Reads and validates one file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses `text` (named `path` in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        if let Some(rule) = cfg.disable.iter().find(|r| leakscope_rules::find(r).is_none()) {
            return Err(ConfigError::UnknownRule {
                path: path.to_path_buf(),
                rule: rule.clone(),
            });
        }
        Ok(cfg)
    }

    /// The nearest `leakscope.toml` in `start` or its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_file() { start.parent()? } else { start };
        let abs = std::path::absolute(start).ok()?;
        abs.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
    }

    /// True if `rule` is enabled.
    pub fn enabled(&self, rule: &str) -> bool {
        !self.disable.iter().any(|d| d == rule)
    }

    /// True if `callee` (`Name` or `pkg.Name` as written) is listed as taking ownership.
    pub fn takes_ownership(&self, callee: &str) -> bool {
        let name = callee.rsplit('.').next().unwrap_or(callee);
        self.ownership_functions.iter().any(|f| f == callee || f == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_rules() {
        let cfg = Config::parse(
            "disable = [\"defer-in-loop\"]\nownership-functions = [\"pool.Track\"]\n",
            Path::new("x"),
        )
        .unwrap();
        assert!(!cfg.enabled("defer-in-loop"));
        assert!(cfg.takes_ownership("pool.Track"));
        assert!(!cfg.takes_ownership("Track"));
        let err = Config::parse("disable = [\"no-such-rule\"]", Path::new("x")).unwrap_err();
        assert!(err.to_string().contains("no-such-rule"), "{err}");
        assert!(Config::parse("bogus = 1", Path::new("x")).is_err());
    }
}
