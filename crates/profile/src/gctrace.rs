//! `GODEBUG=gctrace=1` lines → the post-GC live heap of every cycle.
//!
//! The runtime (`gcMarkTermination` in runtime/mgc.go) prints one line per cycle:
//!
//! ```text
//! gc 7 @1.234s 2%: 0.021+1.5+0.004 ms clock, 0.086+0.2/1.3/2.9+0.018 ms cpu, 4->4->1 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)
//! ```
//!
//! `A->B->C MB` is the heap at the start and end of the cycle and the heap
//! marked live; C is what DESIGN §6 judges memory on. Sizes are whole MiB
//! (the runtime shifts by 20). Older runtimes omit `stacks`/`globals`; a leak
//! check cycle adds `(checking for goroutine leaks)`. Other lines of the same
//! stderr are skipped.
//!
//! ```
//! let log = b"listening\ngc 1 @0.019s 1%: 0.010+0.36+0.002 ms clock, 0.041+0.12/0.25/0.31+0.010 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 4 P\n";
//! let t = leakscope_profile::gctrace::parse_gctrace(log).unwrap();
//! assert_eq!(t.cycles[0].live_mb, 0);
//! ```

/// One GC cycle.
#[derive(Clone, Debug, PartialEq)]
pub struct GcCycle {
    /// `gc N`.
    pub number: u64,
    /// `@Ts`: seconds since the program started.
    pub at_seconds: f64,
    /// `P%`: share of CPU spent in GC since start.
    pub cpu_percent: u32,
    /// Wall-clock ms of sweep termination + mark + mark termination.
    pub clock_ms: f64,
    /// Heap at the start of the cycle, MiB.
    pub heap_start_mb: u64,
    /// Heap at the end of the cycle, MiB.
    pub heap_end_mb: u64,
    /// Heap marked live, MiB: the post-GC live heap.
    pub live_mb: u64,
    /// Heap goal, MiB.
    pub goal_mb: u64,
    /// Scannable stack size, MiB (Go 1.18+).
    pub stacks_mb: Option<u64>,
    /// Scannable globals size, MiB (Go 1.18+).
    pub globals_mb: Option<u64>,
    /// Processors used.
    pub procs: u32,
    /// `(forced)`: started by `runtime.GC()` or `debug.FreeOSMemory()`.
    pub forced: bool,
    /// `(checking for goroutine leaks)`: a goroutineleak profile's collection.
    pub leak_check: bool,
}

impl GcCycle {
    /// The live heap after this cycle, in bytes (a lower bound: the runtime rounds down to MiB).
    pub fn live_bytes(&self) -> u64 {
        self.live_mb.saturating_mul(1 << 20)
    }
}

/// All cycles found in a text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GcTrace {
    /// Cycles in the order printed.
    pub cycles: Vec<GcCycle>,
    /// Lines that start like a gctrace line (`gc N @`) but could not be read (cut, interleaved).
    pub unreadable: u64,
}

impl GcTrace {
    /// `(seconds since start, live heap bytes)` per cycle: the series memory is judged on.
    pub fn live_heap_series(&self) -> Vec<(f64, u64)> {
        self.cycles
            .iter()
            .map(|c| (c.at_seconds, c.live_bytes()))
            .collect()
    }
}

/// Finds gctrace lines in `bytes` (any other text around them is skipped);
/// `None` if there is none.
pub fn parse_gctrace(bytes: &[u8]) -> Option<GcTrace> {
    let mut trace = GcTrace::default();
    for raw in bytes.split(|&b| b == b'\n') {
        if !raw.starts_with(b"gc ") {
            continue;
        }
        let line = String::from_utf8_lossy(raw);
        let line = line.trim_end();
        if !looks_like_gctrace(line) {
            continue;
        }
        match parse_line(line) {
            Some(cycle) => trace.cycles.push(cycle),
            None => trace.unreadable += 1,
        }
    }
    (!trace.cycles.is_empty()).then_some(trace)
}

/// `gc <digits> @`.
fn looks_like_gctrace(line: &str) -> bool {
    line.strip_prefix("gc ")
        .and_then(|r| r.split_once(' '))
        .is_some_and(|(n, rest)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with('@')
        })
}

