//! What the backpack's pages and islands read of a badge: cards, a page of them, one badge
//! in full, and its status.
use serde::{Deserialize, Serialize};

/// What a badge's last check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Verified,
    Expired,
    Revoked,
    /// The last check could not conclude (the issuer's site was down, say).
    Unchecked,
}

impl Status {
    pub const ALL: [Status; 4] = [Self::Verified, Self::Expired, Self::Revoked, Self::Unchecked];

    /// Its name in URLs (`?status=expired`) and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Unchecked => "unchecked",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// What it means, in a sentence for a visitor of a public page.
    pub fn explained(self, locale: crate::i18n::Locale) -> &'static str {
        use leptos_i18n::td_string;
        match self {
            Self::Verified => td_string!(locale, gallery.verified),
            Self::Expired => td_string!(locale, gallery.expired),
            Self::Revoked => td_string!(locale, gallery.revoked),
            Self::Unchecked => td_string!(locale, gallery.unchecked),
        }
    }

    /// The one line that comes first about a badge: what its last check found, and when
    /// ("✓ Authentique — vérifié le 1er décembre 2026 par Besace").
    pub fn verdict(self, locale: crate::i18n::Locale, when: &str) -> String {
        use leptos_i18n::td_string;
        match self {
            Self::Verified => td_string!(locale, badge.verdict_verified, when),
            Self::Expired => td_string!(locale, badge.verdict_expired, when),
            Self::Revoked => td_string!(locale, badge.verdict_revoked, when),
            Self::Unchecked => td_string!(locale, badge.verdict_unchecked, when),
        }
        .to_string()
    }

    /// Its word, in the reader's language.
    pub fn label(self, locale: crate::i18n::Locale) -> &'static str {
        use leptos_i18n::td_string;
        match self {
            Self::Verified => td_string!(locale, status.verified),
            Self::Expired => td_string!(locale, status.expired),
            Self::Revoked => td_string!(locale, status.revoked),
            Self::Unchecked => td_string!(locale, status.unchecked),
        }
    }

    /// The chip's class: good, bad, or neither.
    pub fn chip_class(self) -> &'static str {
        match self {
            Self::Verified => "chip chip-ok",
            Self::Expired | Self::Revoked => "chip chip-bad",
            Self::Unchecked => "chip chip-wait",
        }
    }
}

#[cfg(feature = "ssr")]
impl From<besace_core::badges::BadgeStatus> for Status {
    fn from(status: besace_core::badges::BadgeStatus) -> Self {
        use besace_core::badges::BadgeStatus;
        match status {
            BadgeStatus::Verified => Self::Verified,
            BadgeStatus::Expired => Self::Expired,
            BadgeStatus::Revoked => Self::Revoked,
            BadgeStatus::Unchecked => Self::Unchecked,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<Status> for besace_core::badges::BadgeStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Verified => Self::Verified,
            Status::Expired => Self::Expired,
            Status::Revoked => Self::Revoked,
            Status::Unchecked => Self::Unchecked,
        }
    }
}

/// The Open Badges version a badge follows (its JSON name is the report's `spec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    #[serde(rename = "ob0.5")]
    Ob05,
    #[serde(rename = "ob1")]
    Ob1,
    #[serde(rename = "ob2")]
    Ob2,
    #[serde(rename = "ob3")]
    Ob3,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Self::Ob05 => "Open Badges 0.5",
            Self::Ob1 => "Open Badges 1.x",
            Self::Ob2 => "Open Badges 2.0",
            Self::Ob3 => "Open Badges 3.0",
        }
    }
}

#[cfg(feature = "ssr")]
impl From<besace_core::badges::BadgeSpec> for Format {
    fn from(spec: besace_core::badges::BadgeSpec) -> Self {
        use besace_core::badges::BadgeSpec;
        match spec {
            BadgeSpec::Ob05 => Self::Ob05,
            BadgeSpec::Ob1 => Self::Ob1,
            BadgeSpec::Ob2 => Self::Ob2,
            BadgeSpec::Ob3 => Self::Ob3,
        }
    }
}

/// How a badge was verified (its JSON name is the report's `method`, shown beside the version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proof {
    #[serde(rename = "hosted")]
    Hosted,
    #[serde(rename = "signed")]
    Signed,
    #[serde(rename = "eddsa-rdfc-2022")]
    EddsaRdfc2022,
    #[serde(rename = "vc-jwt")]
    VcJwt,
}

impl Proof {
    pub fn name(self) -> &'static str {
        match self {
            Self::Hosted => "hosted",
            Self::Signed => "signed",
            Self::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Self::VcJwt => "vc-jwt",
        }
    }
}

#[cfg(feature = "ssr")]
impl From<besace_core::badges::BadgeMethod> for Proof {
    fn from(method: besace_core::badges::BadgeMethod) -> Self {
        use besace_core::badges::BadgeMethod;
        match method {
            BadgeMethod::Hosted => Self::Hosted,
            BadgeMethod::Signed => Self::Signed,
            BadgeMethod::EddsaRdfc2022 => Self::EddsaRdfc2022,
            BadgeMethod::VcJwt => Self::VcJwt,
        }
    }
}

/// Cards per backpack page.
pub const PAGE_SIZE: u64 = 24;

