//! The backpack as the pages see it: pages of cards, one badge in full, and what a learner
//! can do to a badge (check it again, delete it).
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Cards per backpack page.
pub const PAGE_SIZE: u64 = 24;

/// What the backpack grid shows of a badge (badge text is untrusted: views escape it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeCard {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    /// `YYYY-MM-DD`, when the badge says.
    pub issued_on: Option<String>,
    /// verified | expired | revoked | unchecked
    pub status: String,
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
    /// "" for any, else verified | expired | revoked | unchecked.
    pub status: String,
    /// received (default) | issued | name | issuer
    pub sort: String,
    /// From 1, as people count.
    pub page: u64,
}

#[server(prefix = "/api", endpoint = "my_badges")]
pub async fn my_badges(query: BackpackQuery) -> Result<BadgePage, AppError> {
    use crate::server::{badges, request::*};
    let state = state();
    let user = require_user().await?;
    let page = query.page.max(1) - 1;
    let list = badges::ListQuery {
        text: Some(query.q.chars().take(200).collect()),
        status: Some(query.status),
        sort: badges::SortBy::parse(&query.sort),
        page,
        per_page: PAGE_SIZE,
    };
    let (rows, total) = badges::list_page(&state.db, user.id, &list)
        .await
        .map_err(internal)?;
    let backpack_total = if list.text.as_deref().is_some_and(|t| !t.trim().is_empty())
        || list.status.as_deref().is_some_and(|s| !s.is_empty())
    {
        badges::count(&state.db, user.id).await.map_err(internal)?
    } else {
        total
    };
    Ok(BadgePage {
        cards: rows
            .into_iter()
            .map(|badge| BadgeCard {
                image: badge.image_url(),
                id: badge.id,
                name: badge.name,
                issuer: badge.issuer_name,
                issued_on: badge.issued_on.map(|date| date.format("%Y-%m-%d").to_string()),
                status: badge.status,
            })
            .collect(),
        total,
        backpack_total,
        page: page + 1,
    })
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
    /// RFC 3339, UTC.
    pub checked_at: String,
    pub status: String,
    /// A new version replaced the badge here: the platform that sent it.
    pub replaced_by: Option<String>,
    /// The badge's name before that replacement.
    pub previous_name: Option<String>,
    /// The issuer's refresh service brought the new version here.
    pub renewed: bool,
}

/// Everything the badge page shows. Text is the issuer's (escaped by the views); links are
/// kept only when they are http(s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeDetail {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub image: Option<String>,
    pub criteria_url: Option<String>,
    pub criteria_narrative: Option<String>,
    pub issuer_name: String,
    pub issuer_url: Option<String>,
    pub issuer_email: Option<String>,
    pub issuer_standing: IssuerStanding,
    pub issued_on: Option<String>,
    pub expires: Option<String>,
    pub evidence: Vec<String>,
    pub tags: Vec<String>,
    pub alignments: Vec<AlignmentLine>,
    pub endorsements: Vec<EndorsementLine>,
    /// Expired or revoked, and the issuer offers a renewed version (OB 3.0 refreshService).
    pub renewable: bool,
    pub status: String,
    /// ob2, ob3…, and how it was checked (signed, hosted, eddsa-rdfc-2022, vc-jwt).
    pub spec: String,
    pub method: Option<String>,
    pub recipient: Option<String>,
    pub checks: Vec<CheckLine>,
    pub verified_at: String,
    pub received_at: String,
    pub history: Vec<HistoryLine>,
    pub original_url: String,
    pub original_sha256: String,
}

/// How a badge's issuer is known, in the words a recruiter reads: a signature proves who
/// holds a key, not who the issuer is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IssuerStanding {
    /// Listed by this site's operator (`BESACE_KNOWN_ISSUERS`), under this name.
    Known { name: String },
    /// By its domain: the badge is bound to this site of the issuer's.
    Domain { domain: String },
    /// Only by what the badge says of itself.
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

