//! `leakscope demo`: build a leaky example service from `corpus/`, start it,
//! diagnose it live with `check`, print the verdict, stop it.

use std::io::Write;
use std::time::Duration;

use leakscope_harness::{Mode, Service};

use crate::check;
use crate::report::Format;

/// Arguments of `leakscope demo`.
#[derive(clap::Args)]
#[command(after_help = "\
Needs Go (to build the example) and the repository's corpus/ directory. Takes about a minute. \
Try another example with `leakscope demo goroutine-chan-blocked`; the examples are corpus/cmd/*.")]
pub struct Args {
    /// Which corpus program to diagnose.
    #[arg(default_value = "http-body-not-closed")]
    pub program: String,
    /// Run the fixed twin instead (expect a healthy verdict).
    #[arg(long)]
    pub fixed: bool,
    /// How long to sample.
    #[arg(long = "for", value_parser = humantime::parse_duration, default_value = "45s")]
    pub duration: Duration,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the demo; the exit code is `check`'s.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mode = if args.fixed { Mode::Fixed } else { Mode::Leaky };
    eprintln!("leakscope demo: building corpus/cmd/{} (go build)…", args.program);
    let svc = Service::start(&args.program, mode, &[])?;
    eprintln!(
        "leakscope demo: started {} --mode={} at {} (pid {}); sampling for {}…",
        args.program,
        mode.as_str(),
        svc.url(),
        svc.pid(),
        humantime::format_duration(args.duration)
    );
    let check_args = check::Args {
        url: svc.url(),
        duration: args.duration,
        every: Duration::from_secs(3),
        pid: Some(svc.pid()),
        format: args.format,
        source: None,
        no_source: false,
        timeout: Duration::from_secs(30),
        max_bytes: 256 << 20,
        vendor_prefixes: Vec::new(),
    };
    let code = check::run(&check_args, out)?;
    drop(svc);
    eprintln!("leakscope demo: stopped {}", args.program);
    Ok(code)
}
