//! The answer of `POST /api/badges/import` (README, "Backpack API"): one result per field,
//! written by the server and read by the import island.
use super::badges::{Format, Proof, Status};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportAnswer {
    pub results: Vec<ImportResult>,
}

/// What became of one field: its file name (or `url`, `text`) and the outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub file: String,
    #[serde(flatten)]
    pub outcome: ImportOutcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    Added {
        badge: BadgeEntry,
    },
    /// The same bytes, or the same assertion or credential id, is already this badge.
    Already {
        badge_id: i64,
    },
    Refused {
        report: RefusalReport,
        /// Genuine, but issued to an address the account does not count (yet).
        wrong_recipient: bool,
        /// The learner's own address still waiting for its link.
        awaiting_confirmation: Option<String>,
        /// The address to add (only when the badge states it in clear).
        issued_to: Option<String>,
    },
    TooLarge {
        max_bytes: usize,
    },
}

/// A badge as the backpack API lists it (`GET /api/badges`) and as an import adds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgeEntry {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    /// Times are RFC 3339 in UTC, as [`rfc3339`] writes them (text on the wire: the island
    /// never reads them, and parsing dates would weigh on the wasm).
    pub issued_on: Option<String>,
    pub expires: Option<String>,
    pub status: Status,
    pub spec: Format,
    pub sha256: String,
    pub media_type: String,
    /// The owner-only image URL, when the badge has a picture.
    pub image: Option<String>,
    pub verified_at: String,
    pub received_at: String,
}

/// A time as the backpack API writes it: RFC 3339, UTC, `Z`, only the fraction it has.
#[cfg(feature = "ssr")]
pub fn rfc3339(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The verification report of a refused badge, in the page's language (docs/CONTRACTS.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusalReport {
    pub valid: bool,
    pub spec: Option<Format>,
    pub method: Option<Proof>,
    pub checks: Vec<ReportCheck>,
    pub errors: Vec<String>,
    /// The rest of the report (`recipient`, `badge`), as the contract describes it: the
    /// island does not read it.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportCheck {
    pub id: String,
    pub ok: bool,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(feature = "ssr")]
impl RefusalReport {
    /// The report, messages in `lang`.
    pub fn of(report: &besace_badges::Report, lang: besace_badges::Lang) -> Self {
        Self {
            valid: report.valid(),
            spec: report
                .spec
                .map(|spec| besace_core::badges::BadgeSpec::from(spec).into()),
            method: report
                .method
                .map(|method| besace_core::badges::BadgeMethod::from(method).into()),
            checks: report
                .checks
                .iter()
                .map(|check| ReportCheck {
                    id: check.id.as_str().to_owned(),
                    ok: check.ok,
                    message: check.id.message(lang, check.ok).to_owned(),
                    detail: check.detail.clone(),
                })
                .collect(),
            errors: report.errors(lang),
            rest: [
                ("recipient".to_owned(), json(&report.recipient)),
                ("badge".to_owned(), json(&report.badge)),
            ]
            .into_iter()
            .collect(),
        }
    }
}

#[cfg(feature = "ssr")]
fn json(part: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(part).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON the README documents, field by field.
    #[test]
    fn outcomes_have_the_documented_shape() {
        let refused = ImportResult {
            file: "badge.png".into(),
            outcome: ImportOutcome::Refused {
                report: RefusalReport {
                    valid: false,
                    spec: Some(Format::Ob2),
                    method: None,
                    checks: vec![],
                    errors: vec!["x".into()],
                    rest: Default::default(),
                },
                wrong_recipient: true,
                awaiting_confirmation: None,
                issued_to: Some("a@b.example".into()),
            },
        };
        let json = serde_json::to_value(&refused).unwrap();
        assert_eq!(json["file"], "badge.png");
        assert_eq!(json["outcome"], "refused");
        assert_eq!(json["report"]["spec"], "ob2");
        assert_eq!(json["wrong_recipient"], true);
        assert_eq!(json["issued_to"], "a@b.example");
        let too_large = serde_json::to_value(ImportResult {
            file: "url".into(),
            outcome: ImportOutcome::TooLarge { max_bytes: 5 },
        })
        .unwrap();
        assert_eq!(
            too_large,
            serde_json::json!({"file": "url", "outcome": "too_large", "max_bytes": 5})
        );
        assert_eq!(serde_json::from_value::<ImportResult>(json).unwrap(), refused);
    }
}
