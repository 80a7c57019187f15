//! The verification report (docs/CONTRACTS.md): stable JSON keys, one check per rule, and a plain
//! message for each check in English and French.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Language of the messages in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// `"fr"` (or `fr-FR`…) gives French; anything else English.
    pub fn parse(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }
}

/// Which Open Badges version a badge follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Spec {
    #[serde(rename = "ob0.5")]
    Ob05,
    #[serde(rename = "ob1")]
    Ob1,
    #[serde(rename = "ob2")]
    Ob2,
    #[serde(rename = "ob3")]
    Ob3,
}

/// How the badge was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    #[serde(rename = "hosted")]
    Hosted,
    #[serde(rename = "signed")]
    Signed,
    #[serde(rename = "eddsa-rdfc-2022")]
    EddsaRdfc2022,
    #[serde(rename = "vc-jwt")]
    VcJwt,
}

/// The stable identifier of each check, with its message in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckId {
    /// Badge data found in the input (container, encoding, size caps).
    Extract,
    /// The hosted assertion (or credential) was fetched from its own URL.
    HostedFetch,
    /// The assertion was fetched from a place the issuer allows.
    HostedOrigin,
    /// The document has the properties and types its version requires.
    Structure,
    /// The badge class / achievement is present and well formed.
    BadgeClass,
    /// The issuer profile is present and well formed.
    Issuer,
    /// The signature or proof is valid.
    Signature,
    /// The signing key belongs to the issuer.
    KeyIssuer,
    /// The issuer's keys are not public knowledge (a demo issuer's are: anyone can sign as
    /// it). Recorded only when it fails.
    IssuerTrust,
    /// The issuer has not revoked the badge.
    Revocation,
    /// The issue date is not in the future.
    IssuedOn,
    /// The badge has not expired.
    Expiry,
    /// The recipient is one of the learner's identities.
    Recipient,
    /// The badge says how it was earned.
    Criteria,
    /// The badge has an image.
    Image,
    /// The credential satisfies the JSON Schemas it names (those bundled; OB 3.0).
    Schema,
}

impl CheckId {
    pub const ALL: [CheckId; 16] = [
        CheckId::Extract,
        CheckId::HostedFetch,
        CheckId::HostedOrigin,
        CheckId::Structure,
        CheckId::BadgeClass,
        CheckId::Issuer,
        CheckId::Signature,
        CheckId::KeyIssuer,
        CheckId::IssuerTrust,
        CheckId::Revocation,
        CheckId::IssuedOn,
        CheckId::Expiry,
        CheckId::Recipient,
        CheckId::Criteria,
        CheckId::Image,
        CheckId::Schema,
    ];

    /// The check whose stable id is `id` (as stored in a JSON report).
    pub fn parse(id: &str) -> Option<CheckId> {
        CheckId::ALL.into_iter().find(|c| c.as_str() == id)
    }

