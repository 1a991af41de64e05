//! `leakscope scan --format sarif corpus/` must validate against the official
//! SARIF 2.1.0 schema (vendored in tests/data, see its README: no network).

use std::path::Path;

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // The published schema's `run.language` pattern has a stray `]` that strict regex engines
    // reject; replace it with the pattern it means (two letters, optional `-XX`). We never emit
    // `language`, so this changes nothing about what our output is checked against.
    let text = include_str!("data/sarif-schema-2.1.0.json").replace(
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    let out = assert_cmd::Command::cargo_bin("leakscope")
        .expect("binary")
        .current_dir(&root)
        .args(["scan", "--format", "sarif", "corpus/"])
        .output()
        .expect("runs");
    // corpus/ holds deliberate leaks: findings mean exit 1.
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF output is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    // The validator bites: an invalid level is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));

    // What GitHub code scanning needs beyond the schema: rules with help, results pointing at them.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["markdown"].as_str().is_some_and(|h| h.contains("## ")))
    );
    let results = run["results"].as_array().expect("results");
    assert!(
        results.len() > 20,
        "expected the corpus leaks, got {}",
        results.len()
    );
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("corpus/") && root.join(uri).is_file(), "{uri}");
        assert!(loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = assert_cmd::Command::cargo_bin("leakscope")
        .expect("binary")
        .args(["scan", "/no/such/dir"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/no/such/dir"), "{err}");
    let out = assert_cmd::Command::cargo_bin("leakscope")
        .expect("binary")
        .args(["scan", "--format", "xml", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