/// What the backpack grid shows of a badge (badge text is untrusted: views escape it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeCard {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    /// The day it was issued, in the reader's words ("1er décembre 2026"), when the badge says.
    pub issued_on: Option<String>,
    pub status: Status,
    /// The owner-only image URL, when the badge has a picture.
    pub image: Option<String>,
}

/// One page of the backpack and how many badges match the filter in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgePage {
    pub cards: Vec<BadgeCard>,
    pub total: u64,
    /// Badges in the whole backpack, whatever the filter (tells "empty" from "no match").
    pub backpack_total: u64,
    pub page: u64,
}

impl BadgePage {
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(PAGE_SIZE).max(1)
    }
}

/// The backpack's filter, sort and page, as the page's URL carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackpackQuery {
    pub q: String,
    /// `None` for any.
    pub status: Option<Status>,
    /// received (default) | issued | name | issuer
    pub sort: String,
    /// From 1, as people count.
    pub page: u64,
}

/// One check of the last verification, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckLine {
    pub ok: bool,
    pub message: String,
}

/// One past verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub checked_at: super::When,
    pub status: Status,
    /// A new version replaced the badge here: the platform that sent it.
    pub replaced_by: Option<String>,
    /// The badge's name before that replacement.
    pub previous_name: Option<String>,
    /// The issuer's refresh service brought the new version here.
    pub renewed: bool,
}

/// Everything the badge page shows. Text is the issuer's (escaped by the views); links are
/// kept only when they are http(s). The page is rendered on the server; the wasm only gets
/// one back from "check again" and "renew", which reload the page, so it reads just the
/// badge's id and state (the rest is not deserialised there: docs/PERFORMANCE.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeDetail {
    pub id: i64,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub name: String,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub description: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub image: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub criteria_url: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub criteria_narrative: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issuer_name: String,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issuer_url: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issuer_email: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issuer_standing: IssuerStanding,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub issued_on: Option<super::When>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub expires: Option<super::When>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub evidence: Vec<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub tags: Vec<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub alignments: Vec<AlignmentLine>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub endorsements: Vec<EndorsementLine>,
    /// Expired or revoked, and the issuer offers a renewed version (OB 3.0 refreshService).
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub renewable: bool,
    pub status: Status,
    /// Its version, and how it was checked.
    pub spec: Format,
    pub method: Option<Proof>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub recipient: Option<String>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub checks: Vec<CheckLine>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub verified_at: super::When,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub received_at: super::When,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub history: Vec<HistoryLine>,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub original_url: String,
    #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
    pub original_sha256: String,
}

/// How a badge's issuer is known, in the words a recruiter reads: a signature proves who
/// holds a key, not who the issuer is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum IssuerStanding {
    /// Listed by this site's operator (`BESACE_KNOWN_ISSUERS`), under this name.
    Known { name: String },
    /// By its domain: the badge is bound to this site of the issuer's.
    Domain { domain: String },
    /// Only by what the badge says of itself (and what a reader that did not read it assumes).
    #[default]
    SelfAsserted,
}

#[cfg(feature = "ssr")]
impl From<crate::server::known_issuers::Standing> for IssuerStanding {
    fn from(standing: crate::server::known_issuers::Standing) -> Self {
        use crate::server::known_issuers::Standing;
        match standing {
            Standing::Known { name } => Self::Known { name },
            Standing::Domain { domain } => Self::Domain { domain },
            Standing::SelfAsserted => Self::SelfAsserted,
        }
    }
}

impl IssuerStanding {
    /// The plain words a learner and a recruiter read about the issuer.
    pub fn explained(&self, locale: crate::i18n::Locale) -> String {
        use leptos_i18n::td_string;
        match self {
            Self::Known { name } => td_string!(locale, badge.issuer_known, name).to_string(),
            Self::Domain { domain } => td_string!(locale, badge.issuer_domain, domain).to_string(),
            Self::SelfAsserted => td_string!(locale, badge.issuer_self_asserted).to_string(),
        }
    }

    /// The same in a few words, for a badge card.
    pub fn short(&self, locale: crate::i18n::Locale) -> String {
        use leptos_i18n::td_string;
        match self {
            Self::Known { .. } => td_string!(locale, badge.issuer_short_known).to_string(),
            Self::Domain { domain } => td_string!(locale, badge.issuer_short_domain, domain).to_string(),
            Self::SelfAsserted => td_string!(locale, badge.issuer_short_self_asserted).to_string(),
        }
    }

    /// The class that marks the note (a self-asserted issuer is a warning).
    pub fn class(&self) -> &'static str {
        match self {
            Self::Known { .. } | Self::Domain { .. } => "issuer-standing",
            Self::SelfAsserted => "issuer-standing issuer-unconfirmed",
        }
    }
}

/// Someone who vouches for the badge, its achievement or its issuer (OB 3.0).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndorsementLine {
    pub endorser: String,
    pub standing: IssuerStanding,
    pub comment: Option<String>,
    /// Its proof checked out; visitors only ever see verified ones.
    pub verified: bool,
}

/// A skill or standard the badge is aligned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlignmentLine {
    pub name: String,
    /// http(s) only.
    pub url: Option<String>,
    pub description: Option<String>,
    /// "framework · code", when the issuer gives them.
    pub reference: Option<String>,
}