    /// The stable id used in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Extract => "extract",
            CheckId::HostedFetch => "hosted.fetch",
            CheckId::HostedOrigin => "hosted.origin",
            CheckId::Structure => "structure",
            CheckId::BadgeClass => "badge_class",
            CheckId::Issuer => "issuer",
            CheckId::Signature => "signature",
            CheckId::KeyIssuer => "key.issuer",
            CheckId::IssuerTrust => "issuer.trust",
            CheckId::Revocation => "revocation",
            CheckId::IssuedOn => "dates.issued",
            CheckId::Expiry => "dates.expiry",
            CheckId::Recipient => "recipient",
            CheckId::Criteria => "criteria",
            CheckId::Image => "image",
            CheckId::Schema => "schema",
        }
    }

    /// A sentence a learner can understand, for a passed (`ok`) or failed check.
    pub fn message(self, lang: Lang, ok: bool) -> &'static str {
        use CheckId::*;
        match (lang, self, ok) {
            (Lang::En, Extract, true) => "Badge data was found in the file.",
            (Lang::En, Extract, false) => "No readable badge was found in this file or link.",
            (Lang::Fr, Extract, true) => "Les données du badge ont été trouvées dans le fichier.",
            (Lang::Fr, Extract, false) => {
                "Aucun badge lisible n'a été trouvé dans ce fichier ou ce lien."
            }
            (Lang::En, HostedFetch, true) => "The badge was found at its address on the issuer's site.",
            (Lang::En, HostedFetch, false) => {
                "The badge could not be found at its address on the issuer's site."
            }
            (Lang::Fr, HostedFetch, true) => {
                "Le badge a été retrouvé à son adresse sur le site de l'émetteur."
            }
            (Lang::Fr, HostedFetch, false) => {
                "Le badge est introuvable à son adresse sur le site de l'émetteur."
            }
            (Lang::En, HostedOrigin, true) => "The badge is hosted where its issuer allows.",
            (Lang::En, HostedOrigin, false) => {
                "The badge is hosted on a site its issuer does not allow."
            }
            (Lang::Fr, HostedOrigin, true) => "Le badge est hébergé là où son émetteur l'autorise.",
            (Lang::Fr, HostedOrigin, false) => {
                "Le badge est hébergé sur un site que son émetteur n'autorise pas."
            }
            (Lang::En, Structure, true) => "The badge is complete and well formed.",
            (Lang::En, Structure, false) => "The badge is incomplete or badly formed.",
            (Lang::Fr, Structure, true) => "Le badge est complet et bien formé.",
            (Lang::Fr, Structure, false) => "Le badge est incomplet ou mal formé.",
            (Lang::En, BadgeClass, true) => "The badge description (name, description) is complete.",
            (Lang::En, BadgeClass, false) => {
                "The badge description (name, description) is missing or incomplete."
            }
            (Lang::Fr, BadgeClass, true) => "La description du badge (nom, description) est complète.",
            (Lang::Fr, BadgeClass, false) => {
                "La description du badge (nom, description) manque ou est incomplète."
            }
            (Lang::En, Issuer, true) => "The issuer is known and its profile is complete.",
            (Lang::En, Issuer, false) => "The issuer's profile is missing or incomplete.",
            (Lang::Fr, Issuer, true) => "L'émetteur est connu et son profil est complet.",
            (Lang::Fr, Issuer, false) => "Le profil de l'émetteur manque ou est incomplet.",
            (Lang::En, Signature, true) => "The issuer's digital signature is valid.",
            (Lang::En, Signature, false) => {
                "The digital signature is not valid: the badge may have been changed after it was issued."
            }
            (Lang::Fr, Signature, true) => "La signature numérique de l'émetteur est valide.",
            (Lang::Fr, Signature, false) => {
                "La signature numérique n'est pas valide\u{a0}: le badge a peut-être été modifié après son émission."
            }
            (Lang::En, KeyIssuer, true) => "The signing key belongs to the issuer.",
            (Lang::En, KeyIssuer, false) => {
                "The key used to sign the badge does not belong to its issuer."
            }
            (Lang::Fr, KeyIssuer, true) => "La clé de signature appartient à l'émetteur.",
            (Lang::Fr, KeyIssuer, false) => {
                "La clé qui a signé le badge n'appartient pas à son émetteur."
            }
            (Lang::En, IssuerTrust, true) => "The issuer's signing keys are its own secret.",
            (Lang::En, IssuerTrust, false) => {
                "This badge was signed with a key everyone knows (Besace's demonstration key): anyone could have made it, so it proves nothing."
            }
            (Lang::Fr, IssuerTrust, true) => "Les clés de signature de l'émetteur sont son secret.",
            (Lang::Fr, IssuerTrust, false) => {
                "Ce badge a été signé avec une clé que tout le monde connaît (la clé de démonstration de Besace) : n'importe qui a pu le fabriquer, il ne prouve donc rien."
            }
            (Lang::En, Revocation, true) => "The issuer has not revoked the badge.",
            (Lang::En, Revocation, false) => "The issuer has revoked this badge.",
            (Lang::Fr, Revocation, true) => "L'émetteur n'a pas retiré le badge.",
            (Lang::Fr, Revocation, false) => "L'émetteur a retiré ce badge.",
            (Lang::En, IssuedOn, true) => "The issue date is valid.",
            (Lang::En, IssuedOn, false) => "The issue date is missing, invalid or in the future.",
            (Lang::Fr, IssuedOn, true) => "La date d'émission est valide.",
            (Lang::Fr, IssuedOn, false) => "La date d'émission manque, est invalide ou est dans le futur.",
            (Lang::En, Expiry, true) => "The badge has not expired.",
            (Lang::En, Expiry, false) => "The badge has expired (or its expiry date is invalid).",
            (Lang::Fr, Expiry, true) => "Le badge n'a pas expiré.",
            (Lang::Fr, Expiry, false) => "Le badge a expiré (ou sa date d'expiration est invalide).",
            (Lang::En, Recipient, true) => "The badge was issued to you.",
            (Lang::En, Recipient, false) => {
                "The badge was issued to someone else: none of your verified addresses matches."
            }
            (Lang::Fr, Recipient, true) => "Le badge vous a bien été attribué.",
            (Lang::Fr, Recipient, false) => {
                "Le badge a été attribué à quelqu'un d'autre\u{a0}: aucune de vos adresses vérifiées ne correspond."
            }
            (Lang::En, Criteria, true) => "The badge says how it was earned.",
            (Lang::En, Criteria, false) => "The badge does not say how it was earned (criteria missing).",
            (Lang::Fr, Criteria, true) => "Le badge indique comment il a été obtenu.",
            (Lang::Fr, Criteria, false) => {
                "Le badge n'indique pas comment il a été obtenu (critères absents)."
            }
            (Lang::En, Image, true) => "The badge has an image.",
            (Lang::En, Image, false) => "The badge has no image.",
            (Lang::Fr, Image, true) => "Le badge a une image.",
            (Lang::Fr, Image, false) => "Le badge n'a pas d'image.",
            (Lang::En, Schema, true) => "The badge follows the format its issuer declares.",
            (Lang::En, Schema, false) => "The badge does not follow the format its issuer declares (JSON Schema).",
            (Lang::Fr, Schema, true) => "Le badge respecte le format que son émetteur déclare.",
            (Lang::Fr, Schema, false) => {
                "Le badge ne respecte pas le format que son émetteur déclare (schéma JSON)."
            }
        }
    }
}

