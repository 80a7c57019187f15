//! The backpack as the pages see it: pages of cards, one badge in full, and what a learner
//! can do to a badge (check it again, delete it).
use crate::error::AppError;
pub use crate::wire::badges::*;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "my_badges")]
pub async fn my_badges(query: BackpackQuery) -> Result<BadgePage, AppError> {
    use crate::server::{badges, request::*};
    let state = state();
    let user = require_user().await?;
    let page = query.page.max(1) - 1;
    let list = badges::ListQuery {
        text: Some(query.q.chars().take(200).collect()),
        status: query.status.map(Into::into),
        sort: badges::SortBy::parse(&query.sort),
        page,
        per_page: PAGE_SIZE,
    };
    let (rows, total) = badges::list_page(&state.db, user.id, &list)
        .await
        .map_err(internal)?;
    let reader = crate::dates::reader().await;
    let backpack_total =
        if list.text.as_deref().is_some_and(|t| !t.trim().is_empty()) || list.status.is_some() {
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
                issued_on: badge.issued_on.map(|at| reader.day(at)),
                status: badge.status.into(),
            })
            .collect(),
        total,
        backpack_total,
        page: page + 1,
    })
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
    ssr::recheck_budget(&state, &badge).await?;
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
    ssr::recheck_budget(&state, &badge).await?;
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

/// A link worth rendering: http(s) only (no `javascript:`, `data:`…).
pub fn http_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_owned())
}

/// What anyone may see of a badge (the public pages and the gallery's JSON).
#[cfg(feature = "ssr")]
pub use ssr::public_detail;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::dates::Reader;
    use crate::server::badges::{self, Badge, BadgeRecord, BadgeSummary};
    use crate::server::badges::{BadgeStatus, StoredReport};
    use crate::server::{known_issuers::KnownIssuers, request::*, AppState};
    use crate::wire::When;
    use besace_badges::{Alignment, Endorsement, Lang};

    /// The issuer's words, trimmed; nothing when blank.
    fn text(value: &Option<String>) -> Option<String> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    fn date(value: &Option<String>, reader: &Reader) -> Option<When> {
        text(value).map(|d| reader.day_of(&d))
    }

    fn strings(values: &[String]) -> Vec<String> {
        values
            .iter()
            .filter_map(|value| text(&Some(value.clone())))
            .collect()
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
        let reader = crate::dates::reader().await;
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
                checked_at: reader.when(check.checked_at),
                status: check.status.into(),
                renewed: replaced_by.is_none() && check.previous_name.is_some(),
                replaced_by,
                previous_name: check.previous_name,
            });
        }
        Ok(detail(
            &BadgeRecord::from(badge),
            history,
            reader,
            &state.known_issuers,
        ))
    }

    /// Each check (or renewal) fetches from the issuer's site: a learner's clicks are
    /// bounded too.
    pub async fn recheck_budget(state: &AppState, badge: &Badge) -> Result<(), AppError> {
        if state
            .rate_limits
            .allow_account(&format!("recheck:{}", badge.user_id))
            .await
        {
            Ok(())
        } else {
            fail(AppError::RateLimited)
        }
    }

    /// What anyone may see of the badge: no recipient, no issuer address, no history, no
    /// link to the original file. Public pages are cached for every reader: their times
    /// are in Besace's default zone.
    pub fn public_detail(badge: &BadgeRecord, lang: Lang, known: &KnownIssuers) -> BadgeDetail {
        BadgeDetail {
            recipient: None,
            issuer_email: None,
            original_url: String::new(),
            ..detail(badge, Vec::new(), Reader::new(lang, None), known)
        }
    }

    fn endorsements(list: &[Endorsement], known: &KnownIssuers) -> Vec<EndorsementLine> {
        list.iter()
            .map(|endorsement| {
                let id = text(&endorsement.endorser.id);
                EndorsementLine {
                    endorser: text(&endorsement.endorser.name)
                        .or_else(|| id.clone())
                        .unwrap_or_default(),
                    standing: known.standing_of(id.as_deref()).into(),
                    comment: text(&endorsement.comment),
                    verified: endorsement.verified,
                }
            })
            .collect()
    }

    fn alignments(list: &[Alignment]) -> Vec<AlignmentLine> {
        list.iter()
            .filter_map(|target| {
                let url = text(&target.url).and_then(|url| http_link(&url));
                let name = text(&target.name).or_else(|| url.clone())?;
                let reference = [text(&target.framework), text(&target.code)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                Some(AlignmentLine {
                    name,
                    url,
                    description: text(&target.description),
                    reference: (!reference.is_empty()).then_some(reference),
                })
            })
            .collect()
    }

    fn detail(
        badge: &BadgeRecord,
        history: Vec<HistoryLine>,
        reader: Reader,
        known: &KnownIssuers,
    ) -> BadgeDetail {
        let lang = reader.lang;
        let report = StoredReport::read(&badge.report);
        let info = &report.badge;
        let checks = report
            .checks
            .iter()
            .map(|check| CheckLine {
                ok: check.ok,
                message: check.id.message(lang, check.ok).to_owned(),
            })
            .collect();
        BadgeDetail {
            id: badge.id,
            name: badge.name.clone(),
            description: text(&info.description),
            image: BadgeSummary::from(badge).image_url(),
            criteria_url: text(&info.criteria).and_then(|url| http_link(&url)),
            criteria_narrative: text(&info.criteria_narrative),
            issuer_name: badge.issuer_name.clone(),
            issuer_url: text(&info.issuer.url)
                .or_else(|| text(&info.issuer.id))
                .and_then(|url| http_link(&url)),
            issuer_email: text(&info.issuer.email),
            // Every stored badge passed the checks that bind it to its issuer's id.
            issuer_standing: known.standing_of(text(&info.issuer.id).as_deref()).into(),
            issued_on: date(&info.issued_on, &reader),
            expires: date(&info.expires, &reader),
            evidence: strings(&info.evidence),
            tags: strings(&info.tags),
            alignments: alignments(&info.alignments),
            endorsements: endorsements(&info.endorsements, known),
            renewable: info.refresh.is_some()
                && matches!(badge.status, BadgeStatus::Expired | BadgeStatus::Revoked),
            status: badge.status.into(),
            spec: badge.spec.into(),
            method: badge.method.map(Into::into),
            recipient: text(&report.recipient.identity),
            checks,
            verified_at: reader.when(badge.verified_at),
            received_at: reader.when(badge.created_at),
            history,
            original_url: format!("/api/badges/{}/original", badge.id),
            original_sha256: badge.original_sha256.clone(),
        }
    }
}
