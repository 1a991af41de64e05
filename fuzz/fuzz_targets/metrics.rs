//! The Prometheus text, expvar JSON and gctrace parsers, and the figures read from them.
#![no_main]

use leakscope_profile::expvar::parse_expvar;
use leakscope_profile::gctrace::parse_gctrace;
use leakscope_profile::prometheus::parse_exposition;
use leakscope_profile::runtime_figures::RuntimeFigures;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(p)) = parse_exposition(data) {
        let _ = RuntimeFigures::from_prometheus(&p).present();
    }
    if let Ok(Some(e)) = parse_expvar(data) {
        let _ = RuntimeFigures::from_expvar(&e).present();
    }
    if let Some(t) = parse_gctrace(data) {
        let _ = RuntimeFigures::from_gctrace(&t).present();
        assert_eq!(t.live_heap_series().len(), t.cycles.len());
    }
});
