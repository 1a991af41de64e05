//! The detection engine: runs every detector over a run's snapshots, ties
//! their signals together, and gives the verdict.

use std::collections::BTreeMap;

use crate::finding::{Finding, Rate, Report, Series, Severity, Verdict};
use crate::frames::{function_root, short};
use crate::goroutine::{self, GroupGrowth};
use crate::growth::{Bar, judge};
use crate::hangover;
use crate::heap::{self, SiteGrowth, bytes};
use crate::resource;
use crate::retention;
use crate::snapshot::{HangoverProbe, Snapshot, Target};
use crate::source::Source;

/// Detection thresholds.
#[derive(Clone, Debug)]
pub struct Config {
    /// Minimum snapshots before anything is judged.
    pub min_samples: usize,
    /// Mann–Kendall p-value a series must beat.
    pub p_max: f64,
    /// Minimum live-heap growth at a site over the run, in bytes.
    pub min_heap_growth: f64,
    /// Minimum growth of a goroutine group's survivors.
    pub min_goroutine_growth: f64,
    /// Minimum growth of open fds.
    pub min_fd_growth: f64,
    /// Minimum growth of non-Go memory, in bytes.
    pub min_non_go_growth: f64,
    /// Age (seconds) after which a goroutine counts as a survivor.
    pub survivor_age_s: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_samples: 6,
            p_max: 0.01,
            min_heap_growth: 1024.0 * 1024.0,
            min_goroutine_growth: 5.0,
            min_fd_growth: 20.0,
            min_non_go_growth: 8.0 * 1024.0 * 1024.0,
            survivor_age_s: 8.0,
        }
    }
}

/// Runs every detector, then finds for each finding the shortest prefix of
/// the run that already reports its rule (time to detect).
pub fn analyze_with_onset(
    snapshots: &[Snapshot],
    probe: Option<&HangoverProbe>,
    target: &Target,
    source: &dyn Source,
    cfg: &Config,
) -> Report {
    let mut report = analyze(snapshots, probe, target, source, cfg);
    for k in cfg.min_samples..snapshots.len() {
        if report.findings.iter().all(|f| f.detected_after_s.is_some()) {
            break;
        }
        let early = analyze(&snapshots[..k], None, target, source, cfg);
        let at = snapshots[k - 1].at_s;
        for f in report
            .findings
            .iter_mut()
            .filter(|f| f.detected_after_s.is_none())
        {
            if early.findings.iter().any(|e| e.rule == f.rule) {
                f.detected_after_s = Some(at);
            }
        }
    }
    let end = snapshots.last().map_or(0.0, |s| s.at_s);
    for f in report
        .findings
        .iter_mut()
        .filter(|f| f.detected_after_s.is_none())
    {
        f.detected_after_s = Some(end);
    }
    report
}

