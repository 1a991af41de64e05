//! `leakscope explain [RULE]`: the rule docs of `leakscope-rules` — all rules
//! by family, or one rule's doc rendered for a terminal, as Markdown or as JSON.

use std::io::{IsTerminal, Write};

use anyhow::anyhow;
use leakscope_rules::{Family, RULES, Rule};
use serde::Serialize;

use crate::exit;
use crate::output::OutputFormat;

/// Arguments of `leakscope explain`.
#[derive(clap::Args)]
pub struct Args {
    /// A rule id, e.g. http-body-not-closed. Without it, every rule is listed by family.
    rule: Option<String>,
    /// text (for a terminal), markdown (the raw doc) or json ({id, family, summary, fix, doc}).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Prints one rule, or the list of all rules.
pub fn run(args: &Args, out: &mut impl Write) -> anyhow::Result<u8> {
    let color = args.format == OutputFormat::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let style = Style { color };
    match &args.rule {
        None => match args.format {
            OutputFormat::Text => list_text(out, style)?,
            OutputFormat::Markdown => list_markdown(out)?,
            OutputFormat::Json => write_json(out, &RULES.iter().map(RuleJson::from).collect::<Vec<_>>())?,
        },
        Some(id) => {
            let rule = leakscope_rules::find(id).ok_or_else(|| anyhow!(unknown_rule(id)))?;
            match args.format {
                OutputFormat::Text => rule_text(out, rule, style)?,
                OutputFormat::Markdown => out.write_all(rule.doc.as_bytes())?,
                OutputFormat::Json => write_json(out, &RuleJson::from(rule))?,
            }
        }
    }
    Ok(exit::CLEAN)
}

/// The JSON shape of one rule (also each element of the list).
#[derive(Serialize)]
struct RuleJson {
    id: &'static str,
    family: &'static str,
    summary: &'static str,
    fix: &'static str,
    doc: &'static str,
}

impl From<&'static Rule> for RuleJson {
    fn from(r: &'static Rule) -> Self {
        RuleJson {
            id: r.id,
            family: r.family.as_str(),
            summary: r.summary,
            fix: r.fix,
            doc: r.doc,
        }
    }
}

fn write_json(out: &mut impl Write, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Families in the order their rules appear in the taxonomy.
fn families() -> Vec<Family> {
    let mut out: Vec<Family> = Vec::new();
    for r in RULES {
        if !out.contains(&r.family) {
            out.push(r.family);
        }
    }
    out
}

fn list_text(out: &mut impl Write, style: Style) -> anyhow::Result<()> {
    let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for (i, family) in families().into_iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", style.heading(family.as_str()))?;
        for r in RULES.iter().filter(|r| r.family == family) {
            writeln!(out, "  {:<width$}  {}", r.id, r.summary)?;
        }
    }
    writeln!(
        out,
        "\nRun `leakscope explain RULE` for what a rule means, why it leaks and how to fix it."
    )?;
    Ok(())
}

fn list_markdown(out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(out, "# leakscope rules")?;
    for family in families() {
        writeln!(out, "\n## {family}\n\n| rule | summary |\n|---|---|")?;
        for r in RULES.iter().filter(|r| r.family == family) {
            writeln!(out, "| `{}` | {} |", r.id, r.summary.replace('|', "\\|"))?;
        }
    }
    Ok(())
}

/// Terminal styling: ANSI codes only when colour is on.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn heading(self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn code(self, s: &str) -> String {
        if self.color {
            format!("\x1b[36m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Inline `code` spans: coloured without their backticks, or left as written.
    fn inline(self, line: &str) -> String {
        if !self.color {
            return line.to_string();
        }
        let mut out = String::with_capacity(line.len());
        let mut parts = line.split('`');
        if let Some(first) = parts.next() {
            out.push_str(first);
        }
        let rest: Vec<&str> = parts.collect();
        // An unmatched backtick stays as written.
        let pairs = rest.len() / 2 * 2;
        for (i, part) in rest.iter().enumerate() {
            if i < pairs && i % 2 == 0 {
                out.push_str(&self.code(part));
            } else {
                if i >= pairs {
                    out.push('`');
                }
                out.push_str(part);
            }
        }
        out
    }
}

/// One rule's doc for a terminal: a header, then the Markdown with headings
/// and code blocks rendered plainly (body indented, code indented further).
fn rule_text(out: &mut impl Write, rule: &Rule, style: Style) -> anyhow::Result<()> {
    writeln!(out, "{} ({})", style.heading(rule.id), rule.family)?;
    writeln!(out, "{}", rule.summary)?;
    let mut in_code = false;
    for line in rule.doc.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            writeln!(out, "    {}", style.code(&line.replace('\t', "    ")))?;
        } else if let Some(h) = line.strip_prefix("## ") {
            writeln!(out, "{}", style.heading(h))?;
        } else if line.starts_with("# ") {
            // The doc's title: the header above already says it.
        } else if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "  {}", style.inline(line))?;
        }
    }
    Ok(())
}

