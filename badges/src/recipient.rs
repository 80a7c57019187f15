//! Does the badge name this learner? Plain or salted-hash identities (`sha256$…`, `md5$…`,
//! hex in any case), compared with the identities the caller says the learner owns
//! (verified e-mail addresses, URLs, telephone numbers): trimmed and case-insensitive.

use md5::Md5;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A recipient identity as a badge states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedIdentity {
    /// `email`, `url`, `telephone` (2.0) or `emailAddress`, `url`, `phoneNumber`… (3.0).
    pub kind: String,
    /// The plain identity, or `algo$hexdigest` when hashed.
    pub identity: String,
    pub hashed: bool,
    pub salt: Option<String>,
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn normalise(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_prefix("mailto:").unwrap_or(s);
    s.to_lowercase()
}

impl StatedIdentity {
    /// Whether `candidate` (one of the learner's identities) is this identity.
    pub fn matches(&self, candidate: &str) -> bool {
        let cand_trimmed = candidate.trim();
        if cand_trimmed.is_empty() {
            return false;
        }
        let stated = self.identity.trim();
        let looks_hashed = stated.contains('$')
            && (stated.to_ascii_lowercase().starts_with("sha256$")
                || stated.to_ascii_lowercase().starts_with("md5$"));
        if !(self.hashed || looks_hashed) {
            return normalise(stated) == normalise(cand_trimmed);
        }
        let Some((algo, digest)) = stated.split_once('$') else {
            return false;
        };
        let digest = digest.trim().to_ascii_lowercase();
        let salt = self.salt.as_deref().unwrap_or("");
        // The issuer may have hashed the address as typed or lower-cased: try both.
        let mut forms = vec![cand_trimmed.to_string(), cand_trimmed.to_lowercase()];
        if let Some(s) = cand_trimmed.strip_prefix("mailto:") {
            forms.push(s.to_string());
            forms.push(s.to_lowercase());
        }
        forms.dedup();
        forms.iter().any(|f| {
            let input = format!("{f}{salt}");
            let h = match algo.to_ascii_lowercase().as_str() {
                "sha256" => hex_lower(&Sha256::digest(input.as_bytes())),
                "md5" => hex_lower(&Md5::digest(input.as_bytes())),
                _ => return false,
            };
            h == digest
        })
    }
}

/// The first of `candidates` matching any stated identity.
/// The e-mail address the badge names, when it names one in clear (not hashed): what a
/// learner is told to add to their account when the badge does not match them yet.
pub fn plain_email(stated: &[StatedIdentity]) -> Option<String> {
    stated
        .iter()
        .filter(|s| !s.hashed && !s.identity.contains('$'))
        .filter(|s| s.kind.to_ascii_lowercase().starts_with("email") || s.identity.starts_with("mailto:"))
        .map(|s| normalise(&s.identity))
        .find(|e| e.contains('@'))
}

pub fn find_match(stated: &[StatedIdentity], candidates: &[String]) -> Option<String> {
    candidates
        .iter()
        .find(|c| stated.iter().any(|s| s.matches(c)))
        .map(|c| c.trim().to_string())
}

/// Reads an Open Badges 1.x/2.0 `recipient` (object, or a bare string in 0.5/1.0).
pub fn from_ob2(recipient: &Value, legacy_salt: Option<&str>) -> Vec<StatedIdentity> {
    match recipient {
        Value::String(s) => vec![StatedIdentity {
            kind: "email".into(),
            identity: s.clone(),
            hashed: s.contains('$'),
            salt: legacy_salt.map(str::to_string),
        }],
        Value::Object(o) => {
            let Some(identity) = o.get("identity").and_then(Value::as_str) else {
                return vec![];
            };
            vec![StatedIdentity {
                kind: o
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("email")
                    .to_string(),
                identity: identity.to_string(),
                hashed: match o.get("hashed") {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::String(s)) => s == "true",
                    _ => identity.contains('$'),
                },
                salt: o
                    .get("salt")
                    .and_then(Value::as_str)
                    .or(legacy_salt)
                    .map(str::to_string),
            }]
        }
        _ => vec![],
    }
}

