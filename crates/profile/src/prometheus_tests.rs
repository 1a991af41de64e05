//! Syntax cases from the exposition format's specification; real pages
//! served by Go programs are read in `tests/metrics.rs`.

use super::*;

fn parse(text: &str) -> Exposition {
    parse_exposition(text.as_bytes()).unwrap().unwrap()
}

#[test]
fn help_type_escapes_and_timestamps() {
    let e = parse(concat!(
        "# HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ done\n",
        "# TYPE http_requests_total counter\n",
        "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n",
        "http_requests_total{method=\"post\",code=\"400\",}    3 1395066363000\n",
        "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n",
        "metric_without_timestamp_and_labels 12.47\n",
        "something_weird{problem=\"division by zero\"} +Inf -3982045\n",
        "  \t\n# a free comment\n",
    ));
    assert_eq!(
        e.help[0].1,
        "The total number of HTTP requests.\nSecond line \\ done"
    );
    assert_eq!(e.type_of("http_requests_total"), Some("counter"));
    assert_eq!(e.samples.len(), 5);
    assert_eq!(e.samples[1].label("code"), Some("400"));
    assert_eq!(e.samples[2].label("path"), Some("C:\\DIR\\FILE.TXT"));
    assert_eq!(
        e.samples[2].label("error"),
        Some("Cannot find file:\n\"FILE.TXT\"")
    );
    assert_eq!(e.value("metric_without_timestamp_and_labels"), Some(12.47));
    assert_eq!(e.samples[4].value, f64::INFINITY);
    assert_eq!(e.samples[4].timestamp_ms, Some(-3982045));
}

#[test]
fn histograms_summaries_nan_and_openmetrics() {
    let e = parse(concat!(
        "# TYPE rpc_duration_seconds summary\n",
        "rpc_duration_seconds{quantile=\"0.5\"} NaN\n",
        "rpc_duration_seconds_sum 1.7560473e+07\n",
        "# TYPE foo histogram\n",
        "foo_bucket{le=\"0.01\"} 0\n",
        "foo_bucket{le=\"+Inf\"} 17 # {trace_id=\"oHg5SJYRHA0\"} 9.8 1520879607.789\n",
        "{\"my.dotted.metric\", le=\"1\"} 4 1520879607.789\n",
        "# UNIT foo seconds\n",
        "# EOF\n",
    ));
    assert!(e.samples[0].value.is_nan());
    assert_eq!(e.samples[3].value, 17.0);
    assert_eq!(e.samples[3].label("le"), Some("+Inf"));
    assert_eq!(e.samples[4].name, "my.dotted.metric");
    assert_eq!(e.samples[4].timestamp_ms, Some(1520879607789));
}

#[test]
fn other_formats_and_broken_pages() {
    for other in [
        "gc 1 @0.005s 3%: 0.010+0.5+0.003 ms clock",
        "{\"memstats\": {}}",
        "goroutine 1 [running]:",
        "",
    ] {
        assert!(parse_exposition(other.as_bytes()).unwrap().is_none(), "{other}");
    }
    for broken in [
        "# TYPE a gauge\na{x=\"1} 2\n",
        "a 1\nb{x=1} 2\n",
        "a 1\nb 2 3 4\n",
        "a 1\nb nope\n",
        "a 1\n\u{0}\n",
    ] {
        let err = parse_exposition(broken.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{broken:?}: {err}");
    }
    let err = parse_exposition(b"a 1\nb \xff 2\n").unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");
}
