//! `leakscope diff BASE NEW`: what grew between two snapshots of the same kind.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use leakscope_profile::goroutine_group::GroupOptions;
use leakscope_profile::input::Input;
use leakscope_profile::pprof_encode;

use crate::dump_stream;
use crate::exit;
use crate::goroutine_diff_report;
use crate::goroutine_summary::groups_of;
use crate::inputs::{self, LimitArgs};
use crate::output::OutputFormat;
use crate::profile_diff;

/// Arguments of `leakscope diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The earlier snapshot.
    #[arg(value_name = "BASE")]
    pub base: PathBuf,
    /// The later snapshot.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Sample type to rank growth by, as pprof's -sample_index (default: the profile's, e.g. inuse_space).
    #[arg(long, value_name = "TYPE")]
    pub sample_index: Option<String>,
    /// Write the difference as a pprof profile (gzipped proto) that `go tool pprof` opens.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Rows per table.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Function-name prefix to treat as library code, not yours (repeatable).
    #[arg(long = "vendor-prefix", value_name = "PREFIX")]
    pub vendor_prefixes: Vec<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Runs `leakscope diff`.
pub fn run(args: &Args, out: &mut impl Write) -> anyhow::Result<u8> {
    let limits = args.limits.limits();
    let base_path = args.base.display().to_string();
    let new_path = args.new.display().to_string();
    let read = |path: &std::path::Path| match dump_stream::read_if_dump(path, &limits)? {
        Some(input) => Ok::<_, anyhow::Error>(input),
        None => inputs::read(path, &limits),
    };
    let base = read(&args.base)?;
    let new = read(&args.new)?;
    let both_profiles = matches!((&base, &new), (Input::Profile { .. }, Input::Profile { .. }));
    let options = GroupOptions {
        vendor_prefixes: args.vendor_prefixes.clone(),
        ..GroupOptions::default()
    };
    if !both_profiles && let (Some(b), Some(n)) = (groups_of(&base, &options), groups_of(&new, &options)) {
        if args.output.is_some() {
            bail!("-o writes pprof profiles; it needs two pprof profiles, not goroutine dumps");
        }
        let report = goroutine_diff_report::build((&base_path, &b), (&new_path, &n), &args.vendor_prefixes);
        match args.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
            OutputFormat::Markdown => goroutine_diff_report::render_markdown(&report, args.top, out)?,
            OutputFormat::Text => goroutine_diff_report::render_text(&report, args.top, out)?,
        }
        return Ok(exit::CLEAN);
    }
    match (base, new) {
        (Input::Profile { profile: b, .. }, Input::Profile { profile: n, .. }) => {
            let (mut report, difference) = profile_diff::diff(
                (&base_path, &b),
                (&new_path, *n),
                args.sample_index.as_deref(),
                args.top,
                &args.vendor_prefixes,
            )
            .map_err(|e| anyhow!("{new_path}: {e}"))?;
            if let Some(path) = &args.output {
                let bytes = pprof_encode::encode_gzip(&difference)?;
                std::fs::write(path, bytes).map_err(|e| anyhow!("{}: {e}", path.display()))?;
                report.output = Some(path.display().to_string());
            }
            match args.format {
                OutputFormat::Json => {
                    serde_json::to_writer_pretty(&mut *out, &report).map_err(std::io::Error::from)?;
                    writeln!(out)?;
                }
                OutputFormat::Markdown => profile_diff::render_markdown(&report, out)?,
                OutputFormat::Text => profile_diff::render_text(&report, out)?,
            }
            // The command ends here: freeing a large profile one allocation at a time only costs time.
            std::mem::forget((difference, b));
        }
        #[allow(unreachable_patterns)]
        _ => {
            bail!("{base_path} and {new_path} are different kinds of input; diff needs two of the same kind")
        }
    }
    Ok(exit::CLEAN)
}
