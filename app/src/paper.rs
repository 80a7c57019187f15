//! The public pages on paper: a published collection as a portfolio PDF, one public badge as
//! a certificate PDF, in the reader's language. What each badge says is what its public page
//! says (`badges::public_detail`): no recipient address, no history.
use crate::i18n::Locale;
use besace_badges::Lang;
use besace_core::badges::BadgeRecord;
use besace_core::known_issuers::KnownIssuers;
use besace_pdf::{Badge, Document, Kind, Labels, Picture, Status};
use chrono::{DateTime, Utc};
use leptos_i18n::td_string;

/// A badge to print: what the backpack holds of it, its picture, and its live page.
pub struct Sheet<'a> {
    pub record: &'a BadgeRecord,
    /// Media type and bytes, as the backpack holds them.
    pub picture: Option<(String, Vec<u8>)>,
    pub url: String,
}

/// Who, what and where a document is about.
pub struct Cover<'a> {
    pub owner: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// The live page its QR code opens.
    pub url: &'a str,
}

fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::fr => Lang::Fr,
        _ => Lang::En,
    }
}

fn status(status: crate::wire::badges::Status) -> Status {
    use crate::wire::badges::Status as Shown;
    match status {
        Shown::Verified => Status::Verified,
        Shown::Expired => Status::Expired,
        Shown::Revoked => Status::Revoked,
        Shown::Unchecked => Status::Unchecked,
    }
}

fn labels(locale: Locale, kind: Kind, owner: &str, summary: String, made: DateTime<Utc>) -> Labels {
    let when = crate::dates::Reader::new(lang_of(locale), None).day(made);
    let name = owner;
    Labels {
        kind: match kind {
            Kind::Portfolio => td_string!(locale, paper.portfolio_kind),
            Kind::Certificate => td_string!(locale, paper.certificate_kind),
        }
        .to_string(),
        owner_line: match kind {
            Kind::Portfolio => td_string!(locale, gallery.title, name).to_string(),
            Kind::Certificate => td_string!(locale, gallery.awarded_to, name).to_string(),
        },
        summary,
        issued_by: td_string!(locale, badge.issued_by).to_string(),
        issued_on: td_string!(locale, badge.issued_on).to_string(),
        expires: td_string!(locale, badge.expires).to_string(),
        description: td_string!(locale, paper.description).to_string(),
        criteria: td_string!(locale, badge.criteria).to_string(),
        criteria_link: td_string!(locale, paper.criteria_link).to_string(),
        badge_link: td_string!(locale, paper.badge_link).to_string(),
        check_live: td_string!(locale, paper.check_live).to_string(),
        made: td_string!(locale, paper.made, when).to_string(),
        qr_alt: td_string!(locale, paper.qr_alt).to_string(),
        no_picture: td_string!(locale, paper.no_picture).to_string(),
    }
}

fn badge(
    locale: Locale,
    known: &KnownIssuers,
    sheet: Sheet<'_>,
) -> (Badge, crate::wire::badges::Status, DateTime<Utc>) {
    let detail = crate::badges::public_detail(sheet.record, lang_of(locale), known);
    let shown = Badge {
        name: detail.name,
        issuer: detail.issuer_name,
        standing: detail.issuer_standing.explained(locale),
        issued_on: detail.issued_on.map(|when| when.text),
        expires: detail.expires.map(|when| when.text),
        description: detail.description,
        criteria: detail.criteria_narrative,
        criteria_url: detail.criteria_url,
        status: status(detail.status),
        verdict: detail.status.verdict(locale, &detail.verified_at.text),
        url: sheet.url,
        picture: sheet
            .picture
            .map(|(media_type, bytes)| Picture { media_type, bytes }),
    };
    (shown, detail.status, sheet.record.verified_at)
}

/// A published collection as a portfolio.
pub fn portfolio(
    locale: Locale,
    known: &KnownIssuers,
    cover: Cover<'_>,
    sheets: Vec<Sheet<'_>>,
    made: DateTime<Utc>,
) -> Document {
    let shown: Vec<_> = sheets
        .into_iter()
        .map(|sheet| badge(locale, known, sheet))
        .collect();
    let summary = match shown.iter().map(|(_, _, checked)| *checked).min() {
        Some(oldest) => {
            let genuine = shown
                .iter()
                .filter(|(_, status, _)| *status == crate::wire::badges::Status::Verified)
                .count();
            let total = shown.len();
            let when = crate::dates::Reader::new(lang_of(locale), None).day(oldest);
            td_string!(locale, gallery.summary, genuine, total, when).to_string()
        }
        None => td_string!(locale, gallery.empty).to_string(),
    };
    Document {
        kind: Kind::Portfolio,
        lang: crate::public::lang_code(locale).to_owned(),
        title: cover.title.to_owned(),
        owner: cover.owner.to_owned(),
        description: cover.description.to_owned(),
        url: cover.url.to_owned(),
        made,
        labels: labels(locale, Kind::Portfolio, cover.owner, summary, made),
        badges: shown.into_iter().map(|(badge, _, _)| badge).collect(),
    }
}

/// One public badge as a certificate: its own name as the title.
pub fn certificate(
    locale: Locale,
    known: &KnownIssuers,
    owner: &str,
    sheet: Sheet<'_>,
    made: DateTime<Utc>,
) -> Document {
    let url = sheet.url.clone();
    let (shown, _, _) = badge(locale, known, sheet);
    Document {
        kind: Kind::Certificate,
        lang: crate::public::lang_code(locale).to_owned(),
        title: shown.name.clone(),
        owner: owner.to_owned(),
        description: String::new(),
        url,
        made,
        labels: labels(locale, Kind::Certificate, owner, String::new(), made),
        badges: vec![shown],
    }
}