/// One rule applied to the badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: CheckId,
    pub ok: bool,
    /// Technical detail for operators (not translated; never shown alone to a learner).
    pub detail: Option<String>,
}

/// Who the badge was issued to, and which of the learner's identities matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecipientResult {
    pub matched: bool,
    /// The learner's identity that matched (as the caller gave it), if any.
    pub identity: Option<String>,
    /// The address the badge was issued to, when it states it in clear. Not part of the
    /// JSON report (whose keys are stable); the import uses it to suggest the address.
    #[serde(skip)]
    pub stated_email: Option<String>,
    /// Every identity the badge states (hashed or not), to tell the learner which of their
    /// own addresses, still unconfirmed, it was issued to. Not part of the JSON report.
    #[serde(skip)]
    pub stated: Vec<crate::recipient::StatedIdentity>,
}

/// Issuer as shown to the learner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssuerInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    /// The issuer's contact address (public by the issuer's choice, unlike a recipient's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// How the issuer is known: a signature proves who holds a key, not who the issuer is.
    pub identity: IssuerIdentity,
}

/// How a verified badge's issuer is known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum IssuerIdentity {
    /// By its domain: the issuer's id is an http(s) URL or a `did:web` there, and the
    /// checks bound the badge (hosted copy, key, profile) to it.
    Domain { domain: String },
    /// Only by what the badge says of itself (a `did:key`, or an id that names no site):
    /// anyone could have written that name.
    #[default]
    SelfAsserted,
}

