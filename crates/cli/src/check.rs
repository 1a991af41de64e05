//! `leakscope check URL`: sample a running service for a while, then give a verdict.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use leakscope_collect::endpoint::Endpoint;
use leakscope_collect::procfs;
use leakscope_collect::session::{Session, SessionError};
use leakscope_detect::engine::{self, Config};
use leakscope_detect::finding::{Report, Verdict};
use leakscope_detect::snapshot::{Snapshot, Target};
use leakscope_profile::Limits;

use crate::exit;
use crate::report::{self, Format, RunInfo};
use crate::source_fs::FsSource;

/// Arguments of `leakscope check`.
#[derive(clap::Args, Clone)]
#[command(after_help = "\
The service must expose net/http/pprof (import _ \"net/http/pprof\"). Every tick takes the heap \
profile after a forced GC, a goroutine dump (debug=2), the runtime's goroutineleak profile when \
offered, and for a local process /proc figures (fds, sockets, RSS). Findings need at least 6 samples.

Exit codes: 0 healthy or hangover, 1 leak, 2 usage or input error, 3 target unreachable.

Examples:
  leakscope check http://127.0.0.1:6060
  leakscope check http://svc:6060 --for 5m --every 10s --format json")]
pub struct Args {
    /// Base URL of the service's debug server, e.g. http://127.0.0.1:6060.
    pub url: String,
    /// How long to sample (e.g. 90s, 2m, 1h).
    #[arg(long = "for", value_parser = humantime::parse_duration, default_value = "60s")]
    pub duration: Duration,
    /// Time between samples.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "3s")]
    pub every: Duration,
    /// Local process id, for /proc figures (found from the port for loopback URLs).
    #[arg(long)]
    pub pid: Option<u32>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Directory with the service's source, when the build paths in profiles do not exist here.
    #[arg(long)]
    pub source: Option<PathBuf>,
    /// Do not read source code, even when the profile's paths exist here.
    #[arg(long)]
    pub no_source: bool,
    /// Per-request timeout.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
    /// Largest answer accepted from an endpoint, in bytes.
    #[arg(long, default_value_t = 256 << 20)]
    pub max_bytes: u64,
    /// Function-name prefixes of vendored/library code to skip when attributing (repeatable).
    #[arg(long = "vendor-prefix")]
    pub vendor_prefixes: Vec<String>,
}

/// The samples of a run, for callers that want more than the verdict (`demo`, benchmarks).
pub struct Run {
    /// The report.
    pub report: Report,
    /// Snapshots taken.
    pub samples: usize,
    /// Seconds sampled.
    pub duration_s: f64,
}

/// Runs `check` and prints the report; returns the exit code.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    if args.every.is_zero() || args.duration < args.every {
        anyhow::bail!("--every must be positive and no longer than --for");
    }
    if !args.url.starts_with("http://") {
        anyhow::bail!(
            "{}: not an http:// URL (debug endpoints are plain HTTP; reach TLS-only services through a port-forward)",
            args.url
        );
    }
    let run = match sample(args) {
        Ok(run) => run,
        Err(SessionError::Unreachable(e)) => {
            eprintln!("leakscope: {e}");
            return Ok(exit::UNREACHABLE);
        }
        Err(e @ SessionError::NoEvidence { .. }) => {
            eprintln!("leakscope: {e}");
            return Ok(exit::UNREACHABLE);
        }
    };
    let info = RunInfo {
        target: &args.url,
        samples: run.samples,
        duration_s: run.duration_s,
    };
    report::write(&run.report, &info, args.format, out)?;
    Ok(if run.report.verdict == Verdict::Leak {
        exit::FOUND
    } else {
        exit::CLEAN
    })
}

/// Samples the service and runs the detectors.
pub fn sample(args: &Args) -> Result<Run, SessionError> {
    let endpoint =
        Endpoint::new(&args.url, args.timeout, args.max_bytes).map_err(SessionError::Unreachable)?;
    let pid = args
        .pid
        .or_else(|| local_port(&args.url).and_then(procfs::pid_listening_on));
    let mut session = Session::new(endpoint, pid, Limits::default());
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(args.duration.as_secs().max(1));
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} sampling {msg} [{bar:30}] {elapsed}/{len}s")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let start = Instant::now();
    let mut snapshots: Vec<Snapshot> = Vec::new();
    loop {
        let tick_start = Instant::now();
        match session.tick() {
            Ok(s) => snapshots.push(s),
            Err(e) if snapshots.is_empty() => {
                if let Some(bar) = &progress {
                    bar.finish_and_clear();
                }
                return Err(e);
            }
            Err(_) => {}
        }
        if let Some(bar) = &progress {
            bar.set_position(start.elapsed().as_secs());
            bar.set_message(format!("{} samples", snapshots.len()));
        }
        if start.elapsed() + args.every > args.duration {
            break;
        }
        std::thread::sleep(args.every.saturating_sub(tick_start.elapsed()));
    }
    let probe = session.hangover_probe();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let duration_s = snapshots.last().map_or(0.0, |s| s.at_s);
    let target = Target {
        go_version: None,
        vendor_prefixes: args.vendor_prefixes.clone(),
    };
    let source = FsSource::new(args.source.clone());
    let no_source = leakscope_detect::source::NoSource;
    let src: &dyn leakscope_detect::source::Source = if args.no_source { &no_source } else { &source };
    let build_info = pid.and_then(leakscope_collect::buildinfo::of_pid);
    let build = leakscope_detect::caveats::Build {
        go_version: build_info
            .as_ref()
            .map(|b| b.go_version.clone())
            .or(session.go_version.clone()),
        settings: build_info.map(|b| b.settings).unwrap_or_default(),
    };
    let mut report = engine::analyze_with_onset(&snapshots, probe.as_ref(), &target, src, &Config::default());
    report.notes.extend(session.notes.iter().cloned());
    leakscope_detect::caveats::annotate(&mut report.findings, &build);
    if let Some(v) = &build.go_version {
        report.notes.push(format!("service built with {v}"));
    }
    report.notes.extend(leakscope_detect::caveats::notes(&build));
    Ok(Run {
        report,
        samples: snapshots.len(),
        duration_s,
    })
}

/// The port of a loopback URL (`http://127.0.0.1:6060/…` → 6060), whose process we can read.
fn local_port(url: &str) -> Option<u16> {
    let rest = url.strip_prefix("http://")?;
    let host_port = rest.split('/').next()?;
    let (host, port) = host_port.rsplit_once(':')?;
    matches!(host, "127.0.0.1" | "localhost" | "[::1]").then_some(())?;
    port.parse().ok()
}
