//! Format detection end to end: gzip, then every registered parser in order.
#![no_main]

mod common;

use leakscope_profile::input::{Input, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Input::Profile { profile, .. }) = parse(data, &common::limits()) {
        common::exercise(&profile);
    }
});