impl IssuerIdentity {
    /// The identity an issuer id gives, once the badge verified against it.
    pub fn of(issuer_id: &str) -> Self {
        let domain = if let Some(rest) = issuer_id.strip_prefix("did:web:") {
            // did:web:example.org:path, with a port written %3A.
            rest.split(':').next().map(|host| host.replace("%3A", ":"))
        } else {
            url::Url::parse(issuer_id)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .and_then(|u| u.host_str().map(str::to_owned))
        };
        match domain.filter(|d| !d.is_empty()) {
            Some(domain) => Self::Domain {
                domain: domain.to_ascii_lowercase(),
            },
            None => Self::SelfAsserted,
        }
    }
}

/// A skill, competency or standard the badge is aligned to (`alignment` in 2.0 and 3.0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Alignment {
    pub name: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
}

/// The badge as shown to the learner (text is untrusted: escape it when rendering).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BadgeInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
    pub criteria: Option<String>,
    pub criteria_narrative: Option<String>,
    pub issuer: IssuerInfo,
    pub issued_on: Option<String>,
    pub expires: Option<String>,
    pub evidence: Vec<String>,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alignments: Vec<Alignment>,
    /// Endorsements (OB 3.0 EndorsementCredentials) of the credential, its achievement or
    /// its issuer, each verified like a credential.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endorsements: Vec<Endorsement>,
    /// Where the issuer serves a renewed version (OB 3.0 `refreshService` of type
    /// `1EdTechCredentialRefresh`, http(s) only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
}

/// What an endorsement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endorsed {
    Credential,
    Achievement,
    Issuer,
}

/// One endorsement: who vouches, for what, in their words, and whether it verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endorsement {
    pub endorses: Endorsed,
    pub endorser: IssuerInfo,
    pub comment: Option<String>,
    pub issued_on: Option<String>,
    /// Its proof is valid, its key the endorser's, and it is within its dates.
    pub verified: bool,
    /// Why it did not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The outcome of verifying one badge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub spec: Option<Spec>,
    pub method: Option<Method>,
    pub recipient: RecipientResult,
    pub badge: BadgeInfo,
    pub checks: Vec<Check>,
    /// A document the badge relies on could not be read for a reason that may pass (the
    /// site timed out, its name did not resolve, it answered 5xx or 429): checking again
    /// later can change the outcome. Not part of the JSON report.
    pub unreachable: bool,
}

impl Report {
    /// Valid when a version was recognised, at least one check ran and none failed.
    pub fn valid(&self) -> bool {
        self.spec.is_some() && !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    /// Records a check; a later result for the same id replaces the earlier one.
    pub fn check(&mut self, id: CheckId, ok: bool, detail: Option<String>) -> bool {
        if let Some(c) = self.checks.iter_mut().find(|c| c.id == id) {
            c.ok = ok;
            c.detail = detail;
        } else {
            self.checks.push(Check { id, ok, detail });
        }
        ok
    }

    pub fn pass(&mut self, id: CheckId) -> bool {
        self.check(id, true, None)
    }

    pub fn fail(&mut self, id: CheckId, detail: impl Into<String>) -> bool {
        self.check(id, false, Some(detail.into()))
    }

    /// The result of one check, if it ran.
    pub fn get(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Messages of the failed checks, in `lang`, each followed by its technical detail.
    pub fn errors(&self, lang: Lang) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| match &c.detail {
                Some(d) => format!("{} ({d})", c.id.message(lang, false)),
                None => c.id.message(lang, false).to_string(),
            })
            .collect()
    }

