//! Trend statistics: Theil–Sen slope and the Mann–Kendall trend test.
//!
//! Both are rank-based, so a single GC hiccup or a burst cannot fake a trend
//! the way a least-squares fit can. Checked against pymannkendall/scipy values
//! (see the tests).

/// A trend over a series: robust slope and its significance.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Trend {
    /// Theil–Sen slope, in units of y per unit of x.
    pub slope: f64,
    /// Theil–Sen intercept (scipy's convention: median(y) − slope·median(x)).
    pub intercept: f64,
    /// Mann–Kendall S statistic.
    pub s: f64,
    /// Tie-corrected variance of S.
    pub var_s: f64,
    /// Continuity-corrected z score of S.
    pub z: f64,
    /// One-sided p-value for an increasing trend.
    pub p_increasing: f64,
}

/// Computes the trend of `y` over `x`. Returns `None` with fewer than three
/// points or when every x is the same.
pub fn trend(x: &[f64], y: &[f64]) -> Option<Trend> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let (x, y) = (&x[..n], &y[..n]);
    let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
    let mut s = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[j] - x[i];
            if dx != 0.0 {
                slopes.push((y[j] - y[i]) / dx);
            }
            s += sign(y[j] - y[i]) * sign(x[j] - x[i]);
        }
    }
    if slopes.is_empty() {
        return None;
    }
    let slope = median(&mut slopes);
    let intercept = median(&mut y.to_vec()) - slope * median(&mut x.to_vec());
    let var_s = mk_variance(y);
    let z = if var_s <= 0.0 {
        0.0
    } else if s > 0.0 {
        (s - 1.0) / var_s.sqrt()
    } else if s < 0.0 {
        (s + 1.0) / var_s.sqrt()
    } else {
        0.0
    };
    Some(Trend {
        slope,
        intercept,
        s,
        var_s,
        z,
        p_increasing: 1.0 - normal_cdf(z),
    })
}

fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of tied values.
fn mk_variance(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mut sorted = y.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && sorted[j] == sorted[i] {
            j += 1;
        }
        let t = (j - i) as f64;
        ties += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j;
    }
    (n * (n - 1.0) * (2.0 * n + 5.0) - ties) / 18.0
}

/// Median of a non-empty slice (reorders it).
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64).collect()
    }

    /// Expected values from pymannkendall 1.4 `original_test` (two-sided p) and scipy `theilslopes`.
    #[test]
    fn matches_reference_implementations() {
        // (series, S, Var(S), z, two-sided p, slope, intercept)
        type Case<'a> = (&'a [f64], f64, f64, f64, f64, f64, f64);
        let cases: &[Case] = &[
            (
                &[1., 2., 3., 5., 4., 6., 8., 7., 9., 10.],
                41.0,
                125.0,
                3.577708764,
                0.00034661935113455833,
                1.0,
                1.0,
            ),
            (
                &[5., 5., 5., 5., 6., 6., 6., 5., 5., 5.],
                3.0,
                77.0,
                0.227921153,
                0.8197075378297882,
                0.0,
                5.0,
            ),
            (
                &[10., 9., 9., 8., 9., 7., 7., 6., 5., 6.],
                -36.0,
                119.333333,
                -3.203960538,
                0.0013555105460927308,
                -0.5,
                9.75,
            ),
            (
                &[1., 1., 2., 2., 3., 3., 3., 4., 4., 5., 5., 5.],
                57.0,
                202.333333,
                3.936899323,
                8.254121545103743e-05,
                0.4,
                0.8,
            ),
        ];
        for &(y, s, var_s, z, p_two, slope, intercept) in cases {
            let t = trend(&idx(y.len()), y).unwrap();
            assert_eq!(t.s, s, "{y:?}");
            assert!((t.var_s - var_s).abs() < 1e-5, "{y:?}: var {}", t.var_s);
            assert!((t.z - z).abs() < 1e-8, "{y:?}: z {}", t.z);
            let two_sided = 2.0 * (1.0 - normal_cdf(t.z.abs()));
            assert!(
                (two_sided - p_two).abs() < 1e-6,
                "{y:?}: p {two_sided} want {p_two}"
            );
            assert!((t.slope - slope).abs() < 1e-12, "{y:?}: slope {}", t.slope);
            assert!(
                (t.intercept - intercept).abs() < 1e-9,
                "{y:?}: intercept {}",
                t.intercept
            );
        }
    }

    #[test]
    fn flat_and_short_series() {
        assert!(trend(&[1.0, 2.0], &[1.0, 2.0]).is_none());
        assert!(trend(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_none());
        let t = trend(&idx(5), &[3.0; 5]).unwrap();
        assert_eq!(t.slope, 0.0);
        assert!(t.p_increasing > 0.4, "{}", t.p_increasing);
    }

    #[test]
    fn one_outlier_does_not_make_a_trend() {
        let y = [10.0, 10.0, 10.0, 500.0, 10.0, 10.0, 10.0, 10.0];
        let t = trend(&idx(y.len()), &y).unwrap();
        assert_eq!(t.slope, 0.0);
        assert!(t.p_increasing > 0.05);
    }
}