/// Reads an Open Badges 3.0 `credentialSubject`: `identifier` IdentityObjects, plus
/// `id` (`mailto:`, URL) and `emailAddress` when present.
pub fn from_ob3(subject: &Value) -> Vec<StatedIdentity> {
    let mut out = Vec::new();
    let ids = match subject.get("identifier") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => vec![],
    };
    for i in ids {
        if let Some(h) = i.get("identityHash").and_then(Value::as_str) {
            out.push(StatedIdentity {
                kind: i
                    .get("identityType")
                    .and_then(Value::as_str)
                    .unwrap_or("emailAddress")
                    .to_string(),
                identity: h.to_string(),
                hashed: i.get("hashed").and_then(Value::as_bool).unwrap_or(false),
                salt: i.get("salt").and_then(Value::as_str).map(str::to_string),
            });
        }
    }
    if let Some(id) = subject.get("id").and_then(Value::as_str) {
        if !id.starts_with("did:") && !id.starts_with("urn:") {
            out.push(StatedIdentity {
                kind: "id".into(),
                identity: id.to_string(),
                hashed: false,
                salt: None,
            });
        }
    }
    if let Some(e) = subject.get("emailAddress").and_then(Value::as_str) {
        out.push(StatedIdentity {
            kind: "emailAddress".into(),
            identity: e.to_string(),
            hashed: false,
            salt: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hashed(algo: &str, email: &str, salt: &str) -> String {
        let input = format!("{email}{salt}");
        match algo {
            "sha256" => format!("sha256${}", hex_lower(&Sha256::digest(input.as_bytes()))),
            _ => format!("md5${}", hex_lower(&Md5::digest(input.as_bytes()))),
        }
    }

    #[test]
    fn plain_identities_are_trimmed_and_case_insensitive() {
        let s = from_ob2(
            &json!({"type": "email", "hashed": false, "identity": "Ana@Example.org"}),
            None,
        );
        assert_eq!(
            find_match(&s, &["x@y.z".into(), "  ana@example.ORG ".into()]),
            Some("ana@example.ORG".into())
        );
        assert_eq!(find_match(&s, &["ana@example.com".into()]), None);
    }

    #[test]
    fn only_a_clear_address_is_suggested_to_the_learner() {
        let plain = from_ob2(&json!({"type": "email", "identity": "Marie@Ecole.fr"}), None);
        assert_eq!(plain_email(&plain), Some("marie@ecole.fr".into()));
        let hashed = from_ob2(
            &json!({"type": "email", "hashed": true, "identity": hashed("sha256", "m@e.fr", "x")}),
            None,
        );
        assert_eq!(plain_email(&hashed), None);
        let ob3 = from_ob3(&json!({"identifier": [
            {"identityType": "emailAddress", "identityHash": "marie@ecole.fr", "hashed": false}
        ]}));
        assert_eq!(plain_email(&ob3), Some("marie@ecole.fr".into()));
    }

    #[test]
    fn salted_hashes_in_any_hex_case() {
        for algo in ["sha256", "md5"] {
            let h = hashed(algo, "ana@example.org", "s3l");
            let upper = h
                .split_once('$')
                .map(|(a, d)| format!("{a}${}", d.to_uppercase()))
                .unwrap();
            let s = from_ob2(
                &json!({"type": "email", "hashed": true, "salt": "s3l", "identity": upper}),
                None,
            );
            assert!(find_match(&s, &["Ana@Example.org ".into()]).is_some(), "{algo}");
            let wrong_salt = from_ob2(
                &json!({"type": "email", "hashed": true, "salt": "x", "identity": h}),
                None,
            );
            assert!(find_match(&wrong_salt, &["ana@example.org".into()]).is_none());
        }
    }

    #[test]
    fn legacy_bare_string_and_ob3_identifiers() {
        let s = from_ob2(
            &json!(hashed("sha256", "bo@example.org", "pepper")),
            Some("pepper"),
        );
        assert!(find_match(&s, &["bo@example.org".into()]).is_some());
        let subj = json!({
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": true,
                            "salt": "x", "identityHash": hashed("sha256", "cy@example.org", "x")}],
            "id": "mailto:dee@example.org"
        });
        let s = from_ob3(&subj);
        assert!(find_match(&s, &["cy@example.org".into()]).is_some());
        assert!(find_match(&s, &["DEE@example.org".into()]).is_some());
        assert!(find_match(&s, &["eve@example.org".into()]).is_none());
        let tel = from_ob2(
            &json!({"type": "telephone", "hashed": false, "identity": "+33612345678"}),
            None,
        );
        assert!(find_match(&tel, &[" +33612345678".into()]).is_some());
    }
}
