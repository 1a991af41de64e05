//! Test support for end-to-end tests against the Go programs in `corpus/`.
//!
//! Every end-to-end test goes through this crate: it builds a corpus program
//! once per test process (`go build`, which Go's own cache makes cheap), starts
//! it on an ephemeral loopback port, waits for its `listening on ADDR` line,
//! and kills it when the [`Service`] is dropped — also when the test panics,
//! and (through `PR_SET_PDEATHSIG`) when the test process itself dies.
//!
//! ```no_run
//! use leakscope_harness::{Mode, Service};
//! let svc = Service::start("goroutine-chan-blocked", Mode::Leaky, &[]).unwrap();
//! let text = svc.get_text("/debug/pprof/goroutine?debug=1").unwrap();
//! assert!(text.starts_with("goroutine profile: total"));
//! ```

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How long a program may take to print `listening on`.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Errors from building, starting or talking to a corpus program.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `go` could not be run or the build failed.
    #[error("building corpus program {name}: {detail}")]
    Build { name: String, detail: String },
    /// The program did not start or did not announce its address.
    #[error("starting corpus program {name}: {detail}")]
    Start { name: String, detail: String },
    /// An HTTP request to the program failed.
    #[error("GET {url}: {detail}")]
    Http { url: String, detail: String },
}

/// The two modes every corpus program has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The program leaks.
    Leaky,
    /// The fixed twin: same work, no leak.
    Fixed,
}

impl Mode {
    /// The value of the program's `--mode` flag.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Leaky => "leaky",
            Mode::Fixed => "fixed",
        }
    }
}

/// The `corpus/` Go module at the root of the repository.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

/// Where built corpus binaries go: inside cargo's target directory, so `cargo clean` removes them.
fn bin_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("leakscope-corpus")
}

/// Builds `corpus/cmd/NAME` (once per process) and returns the binary's path.
pub fn build(name: &str) -> Result<PathBuf, Error> {
    build_with_env(name, &[])
}

/// Builds `corpus/cmd/NAME` with extra build environment (e.g.
/// `GOEXPERIMENT=goroutineleakprofile`), once per process and environment,
/// to a binary of its own so it never replaces the plain build.
pub fn build_with_env(name: &str, env: &[(&str, &str)]) -> Result<PathBuf, Error> {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    let err = |detail: String| Error::Build {
        name: name.to_string(),
        detail,
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(err("not a corpus program name".into()));
    }
    // The binary's file name records the environment it was built with.
    let mut file = name.to_string();
    for (k, v) in env {
        file.push('.');
        file.extend(format!("{k}={v}").chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '=' {
                c
            } else {
                '_'
            }
        }));
    }
    if let Some(path) = built.get(&file) {
        return Ok(path.clone());
    }
    let dir = bin_dir();
    std::fs::create_dir_all(&dir).map_err(|e| err(format!("{}: {e}", dir.display())))?;
    let out = dir.join(&file);
    // Build to a private name and rename, so concurrent test processes never run a half-written binary.
    let tmp = dir.join(format!(".{file}.{}", std::process::id()));
    let output = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&tmp)
        .arg(format!("./cmd/{name}"))
        .envs(env.iter().copied())
        .current_dir(corpus_dir())
        .output()
        .map_err(|e| err(format!("running go: {e}")))?;
    if !output.status.success() {
        return Err(err(String::from_utf8_lossy(&output.stderr).trim().to_string()));
    }
    std::fs::rename(&tmp, &out).map_err(|e| err(format!("{}: {e}", out.display())))?;
    built.insert(file, out.clone());
    Ok(out)
}

/// A running corpus program; killed and reaped on drop.
pub struct Service {
    name: String,
    child: Child,
    addr: String,
}

impl Service {
    /// Builds and starts `corpus/cmd/NAME` in `mode` with extra flags, and waits
    /// until it prints its address.
    pub fn start(name: &str, mode: Mode, args: &[&str]) -> Result<Service, Error> {
        Self::start_with_env(name, mode, args, &[])
    }

