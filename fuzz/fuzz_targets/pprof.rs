//! The protobuf decoder and validator, on raw (not gzipped) bytes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = leakscope_profile::pprof_decode::decode(data, &common::limits()) {
        common::exercise(&p);
    }
});