/// The endorsements section: every one for the learner (those that did not verify marked
/// so), only verified ones for a visitor.
pub fn endorsement_list(
    locale: crate::i18n::Locale,
    lines: Vec<EndorsementLine>,
    for_visitor: bool,
) -> impl IntoView {
    use leptos_i18n::td_string;
    let lines: Vec<EndorsementLine> = lines
        .into_iter()
        .filter(|line| line.verified || !for_visitor)
        .collect();
    (!lines.is_empty()).then(|| {
        view! {
            <h2>{td_string!(locale, badge.endorsements)}</h2>
            <ul class="endorsements">
                {lines.into_iter().map(|line| view! {
                    <li>
                        <strong>{line.endorser}</strong>
                        {line.comment.map(|comment| view! { " — " <q>{comment}</q> })}
                        <br />
                        <small class=line.standing.class()>{line.standing.explained(locale)}</small>
                        {(!line.verified).then(|| view! {
                            " " <small class="check-bad">{td_string!(locale, badge.endorsement_unverified)}</small>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        }
    })
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

/// A link worth rendering: http(s) only (no `javascript:`, `data:`…).
pub fn http_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_owned())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::server::badges::{self, Badge, BadgeSummary};
    use crate::server::{known_issuers::KnownIssuers, request::*, AppState};
    use besace_badges::{CheckId, Lang};
    use serde_json::Value;

    fn text(value: &Value) -> Option<String> {
        value
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    fn date(value: &Value) -> Option<String> {
        text(value).map(|d| d.chars().take(10).collect())
    }

    fn strings(value: &Value) -> Vec<String> {
        value
            .as_array()
            .map(|items| items.iter().filter_map(text).collect())
            .unwrap_or_default()
    }

    /// The logged-in learner's badge `id` (401 without a session, 404 when not theirs).
    pub async fn owned_badge(id: i64) -> Result<(AppState, Badge), AppError> {
        let state = state();
        let user = require_user().await?;
        match badges::find_owned(&state.db, user.id, id)
            .await
            .map_err(internal)?
        {
            Some(badge) => Ok((state, badge)),
            None => fail(AppError::NotFound),
        }
    }

    /// The badge page's data, with its history and the checks in the page's language.
    pub async fn detail_now(state: &AppState, badge: &Badge) -> Result<BadgeDetail, AppError> {
        let lang = request_lang().await;
        let mut history = Vec::new();
        for check in badges::history(&state.db, badge.id).await.map_err(internal)? {
            // Replacements are rare: one platform look-up each.
            let replaced_by = match check.replaced_by_client_id {
                Some(id) => Some(
                    crate::server::oauth_clients::find_by_id(&state.db, id)
                        .await
                        .map_err(internal)?
                        .map(|client| client.name)
                        .unwrap_or_default(),
                ),
                None => None,
            };
            history.push(HistoryLine {
                checked_at: check.checked_at.to_rfc3339(),
                status: check.status,
                renewed: replaced_by.is_none() && check.previous_name.is_some(),
                replaced_by,
                previous_name: check.previous_name,
            });
        }
        Ok(detail(badge, history, lang, &state.known_issuers))
    }

    /// Each check (or renewal) fetches from the issuer's site: a learner's clicks are
    /// bounded too.
    pub fn recheck_budget(state: &AppState, badge: &Badge) -> Result<(), AppError> {
        if state
            .rate_limits
            .allow_account(&format!("recheck:{}", badge.user_id))
        {
            Ok(())
        } else {
            fail(AppError::RateLimited)
        }
    }

    /// What anyone may see of the badge: no recipient, no issuer address, no history, no
    /// link to the original file.
    pub fn public_detail(badge: &Badge, lang: Lang, known: &KnownIssuers) -> BadgeDetail {
        BadgeDetail {
            recipient: None,
            issuer_email: None,
            original_url: String::new(),
            ..detail(badge, Vec::new(), lang, known)
        }
    }

    fn endorsements(list: &Value, known: &KnownIssuers) -> Vec<EndorsementLine> {
        let Some(list) = list.as_array() else {
            return Vec::new();
        };
        list.iter()
            .map(|endorsement| {
                let endorser = &endorsement["endorser"];
                let id = text(&endorser["id"]);
                EndorsementLine {
                    endorser: text(&endorser["name"]).or_else(|| id.clone()).unwrap_or_default(),
                    standing: known.standing_of(id.as_deref()).into(),
                    comment: text(&endorsement["comment"]),
                    verified: endorsement["verified"].as_bool() == Some(true),
                }
            })
            .collect()
    }

    fn alignments(list: &Value) -> Vec<AlignmentLine> {
        let Some(list) = list.as_array() else {
            return Vec::new();
        };
        list.iter()
            .filter_map(|target| {
                let url = text(&target["url"]).and_then(|url| http_link(&url));
                let name = text(&target["name"]).or_else(|| url.clone())?;
                let reference = [text(&target["framework"]), text(&target["code"])]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                Some(AlignmentLine {
                    name,
                    url,
                    description: text(&target["description"]),
                    reference: (!reference.is_empty()).then_some(reference),
                })
            })
            .collect()
    }

    fn detail(badge: &Badge, history: Vec<HistoryLine>, lang: Lang, known: &KnownIssuers) -> BadgeDetail {
        let report: Value = serde_json::from_str(&badge.report).unwrap_or_default();
        let info = &report["badge"];
        let checks = report["checks"]
            .as_array()
            .map(|checks| {
                checks
                    .iter()
                    .filter_map(|check| {
                        let ok = check["ok"].as_bool()?;
                        let id = CheckId::parse(check["id"].as_str()?)?;
                        Some(CheckLine {
                            ok,
                            message: id.message(lang, ok).to_owned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        BadgeDetail {
            id: badge.id,
            name: badge.name.clone(),
            description: text(&info["description"]),
            image: BadgeSummary::from(badge).image_url(),
            criteria_url: text(&info["criteria"]).and_then(|url| http_link(&url)),
            criteria_narrative: text(&info["criteria_narrative"]),
            issuer_name: badge.issuer_name.clone(),
            issuer_url: text(&info["issuer"]["url"])
                .or_else(|| text(&info["issuer"]["id"]))
                .and_then(|url| http_link(&url)),
            issuer_email: text(&info["issuer"]["email"]),
            // Every stored badge passed the checks that bind it to its issuer's id.
            issuer_standing: known.standing_of(text(&info["issuer"]["id"]).as_deref()).into(),
            issued_on: date(&info["issued_on"]),
            expires: date(&info["expires"]),
            evidence: strings(&info["evidence"]),
            tags: strings(&info["tags"]),
            alignments: alignments(&info["alignments"]),
            endorsements: endorsements(&info["endorsements"], known),
            renewable: info["refresh"].is_string() && matches!(badge.status.as_str(), "expired" | "revoked"),
            status: badge.status.clone(),
            spec: badge.spec.clone(),
            method: badge.method.clone(),
            recipient: text(&report["recipient"]["identity"]),
            checks,
            verified_at: badge.verified_at.to_rfc3339(),
            received_at: badge.created_at.to_rfc3339(),
            history,
            original_url: format!("/api/badges/{}/original", badge.id),
            original_sha256: badge.original_sha256.clone(),
        }
    }
}

#[server(prefix = "/api", endpoint = "badge")]
pub async fn get_badge(id: i64) -> Result<BadgeDetail, AppError> {
    let (state, badge) = ssr::owned_badge(id).await?;
    ssr::detail_now(&state, &badge).await
}

/// Asks the issuer for a renewed version of an expired or revoked badge (its refresh
/// service); a genuine, current one replaces it. Answers the badge as it now is.
#[server(prefix = "/api", endpoint = "renew_badge")]
pub async fn renew_badge(id: i64) -> Result<BadgeDetail, AppError> {
    use crate::server::{badges, request::*};
    let (state, badge) = ssr::owned_badge(id).await?;
    ssr::recheck_budget(&state, &badge)?;
    match badges::renew(&state.store, state.fetcher.as_ref(), &badge)
        .await
        .map_err(internal)?
    {
        badges::Renewal::Renewed(renewed) => {
            tracing::info!(
                user_id = badge.user_id,
                badge_id = badge.id,
                "badge renewed by its issuer"
            );
            ssr::detail_now(&state, &renewed).await
        }
        badges::Renewal::NotOffered => fail(AppError::NoRenewal),
        badges::Renewal::NothingNewer(why) => {
            tracing::info!(badge_id = badge.id, why, "no renewed badge");
            fail(AppError::NoRenewal)
        }
    }
}

/// Checks the badge again now (revocation, expiry, keys) and answers the new result.
#[server(prefix = "/api", endpoint = "verify_badge_again")]
pub async fn verify_badge_again(id: i64) -> Result<BadgeDetail, AppError> {
    use crate::server::{badges, request::*};
    let (state, badge) = ssr::owned_badge(id).await?;
    ssr::recheck_budget(&state, &badge)?;
    let badge = badges::reverify(&state.store, state.fetcher.as_ref(), &badge)
        .await
        .map_err(internal)?;
    ssr::detail_now(&state, &badge).await
}

#[server(prefix = "/api", endpoint = "delete_badge")]
pub async fn delete_badge(id: i64) -> Result<(), AppError> {
    use crate::server::{badges, request::*};
    let state = state();
    let user = require_user().await?;
    if !badges::delete(&state.store, user.id, id)
        .await
        .map_err(internal)?
    {
        return fail(AppError::NotFound);
    }
    tracing::info!(user_id = user.id, badge_id = id, "badge deleted");
    Ok(())
}
