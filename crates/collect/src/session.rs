//! One sampling session against a live service: every tick reads `/proc`
//! (before any GC), the post-GC heap, the goroutines and the runtime's leak
//! profile, and turns them into a [`Snapshot`] for the detectors.
//!
//! Order matters (DESIGN §6): descriptors are counted *before* the forced GC,
//! because the GC runs cleanups that close unreferenced files; the count after
//! it says how many the GC reclaimed.

use std::time::Instant;

use leakscope_detect::from_profile;
use leakscope_detect::snapshot::{HangoverProbe, HeapSample, ProcStats, RuntimeMem, Snapshot};
use leakscope_profile::runtime_figures::RuntimeFigures;
use leakscope_profile::{Limits, ParseError, expvar, goroutine_dump, input, prometheus};

use crate::endpoint::{Endpoint, FetchError};
use crate::procfs;

/// Why a session cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The target did not answer at all.
    #[error(transparent)]
    Unreachable(FetchError),
    /// The target answered, but with nothing leakscope can use.
    #[error("{url} answered, but not with Go profiles: {detail}")]
    NoEvidence { url: String, detail: String },
}

/// What the service offers, learned on the first tick.
#[derive(Clone, Debug, Default)]
pub struct Capabilities {
    /// `/debug/pprof/heap` parses.
    pub heap: bool,
    /// `/debug/pprof/goroutine?debug=2` parses (ids, states, wait times).
    pub goroutine_dump: bool,
    /// Only `debug=1` counts are available.
    pub goroutine_counts: bool,
    /// `/debug/pprof/goroutineleak` exists (Go 1.26 with the experiment, Go ≥ 1.27).
    pub goroutineleak: bool,
    /// `/metrics` answers with a Prometheus page.
    pub metrics: bool,
    /// `/debug/vars` answers with expvar JSON.
    pub expvar: bool,
}

/// A live sampling session.
pub struct Session {
    endpoint: Endpoint,
    pid: Option<u32>,
    limits: Limits,
    started: Instant,
    caps: Option<Capabilities>,
    /// Go version of the service (`go_info`), when published.
    pub go_version: Option<String>,
    /// Degraded-evidence notes for the report (each once).
    pub notes: Vec<String>,
}

impl Session {
    /// A session against `endpoint`, reading `/proc/PID` too when `pid` is given.
    pub fn new(endpoint: Endpoint, pid: Option<u32>, limits: Limits) -> Session {
        Session {
            endpoint,
            pid,
            limits,
            started: Instant::now(),
            caps: None,
            go_version: None,
            notes: Vec::new(),
        }
    }

    /// What the service offers (after the first tick).
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.caps.as_ref()
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Takes one snapshot. The first tick fails if the target is unreachable
    /// or offers no usable evidence; later ticks degrade instead of failing.
    pub fn tick(&mut self) -> Result<Snapshot, SessionError> {
        let first = self.caps.is_none();
        let mut snap = Snapshot {
            at_s: self.started.elapsed().as_secs_f64(),
            ..Snapshot::default()
        };

        snap.proc = self.pid.and_then(|pid| match procfs::sample(pid) {
            Ok(p) => Some(ProcStats {
                fds: p.fds,
                socket_fds: p.socket_fds,
                file_fds: p.file_fds,
                fds_after_gc: None,
                established: p.established,
                close_wait: p.close_wait,
                rss_bytes: p.rss_bytes,
            }),
            Err(e) => {
                self.note(format!("no /proc figures: {e}"));
                None
            }
        });

        let mut problems = Vec::new();
        match self.heap() {
            Ok(samples) => snap.heap = Some(samples),
            Err(Fetch::Unreachable(e)) if first => return Err(SessionError::Unreachable(e)),
            Err(e) => problems.push(format!("heap: {e}")),
        }
        if let (Some(proc), Some(pid)) = (snap.proc.as_mut(), self.pid)
            && let Ok(after) = procfs::sample(pid)
        {
            proc.fds_after_gc = Some(after.fds);
        }
        snap.mem = self.runtime_mem();
        if let Some(rss) = snap.proc.as_ref().map(|p| p.rss_bytes as f64) {
            snap.mem.rss_bytes = Some(rss);
        }

        match self.goroutines() {
            Ok((gs, counts_only)) => {
                if counts_only {
                    self.note("goroutine?debug=2 unavailable: goroutines judged on counts".into());
                }
                snap.goroutines = Some(gs);
                if first {
                    self.caps
                        .get_or_insert_with(Capabilities::default)
                        .goroutine_counts = counts_only;
                }
            }
            Err(Fetch::Unreachable(e)) if first => return Err(SessionError::Unreachable(e)),
            Err(e) => problems.push(format!("goroutines: {e}")),
        }

        if first {
            let caps = self.caps.get_or_insert_with(Capabilities::default);
            caps.heap = snap.heap.is_some();
            caps.goroutine_dump = snap.goroutines.is_some() && !caps.goroutine_counts;
            caps.goroutineleak = self.endpoint.get("/debug/pprof/goroutineleak?debug=1").is_ok();
            if snap.heap.is_none() && snap.goroutines.is_none() {
                return Err(SessionError::NoEvidence {
                    url: self.endpoint.base().to_string(),
                    detail: problems.join("; "),
                });
            }
        }
        if self.caps.as_ref().is_some_and(|c| c.goroutineleak)
            && let Ok(body) = self.endpoint.get("/debug/pprof/goroutineleak?debug=2")
            && let Ok(Some(dump)) = goroutine_dump::parse_dump(&body, &self.limits)
        {
            snap.leaked_ids = Some(from_profile::leaked_ids(&dump));
        }
        for p in problems {
            self.note(p);
        }
        Ok(snap)
    }