    /// Like [`Service::start`], with extra environment variables (e.g. `GODEBUG`).
    pub fn start_with_env(
        name: &str,
        mode: Mode,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Service, Error> {
        let bin = build(name)?;
        Self::start_binary(&bin, name, mode, args, env)
    }

    /// Starts an already built corpus binary (from [`build_with_env`]).
    pub fn start_binary(
        bin: &Path,
        name: &str,
        mode: Mode,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Service, Error> {
        let err = |detail: String| Error::Start {
            name: name.to_string(),
            detail,
        };
        let mut cmd = Command::new(bin);
        cmd.arg("--addr=127.0.0.1:0")
            .arg(format!("--mode={}", mode.as_str()))
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        kill_with_parent(&mut cmd);
        let mut child = cmd.spawn().map_err(|e| err(format!("{}: {e}", bin.display())))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(err("no stdout pipe".into()));
        };
        // Read the first line on a thread so a silent program cannot hang the test.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let first = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send(first);
            // Keep draining so the program never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut svc = Service {
            name: name.to_string(),
            child,
            addr: String::new(),
        };
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(err(format!("reading stdout: {e}"))),
            Err(_) => return Err(err(format!("no 'listening on' line within {START_TIMEOUT:?}"))),
        };
        match line.trim_end().strip_prefix("listening on ") {
            Some(addr) if !addr.is_empty() => svc.addr = addr.to_string(),
            _ => return Err(err(format!("first line {line:?} is not 'listening on ADDR'"))),
        }
        Ok(svc)
    }

    /// The program's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The process id, for `/proc` readers.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// GETs `path` (e.g. `/debug/pprof/heap?gc=1`) and returns the body.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, Error> {
        let url = format!("{}{path}", self.url());
        let err = |detail: String| Error::Http {
            url: url.clone(),
            detail,
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let resp = agent.get(&url).call().map_err(|e| err(e.to_string()))?;
        let mut body = Vec::new();
        resp.into_body()
            .into_reader()
            .take(1 << 30)
            .read_to_end(&mut body)
            .map_err(|e| err(e.to_string()))?;
        Ok(body)
    }

    /// GETs `path` and returns the body as text.
    pub fn get_text(&self, path: &str) -> Result<String, Error> {
        let body = self.get(path)?;
        String::from_utf8(body).map_err(|e| Error::Http {
            url: format!("{}{path}", self.url()),
            detail: e.to_string(),
        })
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asks the kernel to SIGKILL the child when the test process dies, so even a
/// test binary killed by a timeout leaves no corpus program behind.
#[cfg(target_os = "linux")]
fn kill_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    #[allow(unsafe_code)]
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn kill_with_parent(_cmd: &mut Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_fetches_and_kills() {
        let pid;
        {
            let svc = Service::start("goroutine-chan-blocked", Mode::Fixed, &["--rate=10"]).unwrap();
            pid = svc.pid();
            assert!(svc.addr().starts_with("127.0.0.1:"), "{}", svc.addr());
            let text = svc.get_text("/debug/pprof/goroutine?debug=1").unwrap();
            assert!(text.starts_with("goroutine profile: total "), "{text:.80}");
            let metrics = svc.get_text("/metrics").unwrap();
            assert!(metrics.contains("go_goroutines"), "no go_goroutines in /metrics");
            assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
        }
        // Reaped on drop: the pid is gone (or reused by something that is not our program).
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        assert!(
            !comm.starts_with("goroutine-chan"),
            "program still running after drop"
        );
    }

    #[test]
    fn killed_even_when_the_test_panics() {
        let pid = std::sync::Arc::new(Mutex::new(0));
        let seen = pid.clone();
        let result = std::panic::catch_unwind(move || {
            let svc = Service::start("goroutine-chan-blocked", Mode::Leaky, &["--rate=10"]).unwrap();
            *seen.lock().unwrap() = svc.pid();
            panic!("test failure while the service runs");
        });
        assert!(result.is_err());
        let pid = *pid.lock().unwrap();
        assert_ne!(pid, 0);
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        assert!(
            !comm.starts_with("goroutine-chan"),
            "program outlived a panicking test"
        );
    }

    #[test]
    fn unknown_program_is_a_build_error() {
        let err = Service::start("no-such-program", Mode::Leaky, &[]).err().unwrap();
        assert!(matches!(err, Error::Build { .. }), "{err}");
        let err = Service::start("../evil", Mode::Leaky, &[]).err().unwrap();
        assert!(err.to_string().contains("not a corpus program name"), "{err}");
    }
}
