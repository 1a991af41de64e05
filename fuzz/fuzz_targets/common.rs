//! What every target does with a profile it parsed: run the operations the
//! CLI runs, so a panic anywhere downstream of a parser is found too.

use leakscope_profile::{Limits, Profile};

/// Small limits keep each run fast and still exercise the limit paths.
pub fn limits() -> Limits {
    Limits { max_input_bytes: 4 << 20, max_records: 100_000, max_stack_depth: 1_000 }
}

/// Totals, tops, diff against itself, merge and an encode/decode round trip.
pub fn exercise(p: &Profile) {
    for i in 0..p.sample_types.len() {
        let _ = p.pprof_total(i);
        let _ = p.top_functions(i);
        let _ = p.top_user_sites(i, &[]);
        let _ = p.top_stacks(i);
    }
    let _ = p.sample_index(None);
    if let Ok(d) = p.subtract(p) {
        // pprof scales the base through a float64: exact up to 2^53.
        let exact = p.samples.iter().all(|s| s.values.iter().all(|v| v.unsigned_abs() <= 1 << 53));
        assert!(!exact || d.samples.is_empty(), "a profile minus itself must be empty");
    }
    let _ = Profile::merge(&[p, p]);
    let bytes = leakscope_profile::pprof_encode::encode(p);
    let back = leakscope_profile::pprof_decode::decode(&bytes, &Limits::default())
        .expect("an encoded profile must decode");
    assert_eq!(back.samples.len(), p.samples.len());
}
