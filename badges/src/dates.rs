//! Dates as issuers write them: ISO 8601 / RFC 3339 (with or without offset), plain
//! dates, and Unix timestamps (Open Badges 0.5–2.0 allow them).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// Parses a date value; `None` if it is not a date.
pub fn parse(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Number(n) => n.as_i64().and_then(|s| Utc.timestamp_opt(s, 0).single()),
        Value::String(s) => parse_str(s),
        _ => None,
    }
}

pub fn parse_str(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .and_then(|t| Utc.timestamp_opt(t, 0).single());
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.and_utc());
        }
    }
    if let Ok(d) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(d.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// How far in the future an issue date may be (clock skew between servers).
pub const CLOCK_SKEW_SECONDS: i64 = 300;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_issuers_use() {
        let want = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
        for v in [
            serde_json::json!("2024-03-01T00:00:00Z"),
            serde_json::json!("2024-03-01T01:00:00+01:00"),
            serde_json::json!("2024-03-01"),
            serde_json::json!("2024-03-01T00:00:00"),
            serde_json::json!("2024-03-01T00:00:00.000+0000"),
            serde_json::json!(1709251200),
            serde_json::json!("1709251200"),
        ] {
            assert_eq!(parse(&v), Some(want), "{v}");
        }
        assert_eq!(parse(&serde_json::json!("yesterday")), None);
        assert_eq!(parse(&serde_json::json!(true)), None);
    }
}