/// Runs every detector.
pub fn analyze(
    snapshots: &[Snapshot],
    probe: Option<&HangoverProbe>,
    target: &Target,
    source: &dyn Source,
    cfg: &Config,
) -> Report {
    let mut notes = Vec::new();
    let mut findings = Vec::new();

    // Goroutines.
    let groups = goroutine::group_series(snapshots, target, cfg.survivor_age_s);
    let g_bar = Bar {
        p_max: cfg.p_max,
        min_growth: cfg.min_goroutine_growth,
        min_samples: cfg.min_samples,
    };
    let growing_groups = goroutine::growing_groups(&groups, &g_bar, source);
    if groups.iter().any(|g| !g.tracked) {
        notes.push("goroutine ids unavailable: judged on head-counts, not survivors".to_string());
    }

    // Heap.
    let sites = heap::site_series(snapshots, target);
    let (_, totals) = heap::total_series(snapshots);
    let base_heap = totals.first().copied().unwrap_or(0.0);
    let h_bar = Bar {
        p_max: cfg.p_max,
        min_growth: cfg.min_heap_growth.max(0.05 * base_heap),
        min_samples: cfg.min_samples,
    };
    let growing_sites = heap::growing_sites(&sites, &h_bar);
    // A weaker bar for sites that only support another signal.
    let support_bar = Bar {
        p_max: 0.05,
        min_growth: 64.0 * 1024.0,
        min_samples: cfg.min_samples,
    };
    let supporting = heap::growing_sites(&sites, &support_bar);
    if sites.is_empty() {
        notes.push("no heap profile: memory growth per site not judged".to_string());
    }

    // Fds and HTTP client connections.
    let (ft, fv, fd_source) = resource::fd_series(snapshots);
    // Connection pools legitimately grow to their limit when load rises: demand
    // a growth that is large both in count and against the process's baseline.
    let fd_base = fv.first().copied().unwrap_or(0.0);
    let fd_bar = Bar {
        p_max: cfg.p_max,
        min_growth: cfg.min_fd_growth.max(0.25 * fd_base),
        min_samples: cfg.min_samples,
    };
    let fd_growth = judge(&ft, &fv, &fd_bar);
    let (pt, pv) = resource::persist_conn_series(snapshots);
    let pc_base = pv.first().copied().unwrap_or(0.0);
    let pc_bar = Bar {
        p_max: cfg.p_max,
        min_growth: cfg.min_fd_growth.max(0.25 * pc_base),
        min_samples: cfg.min_samples,
    };
    let pc_growth = judge(&pt, &pv, &pc_bar);
    let loops = snapshots
        .iter()
        .rev()
        .find_map(|s| s.goroutines.as_ref())
        .map(|g| resource::read_loops(g));
    let reclaimed = resource::fds_reclaimed_by_gc(snapshots);

    // 1. Goroutine groups. Goroutines parked in I/O are evidence for a resource leak (step 3).
    let mut goroutine_roots: Vec<String> = Vec::new();
    let mut io_groups: Vec<&GroupGrowth> = Vec::new();
    for g in &growing_groups {
        goroutine_roots.push(function_root(&g.series.key.blocked_at.function).to_string());
        if let Some(root) = goroutine::creator_root(&g.series) {
            goroutine_roots.push(root.to_string());
        }
        if is_resource(g.rule) {
            io_groups.push(g);
            continue;
        }
        push_merged(&mut findings, goroutine_finding(g, g.rule));
    }

    // 2. Heap sites, clustered into leaks. Resource clusters go to step 3.
    let mut resource_sites: Vec<SiteGrowth> = Vec::new();
    for cluster in retention::clusters(growing_sites, &supporting) {
        let explained_by_goroutines = cluster
            .roots()
            .iter()
            .any(|r| goroutine_roots.iter().any(|g| g == r));
        let (rule, location, lead) = retention::rule(&cluster, loops.unwrap_or_default(), source);
        if is_resource(rule) {
            resource_sites.extend(cluster.growing.iter().cloned());
            continue;
        }
        if explained_by_goroutines {
            attach_heap(&mut findings, &cluster.growing);
            continue;
        }
        let per_minute: f64 = cluster.growing.iter().map(|s| s.growth.per_minute()).sum();
        let mut f = Finding::new(
            rule,
            Severity::Leak,
            format!(
                "live heap grows {}/min around {} and survives forced GCs",
                bytes(per_minute),
                short(&lead.series.site)
            ),
        );
        f.location = Some(location);
        f.confidence = cluster
            .growing
            .iter()
            .map(|s| s.growth.confidence())
            .fold(0.0, f64::max);
        f.rate = Some(Rate {
            per_minute,
            unit: "bytes",
        });
        add_sites(&mut f, &cluster.growing);
        for s in cluster.related.iter().take(3) {
            f.evidence
                .facts
                .push(format!("related: {}", heap::describe_site(s)));
        }
        push_merged(&mut findings, f);
    }

    // 3. Resources: fds, HTTP connections, goroutines parked in I/O, resource heap sites — one finding.
    let files = user_files(snapshots, target);
    let evidence = resource::Evidence {
        fds: fd_growth
            .as_ref()
            .map(|g| (g, fd_source, ft.as_slice(), fv.as_slice())),
        persist_conns: pc_growth.as_ref(),
        loops: loops.unwrap_or_default(),
        kinds: resource::fd_kinds(snapshots),
        io_groups: &io_groups,
        growing_sites: &resource_sites,
        supporting: &supporting,
        reclaimed,
        sockets: resource::socket_states(snapshots),
    };
    let resource_found = evidence.any();
    if let Some(f) = resource::finding(&evidence, &files, source) {
        push_merged(&mut findings, f);
    }

    // 4. Memory the Go runtime does not know about.
    let (nt, nv) = resource::non_go_series(snapshots);
    let n_bar = Bar {
        p_max: cfg.p_max,
        min_growth: cfg.min_non_go_growth,
        min_samples: cfg.min_samples,
    };
    if let Some(growth) = judge(&nt, &nv, &n_bar) {
        let heap_growth = judge(&heap::total_series(snapshots).0, &totals, &n_bar);
        // Leaked connections of a driver that allocates outside the Go heap also grow this;
        // without a resource leak, or with C memory the code never frees, it is cgo memory.
        let cgo_in_code = !source.find_rule_in_packages(&files, "cgo-not-freed").is_empty();
        if heap_growth.is_none() && (!resource_found || cgo_in_code) {
            findings.push(non_go_finding(&growth, &nt, &nv, &files, source));
        }
    }

    // 5. Hangover.
    if let Some(probe) = probe
        && let Some(f) = hangover::pool_hangover(probe, target)
    {
        findings.push(f);
    }

    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(b.confidence.total_cmp(&a.confidence))
    });
    let verdict = if findings.iter().any(|f| f.severity == Severity::Leak) {
        Verdict::Leak
    } else if findings.iter().any(|f| f.severity == Severity::Hangover) {
        Verdict::Hangover
    } else {
        Verdict::Healthy
    };
    Report {
        verdict,
        findings,
        notes,
    }
}

