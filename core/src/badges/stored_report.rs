//! The last verification report, as a badge (or a waiting item) keeps it: a typed,
//! versioned copy of the report's stable JSON (docs/CONTRACTS.md), read back as a struct.
use besace_badges::{BadgeInfo, CheckId, Lang, Method, RecipientResult, Report, Spec};
use serde::{Deserialize, Deserializer, Serialize};

/// The version [`StoredReport::write`] writes. Reports stored before the key existed read
/// as version 1: they have the same shape.
pub const STORED_REPORT_VERSION: u32 = 1;

/// What a badge's stored report says, for the pages, the exports and the rules that
/// compare versions of a badge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReport {
    #[serde(default = "first_version")]
    pub version: u32,
    #[serde(default)]
    pub valid: bool,
    #[serde(default)]
    pub spec: Option<Spec>,
    #[serde(default)]
    pub method: Option<Method>,
    #[serde(default)]
    pub recipient: RecipientResult,
    #[serde(default)]
    pub badge: BadgeInfo,
    #[serde(default, deserialize_with = "known_checks")]
    pub checks: Vec<StoredCheck>,
}

/// One check of the stored report; its message is the check's, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCheck {
    #[serde(with = "check_id")]
    pub id: CheckId,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn first_version() -> u32 {
    1
}

impl StoredReport {
    /// The text a badge row keeps: the report's JSON with English messages (so a person
    /// reading the database or an export reads it too), and its version.
    pub fn write(report: &Report) -> String {
        let mut json = report.to_json(Lang::En);
        json["version"] = STORED_REPORT_VERSION.into();
        json.to_string()
    }

    /// The stored text read back. A report that cannot be read (it never happens to what
    /// `write` wrote) reads as an empty one: no checks, nothing known of the badge.
    pub fn read(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "a stored verification report could not be read");
            Self::default()
        })
    }

    /// The issuer's id, as the verification found it.
    pub fn issuer_id(&self) -> Option<&str> {
        self.badge.issuer.id.as_deref()
    }

    /// The messages of the failed checks, in `lang`.
    pub fn problems(&self, lang: Lang) -> Vec<String> {
        self.checks
            .iter()
            .filter(|check| !check.ok)
            .map(|check| check.id.message(lang, false).to_owned())
            .collect()
    }

    /// The report in the shape of docs/CONTRACTS.md, messages in `lang` (what exports give).
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let mut json = serde_json::to_value(self).unwrap_or_default();
        for (check, stored) in self
            .checks
            .iter()
            .zip(json["checks"].as_array_mut().into_iter().flatten())
        {
            stored["message"] = check.id.message(lang, check.ok).into();
        }
        json["errors"] = self
            .checks
            .iter()
            .filter(|check| !check.ok)
            .map(|check| match &check.detail {
                Some(detail) => format!("{} ({detail})", check.id.message(lang, false)),
                None => check.id.message(lang, false).to_owned(),
            })
            .collect::<Vec<_>>()
            .into();
        json
    }
}

/// Checks a later version added are skipped, not fatal: the rest of the report still reads.
fn known_checks<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<StoredCheck>, D::Error> {
    let raw = Vec::<serde_json::Value>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .filter_map(|check| serde_json::from_value(check).ok())
        .collect())
}

mod check_id {
    use super::CheckId;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &CheckId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(id.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<CheckId, D::Error> {
        let name = String::deserialize(d)?;
        CheckId::parse(&name).ok_or_else(|| D::Error::custom(format!("unknown check {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use besace_badges::IssuerInfo;

    fn report() -> Report {
        let mut report = Report {
            spec: Some(Spec::Ob2),
            method: Some(Method::Hosted),
            badge: BadgeInfo {
                name: Some("Travailler en équipe".into()),
                issuer: IssuerInfo {
                    id: Some("https://campus.example/issuer".into()),
                    ..Default::default()
                },
                refresh: Some("https://campus.example/refresh".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        report.pass(CheckId::Signature);
        report.fail(CheckId::Expiry, "2020-01-01");
        report
    }

    #[test]
    fn what_is_written_reads_back_with_its_version() {
        let stored = StoredReport::read(&StoredReport::write(&report()));
        assert_eq!(stored.version, STORED_REPORT_VERSION);
        assert_eq!(stored.spec, Some(Spec::Ob2));
        assert_eq!(stored.issuer_id(), Some("https://campus.example/issuer"));
        assert_eq!(
            stored.badge.refresh.as_deref(),
            Some("https://campus.example/refresh")
        );
        assert_eq!(
            stored.problems(Lang::Fr),
            [CheckId::Expiry.message(Lang::Fr, false)]
        );
        // The contract's shape survives a round trip, in the reader's language.
        let json = stored.to_json(Lang::Fr);
        assert_eq!(
            json["checks"][1]["message"],
            CheckId::Expiry.message(Lang::Fr, false)
        );
        assert_eq!(
            json["errors"][0],
            format!("{} (2020-01-01)", CheckId::Expiry.message(Lang::Fr, false))
        );
        assert_eq!(json["badge"]["name"], "Travailler en équipe");
    }

    #[test]
    fn a_report_stored_before_versions_and_a_later_check_still_read() {
        let old = r#"{"valid":false,"spec":"ob1","method":null,"recipient":{"matched":true,"identity":"a@b.c"},
            "badge":{"name":"Old"},"checks":[{"id":"signature","ok":true,"message":"…"},
            {"id":"a.future.check","ok":false,"message":"…"}],"errors":[]}"#;
        let stored = StoredReport::read(old);
        assert_eq!(stored.version, 1);
        assert_eq!(stored.badge.name.as_deref(), Some("Old"));
        assert_eq!(stored.checks.len(), 1);
        assert!(stored.recipient.matched);
        assert_eq!(StoredReport::read("not json"), StoredReport::default());
    }
}
