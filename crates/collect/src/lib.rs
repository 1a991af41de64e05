//! Collection: fetches what a running Go service exposes (pprof endpoints,
//! `/metrics`, `/debug/vars`) with timeouts and size caps, and reads `/proc`
//! for a local process. Returns bytes and numbers; parsing is `leakscope-profile`'s job.

pub mod buildinfo;
pub mod endpoint;
pub mod procfs;
pub mod session;
