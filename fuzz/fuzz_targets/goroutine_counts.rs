//! The `debug=1` goroutine/goroutineleak/threadcreate text parser, then grouping.
#![no_main]

use leakscope_profile::Limits;
use leakscope_profile::count_profile_text::parse_count_profile;
use leakscope_profile::goroutine_group::{GroupOptions, GroupSource, group_counts};
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
    if let Ok(Some(p)) = parse_count_profile(data, &limits()) {
        let g = group_counts(&p, GroupSource::Debug1, &GroupOptions::default());
        assert_eq!(g.groups.iter().map(|g| g.count).sum::<u64>(), p.total);
    }
});