/// Inputs longer than this get no suggestions (and are cut in the message).
const MAX_QUERY: usize = 64;

/// The one-line error for an unknown rule, with the closest ids.
fn unknown_rule(id: &str) -> String {
    let shown: String = id.chars().take(MAX_QUERY).collect();
    let hint = "`leakscope explain` lists every rule";
    match suggestions(id).as_slice() {
        [] => format!("unknown rule {shown:?} ({hint})"),
        [one] => format!("unknown rule {shown:?}; did you mean {one}? ({hint})"),
        many => format!(
            "unknown rule {shown:?}; did you mean one of: {}? ({hint})",
            many.join(", ")
        ),
    }
}

/// Rule ids close to `query`: a family name gives its rules; otherwise the ids
/// within a small edit distance of the query, of one of their `-`-separated
/// prefixes or suffixes (a family prefix left off or mistyped), or containing it.
fn suggestions(query: &str) -> Vec<&'static str> {
    let q = query.trim().to_ascii_lowercase();
    if q.is_empty() || q.chars().count() > MAX_QUERY {
        return Vec::new();
    }
    if let Some(f) = families().into_iter().find(|f| f.as_str() == q) {
        return RULES.iter().filter(|r| r.family == f).map(|r| r.id).collect();
    }
    let limit = (q.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, usize, &'static str)> = RULES
        .iter()
        .enumerate()
        .filter_map(|(order, r)| {
            let mut best = edit_distance(&q, r.id);
            for (i, _) in r.id.match_indices('-') {
                best = best
                    .min(edit_distance(&q, &r.id[i + 1..]))
                    .min(edit_distance(&q, &r.id[..i]));
            }
            if q.len() >= 3 && r.id.contains(q.as_str()) {
                best = best.min(1);
            }
            (best <= limit).then_some((best, order, r.id))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(4).map(|(_, _, id)| id).collect()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("timer-in-loop", "timer-in-loop"), 0);
    }

    #[test]
    fn suggestions_find_typos_missing_prefixes_and_families() {
        assert_eq!(suggestions("http-body-not-close")[0], "http-body-not-closed");
        assert_eq!(suggestions("chan-blocked")[0], "goroutine-chan-blocked");
        assert_eq!(
            suggestions("goroutines-chan-blocked")[0],
            "goroutine-chan-blocked"
        );
        assert_eq!(suggestions("TICKER")[0], "ticker-not-stopped");
        assert_eq!(suggestions("pool").len(), 3);
        assert!(suggestions("zzzzzzzzzz").is_empty());
        assert!(suggestions(&"x".repeat(10_000)).is_empty());
    }

    #[test]
    fn text_without_colour_has_no_escapes_and_no_markdown_syntax() {
        let rule = leakscope_rules::find("defer-in-loop").unwrap();
        let mut out = Vec::new();
        rule_text(&mut out, rule, Style { color: false }).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b'));
        assert!(!text.contains("```") && !text.contains("## "));
        assert!(text.contains("\nHow to fix it\n"));
        assert!(
            text.contains("\n        defer f.Close()"),
            "code indented, tabs expanded:\n{text}"
        );
    }

    #[test]
    fn colour_styles_headings_and_inline_code() {
        let s = Style { color: true };
        assert_eq!(s.inline("use `defer` here"), "use \x1b[36mdefer\x1b[0m here");
        assert_eq!(s.inline("odd ` tick"), "odd ` tick");
        assert_eq!(s.heading("Example"), "\x1b[1mExample\x1b[0m");
    }
}
