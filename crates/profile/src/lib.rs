//! Go's memory and goroutine evidence, parsed into one model: pprof profiles
//! (proto, legacy text), goroutine dumps (debug=1, debug=2, tracebacks) and
//! metric snapshots (Prometheus text, expvar JSON, gctrace lines).
//!
//! Pure: bytes in, model out — no files, no network, no terminal.
//!
//! ```
//! use leakscope_profile::{input, Limits};
//! let text = b"heap profile: 1: 64 [2: 128] @ heap/2\n1: 64 [2: 128] @ 0x401001\n";
//! let input::Input::Profile { profile, .. } = input::parse(text, &Limits::default()).unwrap() else { panic!() };
//! assert_eq!(profile.totals()[3], ("inuse_space", 64));
//! ```

pub mod attribution;
pub mod contention_text;
pub mod count_profile_text;
pub mod error;
pub mod expvar;
mod fx_hash;
pub mod gctrace;
pub mod go_quote;
pub mod goroutine;
pub mod goroutine_diff;
pub mod goroutine_dump;
pub mod goroutine_group;
pub mod goroutine_header;
pub mod heap_text;
pub mod input;
mod legacy_text;
pub mod limits;
pub mod pprof_decode;
pub mod pprof_encode;
pub mod pprof_proto;
mod pprof_sample;
pub mod profile;
pub mod profile_merge;
pub mod profile_top;
pub mod prometheus;
pub mod runtime_figures;
mod text_cursor;
mod traceback_line;
pub mod wait_reason;

pub use error::ParseError;
pub use limits::Limits;
pub use profile::Profile;
