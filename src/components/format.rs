//! How numbers and times read on a page: one place, so every page writes them alike.

/// "2020-12-20T09:00:00Z" → "2020-12-20 09:00" (as written, without seconds and zone marks).
pub fn human_time(t: &str) -> String {
    let t = t.replace('T', " ");
    t.chars().take(16).collect()
}

/// A rate 0–1 as a percentage with one decimal, rounded as everywhere
/// ([`crate::results::percent1`]).
pub fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}%", crate::results::percent1(v)))
        .unwrap_or_else(|| "—".into())
}

/// One decimal ([`crate::results::round1`]), or a dash.
pub fn fmt1(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}", crate::results::round1(v)))
        .unwrap_or_else(|| "—".into())
}

/// A weight without a needless ".0".
pub fn fmt_weight(w: f64) -> String {
    if w.fract() == 0.0 {
        format!("{w:.0}")
    } else {
        format!("{w}")
    }
}
