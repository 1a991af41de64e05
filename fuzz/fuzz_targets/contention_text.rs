//! The block/mutex text profile parser (`block?debug=1`, `mutex?debug=1`).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(p)) = leakscope_profile::contention_text::parse(data, &common::limits()) {
        common::exercise(&p);
    }
});
