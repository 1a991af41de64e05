//! The goroutine dump parser (`debug=2`, tracebacks), fed in two chunks split
//! at a data-chosen point, then grouped and diffed against itself.
#![no_main]

use leakscope_profile::Limits;
use leakscope_profile::goroutine_diff::diff_groups;
use leakscope_profile::goroutine_dump::{DumpParser, parse_dump};
use leakscope_profile::goroutine_group::{GroupOptions, group_dump};
use libfuzzer_sys::fuzz_target;

/// Small limits keep each run fast and still exercise the limit paths.
fn limits() -> Limits {
    Limits {
        max_input_bytes: 4 << 20,
        max_records: 100_000,
        max_stack_depth: 1_000,
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    let whole = parse_dump(data, &limits);
    let split = data.first().map_or(0, |&b| usize::from(b) % (data.len() + 1));
    let mut parser = DumpParser::new(&limits);
    let chunked = parser
        .feed(&data[..split])
        .and_then(|()| parser.feed(&data[split..]))
        .and_then(|()| parser.finish());
    match (whole, chunked) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "chunking changed the dump"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("chunking changed the outcome: {:?} vs {:?}", a.is_ok(), b.is_ok()),
    }
    if let Ok(Some(d)) = parse_dump(data, &limits) {
        let g = group_dump(&d, &GroupOptions::default());
        assert_eq!(g.groups.iter().map(|g| g.count).sum::<u64>(), g.total);
        let diff = diff_groups(&g, &g);
        assert!(
            diff.grown.is_empty() && diff.shrunk.is_empty(),
            "a snapshot minus itself must be empty"
        );
    }
});
