//! Dates and times as the reader says them: "1er décembre 2026 à 8 h 29" in French,
//! "1 December 2026 at 08:29" in English, in the reader's time zone (Europe/Paris unless
//! the browser said another, `TIME_ZONE_COOKIE`). The wire carries the text, made here on
//! the server: the wasm never formats a date.
use besace_badges::Lang;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use crate::wire::When;

/// The zone of a reader whose browser did not tell us its own: Besace's learners are in
/// France.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Paris;

/// Where the browser's zone is remembered (set by `/time-zone.js`, read with the request).
pub const TIME_ZONE_COOKIE: &str = "besace_tz";

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How one reader is shown dates: their language and time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reader {
    pub lang: Lang,
    pub zone: Tz,
}

impl Reader {
    pub fn new(lang: Lang, zone: Option<&str>) -> Self {
        let zone = zone
            .and_then(|name| name.parse::<Tz>().ok())
            .unwrap_or(DEFAULT_ZONE);
        Self { lang, zone }
    }

    /// The day something happened, in the reader's zone: "1er décembre 2026".
    pub fn day(&self, at: DateTime<Utc>) -> String {
        self.date(at.with_timezone(&self.zone).date_naive())
    }

    /// A calendar date: "1er décembre 2026", "1 December 2026".
    pub fn date(&self, date: NaiveDate) -> String {
        let month = date.month0() as usize;
        match self.lang {
            // French writes the first of the month as an ordinal ("1er"), the others as numbers.
            Lang::Fr if date.day() == 1 => format!("1er\u{a0}{} {}", MONTHS_FR[month], date.year()),
            Lang::Fr => format!("{}\u{a0}{} {}", date.day(), MONTHS_FR[month], date.year()),
            Lang::En => format!("{}\u{a0}{} {}", date.day(), MONTHS_EN[month], date.year()),
        }
    }

    /// A moment, in the reader's zone: "1er décembre 2026 à 8 h 29", "1 December 2026 at 08:29".
    pub fn moment(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.zone);
        let day = self.date(local.date_naive());
        match self.lang {
            Lang::Fr => format!("{day} à {}\u{a0}h\u{a0}{:02}", local.hour(), local.minute()),
            Lang::En => format!("{day} at {:02}:{:02}", local.hour(), local.minute()),
        }
    }

    /// A moment for a page: `<time datetime>`'s form and the reader's words.
    pub fn when(&self, at: DateTime<Utc>) -> When {
        When {
            iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            text: self.moment(at),
        }
    }

    /// The day of a moment, for a page: the date in the reader's zone, and their words.
    pub fn day_when(&self, at: DateTime<Utc>) -> When {
        When {
            iso: at.with_timezone(&self.zone).date_naive().to_string(),
            text: self.day(at),
        }
    }

    /// The day a badge gives (RFC 3339, or a plain `YYYY-MM-DD`), for a page; text that is
    /// neither is shown as the issuer wrote it (its first ten characters, as ever).
    pub fn day_of(&self, value: &str) -> When {
        if let Ok(at) = DateTime::parse_from_rfc3339(value) {
            return self.day_when(at.to_utc());
        }
        let start: String = value.chars().take(10).collect();
        match NaiveDate::parse_from_str(&start, "%Y-%m-%d") {
            Ok(date) => When {
                iso: date.to_string(),
                text: self.date(date),
            },
            Err(_) => When {
                iso: start.clone(),
                text: start,
            },
        }
    }
}

/// The reader of this request: its page's language and the zone its browser told us.
pub async fn reader() -> Reader {
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .unwrap_or_default();
    reader_of(&headers, None)
}

/// The reader a request's headers describe (`account`: the account's language, if any).
pub fn reader_of(headers: &http::HeaderMap, account: Option<&str>) -> Reader {
    let zone = crate::request::cookie(headers, TIME_ZONE_COOKIE);
    Reader::new(crate::request::lang_of_request(headers, account), zone.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn french_and_english_in_paris_time() {
        let fr = Reader::new(Lang::Fr, None);
        let en = Reader::new(Lang::En, None);
        // 07:29 UTC in winter is 08:29 in Paris; in summer 09:29.
        assert_eq!(
            fr.moment(at("2026-12-01T07:29:00Z")),
            "1er\u{a0}décembre 2026 à 8\u{a0}h\u{a0}29"
        );
        assert_eq!(
            en.moment(at("2026-12-01T07:29:00Z")),
            "1\u{a0}December 2026 at 08:29"
        );
        assert_eq!(
            fr.moment(at("2026-07-14T07:29:00Z")),
            "14\u{a0}juillet 2026 à 9\u{a0}h\u{a0}29"
        );
        // Late in the evening UTC is already the next day in Paris.
        assert_eq!(fr.day(at("2026-02-28T23:30:00Z")), "1er\u{a0}mars 2026");
        assert_eq!(
            en.date(NaiveDate::from_ymd_opt(2026, 8, 15).unwrap()),
            "15\u{a0}August 2026"
        );
    }

    #[test]
    fn the_browser_zone_is_used_when_known_and_nonsense_is_ignored() {
        let montreal = Reader::new(Lang::Fr, Some("America/Montreal"));
        assert_eq!(
            montreal.moment(at("2026-12-01T07:29:00Z")),
            "1er\u{a0}décembre 2026 à 2\u{a0}h\u{a0}29"
        );
        for hostile in ["", "Mars/Olympus", "<script>", "Europe/Paris\n"] {
            assert_eq!(
                Reader::new(Lang::En, Some(hostile)).zone,
                DEFAULT_ZONE,
                "{hostile:?}"
            );
        }
        let en = Reader::new(Lang::En, None);
        assert_eq!(en.day_of("not a date").text, "not a date");
        assert_eq!(en.day_of("2026-10-01").text, "1\u{a0}October 2026");
        assert_eq!(en.day_of("2026-09-30T23:00:00Z").iso, "2026-10-01");
    }
}
