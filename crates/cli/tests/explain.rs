//! `leakscope explain`: the rule list, one rule's doc in each format, and the
//! unknown-rule error — run as the binary, as a user would.

use assert_cmd::Command;

/// Runs `leakscope explain ARGS` with stdout captured (not a terminal: no colour).
fn explain(args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new(env!("CARGO_BIN_EXE_leakscope"))
        .arg("explain")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn without_a_rule_lists_every_rule_grouped_by_family() {
    let out = explain(&[]).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "no colour when stdout is not a terminal");
    for r in leakscope_rules::RULES {
        let line = text.lines().find(|l| l.split_whitespace().next() == Some(r.id));
        let line = line.unwrap_or_else(|| panic!("{} is not listed:\n{text}", r.id));
        assert!(
            line.contains(r.summary),
            "{} listed without its summary: {line}",
            r.id
        );
    }
    // Grouped: each family heading appears once, followed by its own rules only.
    let mut seen: Vec<&str> = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with("Run ")) {
        if let Some(id) = line.strip_prefix("  ").and_then(|l| l.split_whitespace().next()) {
            let rule = leakscope_rules::find(id).unwrap();
            assert_eq!(
                Some(&rule.family.as_str()),
                seen.last(),
                "{id} under the wrong heading"
            );
        } else {
            assert!(
                leakscope_rules::RULES.iter().any(|r| r.family.as_str() == line),
                "not a family: {line}"
            );
            assert!(!seen.contains(&line), "family {line} listed twice");
            seen.push(line);
        }
    }
    assert_eq!(seen.len(), 6, "six families");
}

#[test]
fn one_rule_prints_its_doc_for_a_terminal() {
    let out = explain(&["http-body-not-closed"]).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("http-body-not-closed (resource)\n"), "{text}");
    for heading in leakscope_rules::DOC_SECTIONS {
        let plain = heading.trim_start_matches("## ");
        assert!(
            text.lines().any(|l| l == plain),
            "section {plain} missing:\n{text}"
        );
    }
    assert!(
        !text.contains("```") && !text.contains("## "),
        "markdown syntax left in text output"
    );
    assert!(
        text.contains("    defer resp.Body.Close()"),
        "code block indented:\n{text}"
    );
}

#[test]
fn markdown_format_prints_the_raw_doc() {
    let out = explain(&["--format", "markdown", "timer-in-loop"]).unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), leakscope_rules::find("timer-in-loop").unwrap().doc);
}

#[test]
fn json_format_gives_id_family_summary_fix_and_doc() {
    let out = explain(&["--format", "json", "pool-hangover"]).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = leakscope_rules::find("pool-hangover").unwrap();
    assert_eq!(v["id"], "pool-hangover");
    assert_eq!(v["family"], "pool");
    assert_eq!(v["summary"], rule.summary);
    assert_eq!(v["fix"], rule.fix);
    assert_eq!(v["doc"], rule.doc);
    assert_eq!(v.as_object().unwrap().len(), 5);
}

#[test]
fn json_list_has_every_rule() {
    let out = explain(&["--format", "json"]).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = leakscope_rules::RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, want);
}

#[test]
fn unknown_rule_exits_2_with_one_line_naming_close_matches() {
    let out = explain(&["http-body-not-close"]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("\"http-body-not-close\"") && err.contains("did you mean http-body-not-closed?"),
        "{err}"
    );

    // A family prefix left off still finds the rule.
    let err = String::from_utf8(explain(&["chan-blocked"]).unwrap().stderr).unwrap();
    assert!(err.contains("goroutine-chan-blocked"), "{err}");

    // Nothing close: no suggestions, still one line and exit 2.
    let out = explain(&["qqqqqqqqqqqq"]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1);
    assert!(!err.contains("did you mean"), "{err}");
}
