//! Float guards shared by the figures: NaN and infinities never leave the engine, and the
//! checks of a percentage and of a weight.

/// `Some(x)` for a finite `x`: NaN and infinities never leave the engine.
pub(super) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

pub(super) fn mean(sum: f64, count: usize) -> Option<f64> {
    if count == 0 {
        None
    } else {
        finite(sum / count as f64)
    }
}

pub(super) fn is_percent(x: f64) -> bool {
    x.is_finite() && (0.0..=100.0).contains(&x)
}

pub(super) fn is_non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

/// A figure as people read it, wherever they read it (pages, the report, the exports, the
/// command line): one decimal, halves away from zero (84.6154 → 84.6, 84.65 → 84.7, −0 → 0).
/// The engine keeps full precision; only what is shown is rounded, and always by this.
pub fn round1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 { 0.0 } else { r }
}

/// A rate 0–1 as the percentage people read: `round1(rate × 100)` (0.846154 → 84.6).
pub fn percent1(rate: f64) -> f64 {
    round1(rate * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rounding_for_every_figure_shown() {
        assert_eq!(round1(84.6154), 84.6);
        assert_eq!(round1(84.65), 84.7);
        assert_eq!(round1(84.75), 84.8);
        assert_eq!(round1(-0.04), 0.0);
        assert!(round1(-0.04).is_sign_positive());
        assert_eq!(round1(100.0), 100.0);
        assert_eq!(percent1(11.0 / 13.0), 84.6);
        assert_eq!(percent1(2.0 / 3.0), 66.7);
        // Halves go up: 7 of 8 is 87.5 exactly, 1 of 16 is 6.25 → 6.3.
        assert_eq!(percent1(1.0 / 16.0), 6.3);
        // Formatting the rounded figure gives the digits people read, never a second rounding.
        assert_eq!(format!("{:.1}", percent1(1.0 / 16.0)), "6.3");
    }
}
