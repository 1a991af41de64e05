//! SARIF 2.1.0 for `leakscope scan` (hand-built serde structs: only what GitHub
//! code scanning reads — rule metadata with help, results with locations).

use std::io::Write;
use std::path::Path;

use leakscope_lint::{ScanReport, Severity};
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    results: Vec<ResultItem<'a>>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<RuleDesc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDesc {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Config,
    properties: Props,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
struct Props {
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultItem<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<NotificationLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: NotificationPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPhysical {
    artifact_location: Artifact,
}

/// `file-not-closed` → `FileNotClosed` (SARIF's `name` is an identifier-like label).
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative URI with forward slashes (GitHub resolves it against the checkout).
fn uri(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf));
    let p = rel.unwrap_or_else(|| path.to_path_buf());
    let s = p.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    s.replace(' ', "%20")
}

/// Writes the SARIF log of `report`.
pub fn render(report: &ScanReport, out: &mut dyn Write) -> anyhow::Result<()> {
    let lint_rules = leakscope_lint::rules::RULES;
    let rules: Vec<RuleDesc> = lint_rules
        .iter()
        .map(|r| {
            let summary = leakscope_rules::find(r.id()).map_or("", |t| t.summary);
            let family = leakscope_rules::find(r.id()).map_or("other", |t| t.family.as_str());
            RuleDesc {
                id: r.id(),
                name: pascal(r.id()),
                short_description: Text {
                    text: summary.to_string(),
                },
                full_description: Text {
                    text: summary.to_string(),
                },
                help: Help {
                    text: format!("{}\n\nRun `leakscope explain {}` for more.", r.doc(), r.id()),
                    markdown: r.doc().to_string(),
                },
                default_configuration: Config { level: "error" },
                properties: Props {
                    tags: vec!["leak", family],
                },
            }
        })
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| ResultItem {
            rule_id: f.rule,
            rule_index: lint_rules.iter().position(|r| r.id() == f.rule).unwrap_or(0),
            level: if f.severity == Severity::Test {
                "note"
            } else {
                "error"
            },
            message: Text {
                text: format!("{} ({})", f.message, f.help()),
            },
            locations: vec![Location {
                physical_location: Physical {
                    artifact_location: Artifact { uri: uri(&f.path) },
                    region: Region {
                        start_line: f.line,
                        start_column: f.col,
                        end_line: f.end_line.max(f.line),
                        end_column: if f.end_line > f.line {
                            f.end_col
                        } else {
                            f.end_col.max(f.col + 1)
                        },
                    },
                },
            }],
        })
        .collect();
    let notifications = report
        .problems
        .iter()
        .map(|p| Notification {
            level: "warning",
            message: Text {
                text: p.message.clone(),
            },
            locations: vec![NotificationLocation {
                physical_location: NotificationPhysical {
                    artifact_location: Artifact { uri: uri(&p.path) },
                },
            }],
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "leakscope",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            results,
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)?;
    Ok(())
}
