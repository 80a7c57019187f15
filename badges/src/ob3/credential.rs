//! What a credential says, whichever way it is signed: its structure, achievement,
//! issuer, validity dates, status, schema and recipient, and the badge description.

use serde_json::Value;

use super::status::check_status;
use crate::context::Ctx;
use crate::dates;
use crate::json::{
    alignments_of, as_list, contexts_of, email_of, has_type, id_of, is_http_url, str_of, text_of,
};
use crate::recipient;
use crate::report::{BadgeInfo, CheckId, IssuerIdentity, IssuerInfo, Report};

pub(super) async fn verify_common(ctx: &Ctx<'_>, r: &mut Report, cred: &Value, issuer_id: &str) {
    let subject = as_list(cred.get("credentialSubject"))
        .into_iter()
        .next()
        .cloned()
        .unwrap_or(Value::Null);
    let achievement = subject.get("achievement").cloned().unwrap_or(Value::Null);
    let mut missing = Vec::new();
    if !has_type(cred, "VerifiableCredential") {
        missing.push("type VerifiableCredential");
    }
    if !(has_type(cred, "OpenBadgeCredential") || has_type(cred, "AchievementCredential")) {
        missing.push("type OpenBadgeCredential");
    }
    if !subject.is_object() {
        missing.push("credentialSubject");
    }
    if !contexts_of(cred).iter().any(|c| c.contains("credentials")) {
        missing.push("@context");
    }
    if missing.is_empty() {
        r.pass(CheckId::Structure);
    } else {
        r.fail(CheckId::Structure, format!("missing {}", missing.join(", ")));
    }
    if achievement.is_object() && text_of(achievement.get("name")).is_some() {
        r.pass(CheckId::BadgeClass);
    } else {
        r.fail(
            CheckId::BadgeClass,
            "credentialSubject.achievement with a name is missing",
        );
    }
    let issuer = cred.get("issuer").cloned().unwrap_or(Value::Null);
    if issuer_id.is_empty() {
        r.fail(CheckId::Issuer, "the credential has no issuer id");
    } else {
        r.pass(CheckId::Issuer);
    }
    let valid_from = cred.get("validFrom").or(cred.get("issuanceDate"));
    let valid_until = cred.get("validUntil").or(cred.get("expirationDate"));
    match valid_from.and_then(dates::parse) {
        Some(d) if d <= ctx.now + chrono::Duration::seconds(dates::CLOCK_SKEW_SECONDS) => {
            r.pass(CheckId::IssuedOn)
        }
        Some(d) => r.fail(CheckId::IssuedOn, format!("valid from {d}, in the future")),
        None => r.fail(
            CheckId::IssuedOn,
            "validFrom/issuanceDate is missing or not a date",
        ),
    };
    if r.get(CheckId::Expiry).is_none() {
        match valid_until {
            None | Some(Value::Null) => r.pass(CheckId::Expiry),
            Some(v) => match dates::parse(v) {
                Some(d) if d > ctx.now => r.pass(CheckId::Expiry),
                Some(d) => r.fail(CheckId::Expiry, format!("valid until {d}")),
                None => r.fail(CheckId::Expiry, "validUntil is not a date"),
            },
        };
    }
    check_status(ctx, r, cred, issuer_id).await;
    crate::schema::check(r, cred);
    let stated = recipient::from_ob3(&subject);
    r.recipient.stated_email = recipient::plain_email(&stated);
    r.recipient.stated = stated.clone();
    if !ctx.opts.recipients.is_empty() {
        match recipient::find_match(&stated, &ctx.opts.recipients) {
            Some(m) => {
                r.recipient.matched = true;
                r.recipient.identity = Some(m);
                r.pass(CheckId::Recipient);
            }
            None => {
                r.fail(CheckId::Recipient, "no identity matched");
            }
        }
    }
    let criteria = achievement.get("criteria");
    let criteria_url = criteria.and_then(id_of).map(str::to_string);
    let narrative = criteria.and_then(|c| text_of(c.get("narrative")));
    let image = achievement
        .get("image")
        .and_then(id_of)
        .or(cred.get("image").and_then(id_of))
        .map(str::to_string);
    r.badge = BadgeInfo {
        id: id_of(cred).map(str::to_string),
        name: text_of(achievement.get("name")).or(text_of(cred.get("name"))),
        description: text_of(achievement.get("description")).or(text_of(cred.get("description"))),
        image,
        criteria: criteria_url,
        criteria_narrative: narrative,
        issuer: IssuerInfo {
            id: (!issuer_id.is_empty()).then(|| issuer_id.to_string()),
            name: text_of(issuer.get("name")),
            url: str_of(&issuer, "url").map(str::to_string),
            email: email_of(&issuer),
            identity: IssuerIdentity::of(issuer_id),
        },
        issued_on: valid_from.and_then(dates::parse).map(|d| d.to_rfc3339()),
        expires: valid_until.and_then(dates::parse).map(|d| d.to_rfc3339()),
        evidence: as_list(cred.get("evidence"))
            .into_iter()
            .filter_map(|e| id_of(e).map(str::to_string))
            .collect(),
        tags: as_list(achievement.get("tag"))
            .into_iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        alignments: alignments_of(achievement.get("alignment")),
        endorsements: Vec::new(),
        refresh: as_list(cred.get("refreshService"))
            .into_iter()
            .find(|service| str_of(service, "type") == Some("1EdTechCredentialRefresh"))
            .and_then(id_of)
            .filter(|url| is_http_url(url))
            .map(str::to_string),
    };
    if r.badge.criteria.is_some() || r.badge.criteria_narrative.is_some() {
        r.pass(CheckId::Criteria);
    } else {
        r.fail(CheckId::Criteria, "the achievement has no criteria");
    }
    // OB 3.0 makes an achievement's image optional (1EdTech's own sample has none): one
    // without is not refused, and no check claims a picture it does not have.
    if r.badge.image.is_some() {
        r.pass(CheckId::Image);
    }
}
