//! Version- and build-specific facts that change how a Go service's memory
//! behaves, added to findings and notes so the evidence reads right.

use crate::finding::Finding;

/// How the binary was built, as far as it could be read.
#[derive(Clone, Debug, Default)]
pub struct Build {
    /// `go1.26.8`.
    pub go_version: Option<String>,
    /// Build settings (`-race`, `DefaultGODEBUG`, `CGO_ENABLED`, …).
    pub settings: Vec<(String, String)>,
}

impl Build {
    fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `(major, minor)` of the Go version, e.g. `go1.22.5` → `(1, 22)`.
    pub fn go_minor(&self) -> Option<(u32, u32)> {
        let v = self.go_version.as_deref()?.strip_prefix("go")?;
        let mut parts = v.split(['.', '-', ' ']);
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    }

    fn old_timers(&self) -> bool {
        let godebug = self.setting("DefaultGODEBUG").unwrap_or_default();
        godebug.split(',').any(|kv| kv == "asynctimerchan=1") || self.go_minor().is_some_and(|v| v < (1, 23))
    }
}

/// Notes about the build that matter for memory, whatever was found.
pub fn notes(build: &Build) -> Vec<String> {
    let mut out = Vec::new();
    if build.setting("-race") == Some("true") {
        out.push("built with -race: the race detector multiplies memory and goroutine cost; judge leaks on a normal build".into());
    }
    if build.old_timers() {
        out.push("timers behave as before Go 1.23 (asynctimerchan=1 or an old Go): unstopped tickers and timers are never collected".into());
    }
    out
}

/// Adds build facts to the findings they explain.
pub fn annotate(findings: &mut [Finding], build: &Build) {
    for f in findings.iter_mut() {
        match f.rule {
            "ticker-not-stopped" | "timer-in-loop" if build.old_timers() => f.evidence.facts.push(
                "the binary uses pre-Go 1.23 timers (asynctimerchan=1 or Go < 1.23): an unstopped ticker stays in the runtime's timer heap forever".into(),
            ),
            "ticker-not-stopped" if build.go_minor().is_some_and(|v| v >= (1, 23)) => f.evidence.facts.push(
                "Go ≥ 1.23 collects unreferenced tickers, so these are still referenced (a goroutine or a long-lived struct holds them)".into(),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_settings() {
        let b = Build {
            go_version: Some("go1.22.5".into()),
            settings: vec![],
        };
        assert_eq!(b.go_minor(), Some((1, 22)));
        assert!(b.old_timers());
        let b = Build {
            go_version: Some("go1.26.8".into()),
            settings: vec![
                ("DefaultGODEBUG".into(), "asynctimerchan=1,x=0".into()),
                ("-race".into(), "true".into()),
            ],
        };
        assert!(b.old_timers());
        assert_eq!(notes(&b).len(), 2);
        assert!(
            notes(&Build {
                go_version: Some("go1.26.8".into()),
                settings: vec![]
            })
            .is_empty()
        );
    }
}