pub(crate) fn is_resource(rule: &str) -> bool {
    matches!(
        rule,
        "http-body-not-closed"
            | "client-per-request"
            | "sql-rows-not-closed"
            | "file-not-closed"
            | "pool-of-resources"
    )
}

fn goroutine_finding(g: &GroupGrowth, rule: &'static str) -> Finding {
    let s = &g.series;
    let mut f = Finding::new(
        rule,
        Severity::Leak,
        format!(
            "goroutines blocked [{}] at {} accumulate at {:.0}/min and never leave",
            s.key.state,
            short(&s.key.blocked_at),
            g.growth.per_minute()
        ),
    );
    f.location = Some((&s.key.blocked_at).into());
    f.confidence = g.growth.confidence();
    f.rate = Some(Rate {
        per_minute: g.growth.per_minute(),
        unit: "goroutines",
    });
    f.evidence.facts.push(goroutine::describe(g));
    if let Some(c) = &s.key.created_by {
        f.evidence.facts.push(format!("created by {}", short(c)));
    }
    if s.longest_wait_min > 0 {
        f.evidence
            .facts
            .push(format!("longest wait: {} minutes", s.longest_wait_min));
        f.confidence = f.confidence.max(0.9);
    }
    if s.proven_leaked > 0 {
        f.evidence.facts.push(format!(
            "{} of them proven leaked by the runtime's goroutineleak profile",
            s.proven_leaked
        ));
        f.confidence = 0.99;
    }
    f.evidence.series.push(Series {
        name: format!("goroutines at {} that never left", short(&s.key.blocked_at)),
        unit: "goroutines",
        t: s.t.clone(),
        v: s.survivors.clone(),
    });
    f.evidence.stacks.push(s.stack.clone());
    f
}

