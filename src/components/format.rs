//! How numbers and times read on a page: one place, so every page writes them alike.

/// A stored instant (RFC 3339, in UTC or with its offset) as people here read it: in Beijing
/// time, to the minute: "2020-12-20T01:00:00Z" → "2020-12-20 09:00". For a table whose heading
/// says 北京时间; prose uses [`human_time_zh`]. Text that does not read as RFC 3339 is shown as
/// written, without seconds.
pub fn human_time(t: &str) -> String {
    match crate::clock::stored_in_beijing(t) {
        Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
        None => t.replace('T', " ").chars().take(16).collect(),
    }
}

/// [`human_time`] saying which clock: "2020-12-20 09:00（北京时间）".
pub fn human_time_zh(t: &str) -> String {
    format!("{}（北京时间）", human_time(t))
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

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn times_read_in_beijing_time_whatever_the_stored_offset() {
        assert_eq!(human_time("2020-12-20T01:00:00Z"), "2020-12-20 09:00");
        assert_eq!(human_time("2020-12-20T09:00:00+08:00"), "2020-12-20 09:00");
        // Late in the UTC day is the next day in Beijing.
        assert_eq!(human_time("2020-12-31T18:30:00+00:00"), "2021-01-01 02:30");
        assert_eq!(
            human_time_zh("2020-12-20T01:00:00Z"),
            "2020-12-20 09:00（北京时间）"
        );
        // Not a time the server wrote: shown as written, never a panic.
        assert_eq!(
            human_time("2020-12-20T09:00:59 whatever"),
            "2020-12-20 09:00"
        );
        assert_eq!(human_time(""), "");
    }
}
