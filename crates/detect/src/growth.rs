//! "Does this series keep growing?" — the one judgement every detector makes.
//!
//! A series grows when (1) the Mann–Kendall test says the increase is not
//! noise, (2) it grew by at least a minimum amount that matters, and (3) it is
//! still growing in the second half of the window — a cache that fills and
//! then stays flat, or a warm-up, is not a leak.

use serde::Serialize;

use crate::stats::{Trend, median, trend};

/// Thresholds for [`judge`].
#[derive(Clone, Copy, Debug)]
pub struct Bar {
    /// One-sided Mann–Kendall p-value the whole series must beat.
    pub p_max: f64,
    /// Minimum growth between the start and the end of the series.
    pub min_growth: f64,
    /// Minimum number of samples.
    pub min_samples: usize,
}

/// Why a series counts as growing.
#[derive(Clone, Debug, Serialize)]
pub struct Growth {
    /// Trend over the whole series.
    pub trend: Trend,
    /// Trend over the second half.
    pub tail: Option<Trend>,
    /// Median of the first three values.
    pub start: f64,
    /// Median of the last three values.
    pub end: f64,
    /// Number of samples.
    pub samples: usize,
    /// Seconds covered.
    pub span_s: f64,
}

impl Growth {
    /// Theil–Sen slope per minute.
    pub fn per_minute(&self) -> f64 {
        self.trend.slope * 60.0
    }

    /// 0.5..1: higher with a smaller p-value and more samples.
    pub fn confidence(&self) -> f64 {
        let p = self.trend.p_increasing.max(1e-12);
        let strength = (-p.log10() / 6.0).min(1.0);
        let samples = (self.samples as f64 / 12.0).min(1.0);
        (0.5 + 0.5 * strength * samples).min(0.99)
    }

    /// The facts line shown as evidence.
    pub fn describe(&self, what: &str, fmt: impl Fn(f64) -> String) -> String {
        format!(
            "{what}: {} → {} in {:.0} s ({}{}/min Theil–Sen, Mann–Kendall p={}, {} samples)",
            fmt(self.start),
            fmt(self.end),
            self.span_s,
            if self.trend.slope >= 0.0 { "+" } else { "" },
            fmt(self.trend.slope * 60.0),
            format_p(self.trend.p_increasing),
            self.samples
        )
    }
}

/// `p<0.001` style.
pub fn format_p(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// Judges whether `v` over times `t` keeps growing.
pub fn judge(t: &[f64], v: &[f64], bar: &Bar) -> Option<Growth> {
    let n = t.len().min(v.len());
    if n < bar.min_samples.max(4) {
        return None;
    }
    let whole = trend(&t[..n], &v[..n])?;
    if whole.slope <= 0.0 || whole.p_increasing > bar.p_max {
        return None;
    }
    let k = 3.min(n);
    let start = median(&mut v[..k].to_vec());
    let end = median(&mut v[n - k..n].to_vec());
    if end - start < bar.min_growth {
        return None;
    }
    // Still growing in the second half: a plateau has a flat tail.
    let half = n / 2;
    let tail = trend(&t[half..n], &v[half..n]);
    if let Some(tail) = &tail {
        let tail_growth = v[n - 1].max(end) - v[half];
        if tail.slope < 0.3 * whole.slope || tail_growth < 0.25 * (end - start) || tail.p_increasing > 0.2 {
            return None;
        }
    }
    Some(Growth {
        trend: whole,
        tail,
        start,
        end,
        samples: n,
        span_s: t[n - 1] - t[0],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAR: Bar = Bar {
        p_max: 0.01,
        min_growth: 10.0,
        min_samples: 6,
    };

    fn t(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64 * 3.0).collect()
    }

    #[test]
    fn linear_leak_grows() {
        let v: Vec<f64> = (0..20)
            .map(|i| 100.0 + 5.0 * i as f64 + if i % 3 == 0 { 4.0 } else { 0.0 })
            .collect();
        let g = judge(&t(20), &v, &BAR).unwrap();
        assert!(
            g.per_minute() > 90.0 && g.per_minute() < 110.0,
            "{}",
            g.per_minute()
        );
        assert!(g.confidence() > 0.9);
    }

    #[test]
    fn plateau_is_not_growth() {
        let v: Vec<f64> = (0..20).map(|i| 100.0 + 10.0 * (i.min(8) as f64)).collect();
        assert!(judge(&t(20), &v, &BAR).is_none());
    }

    #[test]
    fn flat_noise_and_tiny_growth_are_not_growth() {
        let noise: Vec<f64> = (0..20).map(|i| 100.0 + ((i * 7) % 5) as f64).collect();
        assert!(judge(&t(20), &noise, &BAR).is_none());
        let tiny: Vec<f64> = (0..20).map(|i| 100.0 + 0.3 * i as f64).collect();
        assert!(judge(&t(20), &tiny, &BAR).is_none());
    }

    #[test]
    fn too_few_samples() {
        assert!(judge(&t(4), &[1.0, 50.0, 100.0, 150.0], &BAR).is_none());
    }
}
