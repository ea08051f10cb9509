//! Time: one clock for the server, and Beijing time (UTC+8), in which the office reads and
//! writes times. Instants are stored as RFC 3339 text in UTC.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};

/// Beijing time (UTC+8).
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Now, from the one clock.
#[cfg(feature = "ssr")]
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Now as stored: RFC 3339 in UTC, whole seconds (`2020-12-20T01:00:00Z`).
#[cfg(feature = "ssr")]
pub fn now_text() -> String {
    stored(now())
}

/// Today in Beijing time: the day every deadline and reporting month is read against.
#[cfg(feature = "ssr")]
pub fn today() -> chrono::NaiveDate {
    now().with_timezone(&beijing()).date_naive()
}

/// An instant as stored.
pub fn stored(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A stored instant (RFC 3339, in UTC or with its offset) in Beijing time; `None` for text that
/// is not one. Every page that shows a stored time reads it through this.
pub fn stored_in_beijing(stored: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(stored.trim())
        .ok()
        .map(|t| t.with_timezone(&beijing()))
}

/// `minutes` after a stored instant; `None` for text that is not one.
pub fn minutes_after(stored: &str, minutes: u32) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stored.trim())
        .ok()
        .map(|t| t.to_utc() + chrono::Duration::minutes(i64::from(minutes)))
}

/// A day as an official document writes it, in Beijing time: `2020年12月20日`.
pub fn date_zh(t: DateTime<Utc>) -> String {
    t.with_timezone(&beijing())
        .format("%Y年%-m月%-d日")
        .to_string()
}

/// An instant to the second, in Beijing time, saying so: `2020-12-20 09:00:00（北京时间）`.
pub fn time_zh(t: DateTime<Utc>) -> String {
    t.with_timezone(&beijing())
        .format("%Y-%m-%d %H:%M:%S（北京时间）")
        .to_string()
}

/// `2020-12-20T09:00` (a `datetime-local` field, Beijing time) as RFC 3339; blank is `None`.
pub fn local_time(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let t = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("时间“{raw}”的格式不对，应为 2020-12-20T09:00。"))?;
    let t = t
        .and_local_timezone(beijing())
        .single()
        .ok_or_else(|| format!("时间“{raw}”无效。"))?;
    Ok(Some(t.to_rfc3339()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_after_a_stored_instant() {
        let end = minutes_after("2020-12-20T01:00:00Z", 15).unwrap();
        assert_eq!(stored(end), "2020-12-20T01:15:00Z");
        // An offset is read as such; text that is not an instant gives nothing.
        let end = minutes_after("2020-12-20T09:00:00+08:00", 0).unwrap();
        assert_eq!(stored(end), "2020-12-20T01:00:00Z");
        assert_eq!(minutes_after("昨天", 15), None);
    }

    #[test]
    fn beijing_times_become_rfc3339() {
        assert_eq!(
            local_time("2020-12-20T09:00"),
            Ok(Some("2020-12-20T09:00:00+08:00".to_string()))
        );
        assert_eq!(local_time(" "), Ok(None));
        assert!(local_time("12/20/2020").unwrap_err().contains("格式不对"));
    }

    #[test]
    fn a_late_utc_evening_is_the_next_day_in_beijing() {
        let t = DateTime::parse_from_rfc3339("2020-12-20T17:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date_zh(t), "2020年12月21日");
        assert_eq!(stored(t), "2020-12-20T17:00:00Z");
    }
}