    /// The report as JSON with the stable keys of docs/CONTRACTS.md, messages in `lang`.
    pub fn to_json(&self, lang: Lang) -> Value {
        let checks: Vec<Value> = self
            .checks
            .iter()
            .map(|c| {
                let mut v = json!({
                    "id": c.id.as_str(),
                    "ok": c.ok,
                    "message": c.id.message(lang, c.ok),
                });
                if let Some(d) = &c.detail {
                    v["detail"] = Value::String(d.clone());
                }
                v
            })
            .collect();
        json!({
            "valid": self.valid(),
            "spec": self.spec,
            "method": self.method,
            "recipient": self.recipient,
            "badge": self.badge,
            "checks": checks,
            "errors": self.errors(lang),
        })
    }
}

impl Serialize for Report {
    /// Serialises with English messages; use [`Report::to_json`] for another language.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json(Lang::En).serialize(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_issuer_is_known_by_its_domain_or_only_by_its_own_word() {
        let domain = |d: &str| IssuerIdentity::Domain { domain: d.into() };
        assert_eq!(
            IssuerIdentity::of("https://Moodle.Example/badges/issuer.json"),
            domain("moodle.example")
        );
        assert_eq!(
            IssuerIdentity::of("did:web:campus.example%3A8443:issuers:1"),
            domain("campus.example:8443")
        );
        for own_word in [
            "did:key:z6Mkon3Necd6NkkyfoGoHxid2znGc59LU3K7mubaRcFbLfLX",
            "urn:uuid:1",
            "",
            "javascript:x",
        ] {
            assert_eq!(
                IssuerIdentity::of(own_word),
                IssuerIdentity::SelfAsserted,
                "{own_word}"
            );
        }
    }

    use super::*;

    #[test]
    fn every_check_has_distinct_ids_and_messages_in_both_languages() {
        let mut ids = std::collections::HashSet::new();
        for id in CheckId::ALL {
            assert!(ids.insert(id.as_str()));
            for ok in [true, false] {
                let en = id.message(Lang::En, ok);
                let fr = id.message(Lang::Fr, ok);
                assert!(!en.is_empty() && !fr.is_empty());
                assert_ne!(en, fr, "{} has no French message", id.as_str());
            }
            assert_ne!(id.message(Lang::En, true), id.message(Lang::En, false));
        }
    }

    #[test]
    fn json_has_the_stable_keys_and_errors_follow_failed_checks() {
        let mut r = Report {
            spec: Some(Spec::Ob2),
            method: Some(Method::Signed),
            ..Report::default()
        };
        r.pass(CheckId::Signature);
        r.fail(CheckId::Expiry, "expired 2020-01-01");
        let v = r.to_json(Lang::Fr);
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        for k in [
            "valid",
            "spec",
            "method",
            "recipient",
            "badge",
            "checks",
            "errors",
        ] {
            assert!(keys.contains(&k), "missing {k}");
        }
        assert_eq!(v["valid"], false);
        assert_eq!(v["spec"], "ob2");
        assert_eq!(v["method"], "signed");
        assert_eq!(v["checks"][1]["id"], "dates.expiry");
        assert_eq!(
            v["errors"][0],
            "Le badge a expiré (ou sa date d'expiration est invalide). (expired 2020-01-01)"
        );
        let b = v["badge"].as_object().unwrap();
        for k in [
            "name",
            "description",
            "image",
            "criteria",
            "issuer",
            "issued_on",
            "expires",
        ] {
            assert!(b.contains_key(k), "badge.{k}");
        }
        assert_eq!(Lang::parse("fr-FR"), Lang::Fr);
        assert_eq!(Lang::parse("de"), Lang::En);
    }

    #[test]
    fn no_checks_or_no_spec_is_never_valid() {
        let mut r = Report::default();
        assert!(!r.valid());
        r.pass(CheckId::Extract);
        assert!(!r.valid());
        r.spec = Some(Spec::Ob3);
        assert!(r.valid());
    }
}