fn add_sites(f: &mut Finding, group: &[SiteGrowth]) {
    for s in group.iter().take(5) {
        f.evidence.facts.push(heap::describe_site(s));
        f.evidence.series.push(Series {
            name: format!("inuse_space at {}", short(&s.series.site)),
            unit: "bytes",
            t: s.series.t.clone(),
            v: s.series.bytes.clone(),
        });
        f.evidence.stacks.push(s.series.stack.clone());
    }
}

fn attach_heap(findings: &mut [Finding], group: &[SiteGrowth]) {
    let root = group[0].series.root();
    if let Some(f) = findings.iter_mut().find(|f| {
        f.location
            .as_ref()
            .is_some_and(|l| function_root(&l.function) == root)
            || f.evidence.facts.iter().any(|x| x.contains(root))
    }) {
        for s in group.iter().take(3) {
            f.evidence.facts.push(format!(
                "retained by these goroutines: {}",
                heap::describe_site(s)
            ));
        }
    }
}

/// Adds a finding, folding it into an existing one with the same rule and location.
fn push_merged(findings: &mut Vec<Finding>, f: Finding) {
    if let Some(existing) = findings
        .iter_mut()
        .find(|e| e.rule == f.rule && e.location == f.location)
    {
        existing.evidence.facts.extend(f.evidence.facts);
        existing.evidence.series.extend(f.evidence.series);
        existing.evidence.stacks.extend(f.evidence.stacks);
        if let (Some(a), Some(b)) = (&mut existing.rate, &f.rate)
            && a.unit == b.unit
        {
            a.per_minute += b.per_minute;
        }
        existing.confidence = existing.confidence.max(f.confidence);
        return;
    }
    findings.push(f);
}

fn non_go_finding(
    growth: &crate::growth::Growth,
    t: &[f64],
    v: &[f64],
    files: &[String],
    source: &dyn Source,
) -> Finding {
    let mut f = Finding::new(
        "cgo-not-freed",
        Severity::Leak,
        format!(
            "memory outside the Go heap grows {}/min while the Go heap stays flat",
            bytes(growth.per_minute())
        ),
    );
    f.confidence = growth.confidence();
    f.rate = Some(Rate {
        per_minute: growth.per_minute(),
        unit: "bytes",
    });
    f.evidence
        .facts
        .push(growth.describe("resident memory − Go runtime memory (Sys − HeapReleased)", bytes));
    f.evidence.series.push(Series {
        name: "RSS − Go Sys".into(),
        unit: "bytes",
        t: t.to_vec(),
        v: v.to_vec(),
    });
    // C allocations have no Go stack; the service's own source names the call that is never freed.
    if let Some((file, line, function)) = source
        .find_rule_in_packages(files, "cgo-not-freed")
        .into_iter()
        .next()
    {
        f.evidence.facts.push(format!(
            "the static scanner finds C memory never freed at {file}:{line}"
        ));
        f.location = Some(crate::finding::Location { function, file, line });
    } else {
        f.evidence.facts.push(
            "C allocations have no Go stack; run `leakscope scan` on the service's source to find the call"
                .into(),
        );
    }
    f
}

/// Source files of user frames seen anywhere in the run, most frequent first.
fn user_files(snapshots: &[Snapshot], target: &Target) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let vendors = &target.vendor_prefixes;
    for s in snapshots {
        let stacks = s
            .heap
            .iter()
            .flatten()
            .map(|h| &h.stack)
            .chain(s.goroutines.iter().flatten().map(|g| &g.stack));
        for stack in stacks {
            for f in stack {
                if leakscope_profile::attribution::is_user_function(&f.function, vendors)
                    && retention::is_own_code(&f.file)
                {
                    *seen.entry(f.file.clone()).or_default() += 1;
                }
            }
        }
    }
    let mut files: Vec<(String, usize)> = seen.into_iter().collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.1));
    files.into_iter().map(|(f, _)| f).collect()
}