fn parse_line(line: &str) -> Option<GcCycle> {
    let rest = line.strip_prefix("gc ")?;
    let (number, rest) = rest.split_once(" @")?;
    let (at, rest) = rest.split_once("s ")?;
    let (percent, rest) = rest.split_once('%')?;
    let leak_check = rest.starts_with(" (checking for goroutine leaks)");
    let (_, rest) = rest.split_once(": ")?;
    let mut cycle = GcCycle {
        number: number.parse().ok()?,
        at_seconds: at.parse().ok().filter(|v: &f64| v.is_finite())?,
        cpu_percent: percent.parse().ok()?,
        clock_ms: 0.0,
        heap_start_mb: 0,
        heap_end_mb: 0,
        live_mb: 0,
        goal_mb: 0,
        stacks_mb: None,
        globals_mb: None,
        procs: 0,
        forced: false,
        leak_check,
    };
    let (mut heap, mut goal, mut procs) = (false, false, false);
    for part in rest.split(", ") {
        if let Some(clock) = part.strip_suffix(" ms clock") {
            cycle.clock_ms = clock
                .split('+')
                .map(|v| v.parse::<f64>().ok())
                .sum::<Option<f64>>()?;
        } else if part.ends_with(" ms cpu") {
            // CPU components are not needed for leak judgement.
        } else if let Some(sizes) = part.strip_suffix(" MB").filter(|s| s.contains("->")) {
            let mut it = sizes.split("->").map(|v| v.parse::<u64>().ok());
            (cycle.heap_start_mb, cycle.heap_end_mb, cycle.live_mb) = (it.next()??, it.next()??, it.next()??);
            heap = it.next().is_none();
        } else if let Some(v) = part.strip_suffix(" MB goal") {
            cycle.goal_mb = v.parse().ok()?;
            goal = true;
        } else if let Some(v) = part.strip_suffix(" MB stacks") {
            cycle.stacks_mb = Some(v.parse().ok()?);
        } else if let Some(v) = part.strip_suffix(" MB globals") {
            cycle.globals_mb = Some(v.parse().ok()?);
        } else {
            let (p, forced) = match part.strip_suffix(" (forced)") {
                Some(p) => (p, true),
                None => (part, false),
            };
            cycle.procs = p.strip_suffix(" P")?.parse().ok()?;
            cycle.forced = forced;
            procs = true;
        }
    }
    (heap && goal && procs).then_some(cycle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORCED: &str = "gc 12 @3.504s 0%: 0.031+0.52+0.004 ms clock, 0.12+0/0.40/0.58+0.016 ms cpu, 5->5->2 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 4 P (forced)";

    #[test]
    fn reads_the_runtime_line() {
        let c = parse_line(FORCED).unwrap();
        assert_eq!((c.number, c.cpu_percent, c.procs, c.forced), (12, 0, 4, true));
        assert_eq!(
            (c.heap_start_mb, c.heap_end_mb, c.live_mb, c.goal_mb),
            (5, 5, 2, 8)
        );
        assert_eq!((c.stacks_mb, c.globals_mb), (Some(0), Some(0)));
        assert!((c.at_seconds - 3.504).abs() < 1e-9 && (c.clock_ms - 0.555).abs() < 1e-9);
        let old = "gc 1 @0.004s 2%: 0.006+0.34+0.019 ms clock, 0.025+0.062/0.11/0.21+0.078 ms cpu, 4->4->0 MB, 5 MB goal, 4 P";
        assert_eq!(parse_line(old).unwrap().stacks_mb, None);
        let leak = FORCED.replace("0%:", "0% (checking for goroutine leaks):");
        assert!(parse_line(&leak).unwrap().leak_check);
    }

    #[test]
    fn skips_other_text_and_counts_cut_lines() {
        let log = format!(
            "starting\ngc 1 is not a cycle\n{FORCED}\n{}\nscvg: 0 MB released\n",
            &FORCED[..40]
        );
        let t = parse_gctrace(log.as_bytes()).unwrap();
        assert_eq!((t.cycles.len(), t.unreadable), (1, 1));
        assert_eq!(t.live_heap_series()[0].1, 2 << 20);
        assert!(parse_gctrace(b"gc 1 is not a cycle\n").is_none());
        assert!(parse_gctrace(b"\xff\xfe").is_none());
    }
}