    /// Two forced GCs back to back: what the second one releases was only
    /// held by `sync.Pool`'s victim cache.
    pub fn hangover_probe(&mut self) -> Option<HangoverProbe> {
        // Work between the two GCs can take buffers out of the pool and put them back;
        // a few tries a moment apart, keeping the pair that released most.
        let total = |h: &[HeapSample]| h.iter().map(|s| s.inuse_bytes).sum::<f64>();
        let mut best: Option<(f64, HangoverProbe)> = None;
        for attempt in 0..8 {
            if attempt > 0 {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            let Ok(first) = self.heap() else { break };
            let Ok(second) = self.heap() else { break };
            let released = total(&first) - total(&second);
            let clear = released >= (1 << 20) as f64 && released >= 0.1 * total(&first);
            if best.as_ref().is_none_or(|(r, _)| released > *r) {
                best = Some((released, HangoverProbe { first, second }));
            }
            if clear {
                break;
            }
        }
        best.map(|(_, p)| p)
    }

    /// The post-GC heap profile (proto: it keeps the runtime frames that say
    /// which machinery allocated, which the text form hides).
    fn heap(&self) -> Result<Vec<HeapSample>, Fetch> {
        let body = self.endpoint.get("/debug/pprof/heap?gc=1")?;
        match input::parse(&body, &self.limits)? {
            input::Input::Profile { profile, .. } => {
                from_profile::heap_samples(&profile).map_err(Fetch::Parse)
            }
            _ => Err(Fetch::Parse("not a heap profile".into())),
        }
    }

    /// Runtime figures: `/metrics` (Prometheus) and `/debug/vars` (expvar), whichever answer.
    fn runtime_mem(&mut self) -> RuntimeMem {
        let mut mem = RuntimeMem::default();
        if self.caps.as_ref().is_none_or(|c| c.metrics)
            && let Ok(body) = self.endpoint.get("/metrics")
            && let Ok(Some(page)) = prometheus::parse_exposition(&body)
        {
            let fig = RuntimeFigures::from_prometheus(&page);
            mem.sys_bytes = fig.runtime_sys_bytes;
            mem.heap_released_bytes = page.value("go_memstats_heap_released_bytes");
            mem.rss_bytes = fig.resident_bytes;
            mem.open_fds = fig.open_fds;
            mem.goroutines = fig.goroutines;
            if self.go_version.is_none() {
                self.go_version = fig.go_version;
            }
            self.caps.get_or_insert_with(Capabilities::default).metrics = true;
        }
        if mem.sys_bytes.is_none()
            && self.caps.as_ref().is_none_or(|c| c.expvar)
            && let Ok(body) = self.endpoint.get("/debug/vars")
            && let Ok(Some(vars)) = expvar::parse_expvar(&body)
        {
            mem.sys_bytes = vars.memstat("Sys");
            mem.heap_released_bytes = vars.memstat("HeapReleased");
            self.caps.get_or_insert_with(Capabilities::default).expvar = true;
        }
        mem
    }

    /// Goroutines with ids (`debug=2`), else counted stacks (`debug=1`).
    fn goroutines(&self) -> Result<(Vec<leakscope_detect::snapshot::Goroutine>, bool), Fetch> {
        let dump_err = match self.endpoint.get("/debug/pprof/goroutine?debug=2") {
            Ok(body) => match goroutine_dump::parse_dump(&body, &self.limits) {
                Ok(Some(dump)) if dump.truncation.is_none() => {
                    return Ok((from_profile::dump_goroutines(&dump), false));
                }
                Ok(Some(_)) => Fetch::Parse("debug=2 dump truncated by the runtime".into()),
                Ok(None) => Fetch::Parse("debug=2 answer has no goroutines".into()),
                Err(e) => Fetch::from(e),
            },
            Err(e @ FetchError::Unreachable { .. }) => return Err(Fetch::Unreachable(e)),
            Err(e) => Fetch::Http(e),
        };
        let body = self
            .endpoint
            .get("/debug/pprof/goroutine?debug=1")
            .map_err(|_| dump_err)?;
        match leakscope_profile::count_profile_text::parse_count_profile(&body, &self.limits)? {
            Some(counts) => Ok((from_profile::counted_goroutines(&counts), true)),
            None => Err(Fetch::Parse(
                "goroutine?debug=1 answer is not a goroutine profile".into(),
            )),
        }
    }
}

/// One endpoint's failure.
#[derive(Debug, thiserror::Error)]
enum Fetch {
    #[error(transparent)]
    Unreachable(FetchError),
    #[error(transparent)]
    Http(FetchError),
    #[error("{0}")]
    Parse(String),
}

impl From<FetchError> for Fetch {
    fn from(e: FetchError) -> Fetch {
        match e {
            FetchError::Unreachable { .. } => Fetch::Unreachable(e),
            other => Fetch::Http(other),
        }
    }
}

impl From<ParseError> for Fetch {
    fn from(e: ParseError) -> Fetch {
        Fetch::Parse(e.to_string())
    }
}
