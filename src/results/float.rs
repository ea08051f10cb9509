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
