//! The legacy text heap profile parser (`heap?debug=1`).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(p)) = leakscope_profile::heap_text::parse(data, &common::limits()) {
        common::exercise(&p);
    }
});
