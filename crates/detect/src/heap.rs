//! Heap growth: post-GC in-use bytes per allocation site in user code.
//!
//! Each snapshot's heap profile was taken right after a forced GC, so what is
//! in use is live, not garbage waiting for the collector. A site whose live
//! bytes keep growing (see [`crate::growth`]) retains memory; the machinery
//! that allocated it ([`Mechanism`]) and, when available, the code at the site
//! say which kind of leak it is.

use std::collections::{BTreeMap, HashMap};

use crate::frames::{first_user_frame, function_root, short};
use crate::growth::{Bar, Growth, judge};
use crate::mechanism::Mechanism;
use crate::snapshot::{Frame, Snapshot, Target};

/// Live bytes at one allocation site, over time.
#[derive(Clone, Debug)]
pub struct SiteSeries {
    /// First user frame of the allocating stacks.
    pub site: Frame,
    /// What allocated it.
    pub mechanism: Mechanism,
    /// Allocated by a `sync.Pool`'s `New`.
    pub pooled: bool,
    /// Seconds of each heap snapshot.
    pub t: Vec<f64>,
    /// In-use bytes.
    pub bytes: Vec<f64>,
    /// In-use objects.
    pub objects: Vec<f64>,
    /// The stack with the most bytes at the last snapshot (evidence).
    pub stack: Vec<Frame>,
    /// User frames of that stack (callers included), leaf first.
    pub user_frames: Vec<Frame>,
}

impl SiteSeries {
    /// The function the site belongs to, closures folded into their parent.
    pub fn root(&self) -> &str {
        function_root(&self.site.function)
    }
}

/// A site whose live bytes keep growing.
#[derive(Clone, Debug)]
pub struct SiteGrowth {
    /// The site.
    pub series: SiteSeries,
    /// The growth judgement on its bytes.
    pub growth: Growth,
}

/// Builds one series per (user site, mechanism, pooled) across the snapshots that have a heap profile.
pub fn site_series(snapshots: &[Snapshot], target: &Target) -> Vec<SiteSeries> {
    let vendors = &target.vendor_prefixes;
    let heaps: Vec<(f64, &Vec<crate::snapshot::HeapSample>)> = snapshots
        .iter()
        .filter_map(|s| s.heap.as_ref().map(|h| (s.at_s, h)))
        .collect();
    let n = heaps.len();
    let mut index: HashMap<(Frame, Mechanism, bool), usize> = HashMap::new();
    let mut out: Vec<SiteSeries> = Vec::new();
    let mut best: Vec<f64> = Vec::new();
    for (k, (_, heap)) in heaps.iter().enumerate() {
        for sample in heap.iter() {
            if sample.inuse_bytes <= 0.0 && sample.inuse_objects <= 0.0 {
                continue;
            }
            let Some(site) = first_user_frame(&sample.stack, vendors) else {
                continue;
            };
            let mechanism = Mechanism::of(&sample.stack, vendors);
            let pooled = Mechanism::pooled(&sample.stack);
            let key = (site.clone(), mechanism, pooled);
            let i = *index.entry(key).or_insert_with(|| {
                out.push(SiteSeries {
                    site: site.clone(),
                    mechanism,
                    pooled,
                    t: heaps.iter().map(|(t, _)| *t).collect(),
                    bytes: vec![0.0; n],
                    objects: vec![0.0; n],
                    stack: Vec::new(),
                    user_frames: Vec::new(),
                });
                best.push(-1.0);
                out.len() - 1
            });
            out[i].bytes[k] += sample.inuse_bytes;
            out[i].objects[k] += sample.inuse_objects;
            // Later snapshots win ties, so the evidence stack is a current one.
            if sample.inuse_bytes >= best[i] || k + 1 == n {
                best[i] = sample.inuse_bytes;
                out[i].stack = sample.stack.clone();
                out[i].user_frames = sample
                    .stack
                    .iter()
                    .filter(|f| leakscope_profile::attribution::is_user_function(&f.function, vendors))
                    .cloned()
                    .collect();
            }
        }
    }
    out
}

/// Total live heap per snapshot (all sites).
pub fn total_series(snapshots: &[Snapshot]) -> (Vec<f64>, Vec<f64>) {
    snapshots
        .iter()
        .filter_map(|s| {
            s.heap
                .as_ref()
                .map(|h| (s.at_s, h.iter().map(|x| x.inuse_bytes).sum::<f64>()))
        })
        .unzip()
}

/// Sites whose bytes grow past `bar`, largest growth first.
pub fn growing_sites(series: &[SiteSeries], bar: &Bar) -> Vec<SiteGrowth> {
    let mut out: Vec<SiteGrowth> = series
        .iter()
        .filter(|s| s.mechanism != Mechanism::Goroutine)
        .filter_map(|s| {
            judge(&s.t, &s.bytes, bar).map(|growth| SiteGrowth {
                series: s.clone(),
                growth,
            })
        })
        .collect();
    out.sort_by(|a, b| b.growth.trend.slope.total_cmp(&a.growth.trend.slope));
    out
}

/// Groups growing sites by the user function they belong to (closures folded in).
pub fn by_root(sites: Vec<SiteGrowth>) -> BTreeMap<String, Vec<SiteGrowth>> {
    let mut out: BTreeMap<String, Vec<SiteGrowth>> = BTreeMap::new();
    for s in sites {
        out.entry(s.series.root().to_string()).or_default().push(s);
    }
    out
}

/// One evidence line for a site.
pub fn describe_site(s: &SiteGrowth) -> String {
    s.growth.describe(
        &format!(
            "live heap at {} [{}]",
            short(&s.series.site),
            mechanism_name(s.series.mechanism)
        ),
        bytes,
    )
}

/// Display name of a mechanism.
pub fn mechanism_name(m: Mechanism) -> &'static str {
    match m {
        Mechanism::Goroutine => "goroutine descriptors",
        Mechanism::Defer => "defer records",
        Mechanism::Ticker => "time.NewTicker",
        Mechanism::Timer => "timers",
        Mechanism::Context => "cancellable contexts",
        Mechanism::Http => "net/http connections",
        Mechanism::Sql => "database/sql",
        Mechanism::File => "os.File",
        Mechanism::Net => "net connections",
        Mechanism::Map => "map storage",
        Mechanism::Slice => "slice growth",
        Mechanism::Plain => "allocations",
    }
}

/// Human-readable bytes, binary units as `go tool pprof` prints them.
pub fn bytes(v: f64) -> String {
    let a = v.abs();
    if a >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2}GiB", v / (1024.0 * 1024.0 * 1024.0))
    } else if a >= 1024.0 * 1024.0 {
        format!("{:.2}MiB", v / (1024.0 * 1024.0))
    } else if a >= 1024.0 {
        format!("{:.1}KiB", v / 1024.0)
    } else {
        format!("{v:.0}B")
    }
}
