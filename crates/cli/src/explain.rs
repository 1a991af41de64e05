//! `leakscope explain [RULE]`.

use std::io::Write;

use anyhow::bail;
use leakscope_rules::RULES;

use crate::exit;

/// Arguments of `leakscope explain`.
#[derive(clap::Args)]
pub struct Args {
    /// A rule id, e.g. http-body-not-closed. Without it, every rule is listed.
    rule: Option<String>,
}

/// Prints one rule, or the list of all rules.
pub fn run(args: &Args, out: &mut impl Write) -> anyhow::Result<u8> {
    match &args.rule {
        None => {
            for r in RULES {
                writeln!(out, "{:<31} {:<10} {}", r.id, r.family, r.summary)?;
            }
        }
        Some(id) => {
            let Some(r) = leakscope_rules::find(id) else {
                let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                bail!("unknown rule '{id}'; choose from: {}", ids.join(", "));
            };
            writeln!(out, "{} ({})\n\n{}", r.id, r.family, r.summary)?;
        }
    }
    Ok(exit::CLEAN)
}
