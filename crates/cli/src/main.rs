//! The `leakscope` binary: argument parsing, dispatch, rendering and exit codes.
//!
//! Exit codes (a contract CI scripts rely on): 0 no leak found, 1 leak or
//! findings, 2 usage or input error, 3 target unreachable.

mod analyze;
mod check;
mod demo;
mod diff;
mod dump_stream;
mod explain;
mod goroutine_diff_report;
mod goroutine_summary;
mod inputs;
mod metrics_summary;
mod output;
mod profile_diff;
mod profile_summary;
mod report;
mod scan;
mod scan_sarif;
mod source_fs;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Profiles decode into hundreds of thousands of small vectors; mimalloc makes them cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Finds, explains and helps fix memory, goroutine and resource leaks in Go services.
#[derive(Parser)]
#[command(name = "leakscope", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 no leak found, 1 leak found, 2 usage or input error, 3 target unreachable."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Live: sample a running service for a while and say whether it leaks, what, where, and how to fix it.
    Check(check::Args),
    /// Start a leaky example service from corpus/, diagnose it live, print the verdict.
    Demo(demo::Args),
    /// What a leak kind is, why it leaks in Go, and how to fix it (all rules without an argument).
    Explain(explain::Args),
    /// Offline: what captured files say (pprof profiles, legacy text profiles, ...).
    Analyze(analyze::Args),
    /// Growth between two snapshots of the same kind (heap profiles: as go tool pprof -base).
    Diff(diff::Args),
    /// Static analysis of Go source for leak patterns (text, json or sarif).
    Scan(scan::Args),
}

/// Exit codes of the contract above.
pub mod exit {
    /// No leak found.
    pub const CLEAN: u8 = 0;
    /// A leak or a finding.
    pub const FOUND: u8 = 1;
    /// Usage or input error.
    pub const USAGE: u8 = 2;
    /// The target could not be reached.
    pub const UNREACHABLE: u8 = 3;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = std::io::stdout().lock();
    let result = match cli.command {
        Command::Check(args) => check::run(&args, &mut out),
        Command::Demo(args) => demo::run(&args, &mut out),
        Command::Explain(args) => explain::run(&args, &mut out),
        Command::Analyze(args) => analyze::run(&args, &mut out),
        Command::Diff(args) => diff::run(&args, &mut out),
        Command::Scan(args) => scan::run(&args, &mut out),
    };
    match result.and_then(|code| out.flush().map(|()| code).map_err(Into::into)) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(exit::CLEAN);
            }
            eprintln!("leakscope: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// `leakscope ... | head` must end quietly.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
