//! The answer of `POST /api/badges/import` (README, "Backpack API"): one result per field,
//! written by the server and read by the import island.
use super::badges::{Format, Proof, Status};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportAnswer {
    pub results: Vec<ImportResult>,
}

/// What became of one field: its file name (or `url`, `text`) and the outcome. On the wire
/// it is one flat object, `{"file", "outcome", …}` (written through [`FlatResult`]: plain
/// fields keep the island's wasm small, where a tagged, flattened enum would not).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "FlatResult", try_from = "FlatResult")]
pub struct ImportResult {
    pub file: String,
    pub outcome: ImportOutcome,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportOutcome {
    Added {
        badge: BadgeEntry,
    },
    /// The same bytes, or the same assertion or credential id, is already this badge.
    Already {
        badge_id: i64,
    },
    /// Genuine, issued to this address of the learner's that waits for its link: it goes
    /// into the backpack by itself once the address is confirmed.
    Waiting {
        awaiting_confirmation: String,
        /// What it waits for and what to do, in the page's language.
        why: String,
    },
    Refused {
        report: RefusalReport,
        /// What happened, as a closed set.
        reason: RefusalReason,
        /// What happened and what to do, in the page's language.
        why: String,
        /// Whether sending the same badge again can give another answer.
        retry: bool,
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

/// Why a badge was refused (`core::refusals::Refusal`, without the addresses, which are
/// fields of their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    ConfirmAddress,
    AddAddress,
    AnotherAddress,
    PlainPicture,
    Document,
    NotABadge,
    Damaged,
    Unreachable,
    NotFound,
    DemoIssuer,
    NotGenuine,
    Incomplete,
}

/// The names of the outcomes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeName {
    Added,
    Already,
    Waiting,
    Refused,
    TooLarge,
}

/// [`ImportResult`] as JSON: each outcome fills its own fields.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FlatResult {
    file: String,
    outcome: Option<OutcomeName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    badge: Option<BadgeEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    badge_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    report: Option<RefusalReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<RefusalReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    why: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wrong_recipient: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    awaiting_confirmation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issued_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_bytes: Option<usize>,
}

impl From<ImportResult> for FlatResult {
    fn from(result: ImportResult) -> Self {
        let file = result.file;
        match result.outcome {
            ImportOutcome::Added { badge } => Self {
                file,
                outcome: Some(OutcomeName::Added),
                badge: Some(badge),
                ..Default::default()
            },
            ImportOutcome::Already { badge_id } => Self {
                file,
                outcome: Some(OutcomeName::Already),
                badge_id: Some(badge_id),
                ..Default::default()
            },
            ImportOutcome::Waiting {
                awaiting_confirmation,
                why,
            } => Self {
                file,
                outcome: Some(OutcomeName::Waiting),
                awaiting_confirmation: Some(awaiting_confirmation),
                why: Some(why),
                ..Default::default()
            },
            ImportOutcome::Refused {
                report,
                reason,
                why,
                retry,
                wrong_recipient,
                awaiting_confirmation,
                issued_to,
            } => Self {
                file,
                outcome: Some(OutcomeName::Refused),
                report: Some(report),
                reason: Some(reason),
                why: Some(why),
                retry: Some(retry),
                wrong_recipient: Some(wrong_recipient),
                awaiting_confirmation,
                issued_to,
                ..Default::default()
            },
            ImportOutcome::TooLarge { max_bytes } => Self {
                file,
                outcome: Some(OutcomeName::TooLarge),
                max_bytes: Some(max_bytes),
                ..Default::default()
            },
        }
    }
}

impl TryFrom<FlatResult> for ImportResult {
    type Error = &'static str;

    fn try_from(flat: FlatResult) -> Result<Self, Self::Error> {
        let outcome = match flat.outcome {
            Some(OutcomeName::Added) => ImportOutcome::Added {
                badge: flat.badge.ok_or("an added badge comes with its badge")?,
            },
            Some(OutcomeName::Already) => ImportOutcome::Already {
                badge_id: flat.badge_id.ok_or("already there comes with the badge's id")?,
            },
            Some(OutcomeName::Waiting) => ImportOutcome::Waiting {
                awaiting_confirmation: flat
                    .awaiting_confirmation
                    .ok_or("a waiting badge comes with its address")?,
                why: flat.why.unwrap_or_default(),
            },
            Some(OutcomeName::Refused) => ImportOutcome::Refused {
                report: flat.report.ok_or("a refusal comes with its report")?,
                reason: flat.reason.ok_or("a refusal comes with its reason")?,
                why: flat.why.unwrap_or_default(),
                retry: flat.retry.unwrap_or(false),
                wrong_recipient: flat.wrong_recipient.unwrap_or(false),
                awaiting_confirmation: flat.awaiting_confirmation,
                issued_to: flat.issued_to,
            },
            Some(OutcomeName::TooLarge) => ImportOutcome::TooLarge {
                max_bytes: flat.max_bytes.unwrap_or_default(),
            },
            None => return Err("outcome is missing"),
        };
        Ok(Self {
            file: flat.file,
            outcome,
        })
    }
}

/// A badge as the backpack API lists it (`GET /api/badges`) and as an import adds it. The
/// island reads only what it shows (id, name, status, picture): the rest is not even
/// deserialised in the wasm, to keep it small (docs/PERFORMANCE.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BadgeEntry {
    pub id: i64,
    pub name: String,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issuer: String,
    /// Times are RFC 3339 in UTC, as [`rfc3339`] writes them (text on the wire: parsing
    /// dates would weigh on the wasm).
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issued_on: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub expires: Option<String>,
    pub status: Status,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub spec: Option<Format>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub sha256: String,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub media_type: String,
    /// The owner-only image URL, when the badge has a picture.
    pub image: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub verified_at: String,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub received_at: String,
}

/// A time as the backpack API writes it: RFC 3339, UTC, `Z`, only the fraction it has.
#[cfg(feature = "ssr")]
pub fn rfc3339(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The verification report of a refused badge, in the page's language (docs/CONTRACTS.md).
/// The island reads only the checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusalReport {
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub valid: bool,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub spec: Option<Format>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub method: Option<Proof>,
    pub checks: Vec<ReportCheck>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub errors: Vec<String>,
    /// The rest of the report (`recipient`, `badge`), as the contract describes it.
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<serde_json::Value>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportCheck {
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
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
            recipient: Some(json(&report.recipient)),
            badge: Some(json(&report.badge)),
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
                    recipient: None,
                    badge: None,
                },
                reason: RefusalReason::AddAddress,
                why: "Add it".into(),
                retry: true,
                wrong_recipient: true,
                awaiting_confirmation: None,
                issued_to: Some("a@b.example".into()),
            },
        };
        let json = serde_json::to_value(&refused).unwrap();
        assert_eq!(json["file"], "badge.png");
        assert_eq!(json["outcome"], "refused");
        assert_eq!(json["report"]["spec"], "ob2");
        assert_eq!(json["reason"], "add_address");
        assert_eq!(json["retry"], true);
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
