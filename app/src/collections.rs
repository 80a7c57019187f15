//! Collections as the pages see them, and what a learner can do with them: create, rename,
//! fill, order, publish under a link and unpublish.
use crate::badges::BadgeCard;
use crate::error::AppError;
pub use crate::sharing::ShareLinks;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One collection in the learner's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionCard {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub badge_count: u64,
    /// The day it was published, in the reader's words, while published.
    pub published_at: Option<String>,
}

/// A collection in full, for its owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionDetail {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The day it was published, in the reader's words, while published.
    pub published_at: Option<String>,
    /// The public link, while published.
    pub share_url: Option<String>,
    pub allow_indexing: bool,
    pub badges: Vec<BadgeCard>,
    /// Ready-made share links, while published.
    pub share: Option<ShareLinks>,
    /// Each badge as text to paste into a Europass CV, while published (it needs the link).
    pub europass: Option<Vec<EuropassText>>,
}

/// One badge as a Europass CV takes it (title, organisation, date, link), in French and in
/// English: a CV's language need not be the learner's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EuropassText {
    pub id: i64,
    pub name: String,
    pub fr: String,
    pub en: String,
}

/// Whether one of the learner's collections holds a given badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub id: i64,
    pub name: String,
    pub holds: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::i18n::Locale;
    use crate::server::badges::BadgeSummary;
    use crate::server::collections::{self, Collection, CollectionText};
    use crate::server::{request::*, users::User, AppState};
    use leptos_i18n::td_string;

    pub fn card(badge: BadgeSummary, reader: &crate::dates::Reader) -> BadgeCard {
        BadgeCard {
            image: badge.image_url(),
            id: badge.id,
            name: badge.name,
            issuer: badge.issuer_name,
            issued_on: badge.issued_on.map(|at| reader.day(at)),
            status: badge.status.into(),
        }
    }

    pub fn text(name: &str, description: &str) -> Result<CollectionText, AppError> {
        match CollectionText::parse(name, description) {
            Some(text) => Ok(text),
            None => fail(AppError::InvalidCollectionName),
        }
    }

    /// The caller and their collection `id` (401 without a session, 404 when not theirs).
    pub async fn owned(id: i64) -> Result<(AppState, User, Collection), AppError> {
        let state = state();
        let user = require_user().await?;
        match collections::find_owned(&state.db, user.id, id)
            .await
            .map_err(internal)?
        {
            Some(collection) => Ok((state, user, collection)),
            None => fail(AppError::NotFound),
        }
    }

    pub async fn detail(
        state: &AppState,
        user: &User,
        collection: Collection,
    ) -> Result<CollectionDetail, AppError> {
        let reader = crate::dates::reader().await;
        let locale = match reader.lang {
            besace_badges::Lang::Fr => Locale::fr,
            _ => Locale::en,
        };
        let badges = collections::badges_of(&state.db, collection.id)
            .await
            .map_err(internal)?;
        let share = collection.share_token.as_ref().map(|token| {
            let link = format!("{}/g/{token}", state.public_url);
            let subject =
                td_string!(locale, share.mail_subject, title = collection.name.as_str()).to_string();
            let target = crate::sharing::ssr::Target {
                subject,
                title: &collection.name,
                json: Some(format!("{link}/collection.json")),
                pdf: format!("{link}/portfolio.pdf"),
                badge_page: &|id| format!("{link}/badges/{id}"),
                link: &link,
            };
            crate::sharing::ssr::links(&target, user, &badges, locale)
        });
        let europass = collection.share_token.as_ref().map(|token| {
            let link = format!("{}/g/{token}", state.public_url);
            badges
                .iter()
                .map(|badge| europass(&format!("{link}/badges/{}", badge.id), badge))
                .collect()
        });
        Ok(CollectionDetail {
            id: collection.id,
            europass,
            share_url: collection
                .share_token
                .as_ref()
                .map(|token| format!("{}/g/{token}", state.public_url)),
            name: collection.name,
            description: collection.description,
            published_at: collection.published_at.map(|at| reader.day(at)),
            allow_indexing: collection.allow_indexing,
            badges: badges.into_iter().map(|badge| card(badge, &reader)).collect(),
            share,
        })
    }

    /// One badge in a Europass CV's words, with its public page.
    fn europass(page: &str, badge: &BadgeSummary) -> EuropassText {
        let in_words = |locale: Locale, lang: besace_badges::Lang| {
            let (title, issuer, link) = (badge.name.as_str(), badge.issuer_name.as_str(), page);
            match badge.issued_on {
                Some(at) => {
                    let date = crate::dates::Reader::new(lang, None).day(at);
                    td_string!(locale, paper.entry, title, issuer, date, link).to_string()
                }
                None => td_string!(locale, paper.entry_undated, title, issuer, link).to_string(),
            }
        };
        EuropassText {
            id: badge.id,
            name: badge.name.clone(),
            fr: in_words(Locale::fr, besace_badges::Lang::Fr),
            en: in_words(Locale::en, besace_badges::Lang::En),
        }
    }

    /// The answer for a write that found nothing of the learner's to change.
    pub fn found(changed: bool) -> Result<(), AppError> {
        if changed {
            Ok(())
        } else {
            fail(AppError::NotFound)
        }
    }
}

#[server(prefix = "/api", endpoint = "my_collections")]
pub async fn my_collections() -> Result<Vec<CollectionCard>, AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let list = collections::list(&state.db, user.id).await.map_err(internal)?;
    let reader = crate::dates::reader().await;
    Ok(list
        .into_iter()
        .map(|summary| CollectionCard {
            id: summary.collection.id,
            name: summary.collection.name,
            description: summary.collection.description,
            badge_count: summary.badge_count,
            published_at: summary.collection.published_at.map(|at| reader.day(at)),
        })
        .collect())
}

/// Creates a private collection and answers its id.
#[server(prefix = "/api", endpoint = "create_collection")]
pub async fn create_collection(name: String, description: String) -> Result<i64, AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let text = ssr::text(&name, &description)?;
    let collection = collections::create(&state.db, user.id, text)
        .await
        .map_err(internal)?;
    tracing::info!(
        user_id = user.id,
        collection_id = collection.id,
        "collection created"
    );
    Ok(collection.id)
}

#[server(prefix = "/api", endpoint = "collection")]
pub async fn get_collection(id: i64) -> Result<CollectionDetail, AppError> {
    let (state, user, collection) = ssr::owned(id).await?;
    ssr::detail(&state, &user, collection).await
}

#[server(prefix = "/api", endpoint = "update_collection")]
pub async fn update_collection(id: i64, name: String, description: String) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let text = ssr::text(&name, &description)?;
    let changed = collections::update(&state.store, user.id, id, text)
        .await
        .map_err(internal)?;
    ssr::found(changed)
}

/// Deletes the collection (its badges stay in the backpack; its link dies with it).
#[server(prefix = "/api", endpoint = "delete_collection")]
pub async fn delete_collection(id: i64) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let deleted = collections::delete(&state.store, user.id, id)
        .await
        .map_err(internal)?;
    if deleted {
        tracing::info!(user_id = user.id, collection_id = id, "collection deleted");
    }
    ssr::found(deleted)
}

/// Publishes under a new link (`publish = true`) or makes private again at once.
#[server(prefix = "/api", endpoint = "publish_collection")]
pub async fn publish_collection(id: i64, publish: bool) -> Result<CollectionDetail, AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let changed = if publish {
        collections::publish(&state.store, user.id, id).await
    } else {
        collections::unpublish(&state.store, user.id, id).await
    }
    .map_err(internal)?;
    let Some(collection) = changed else {
        return fail(AppError::NotFound);
    };
    tracing::info!(
        user_id = user.id,
        collection_id = id,
        publish,
        "collection visibility changed"
    );
    ssr::detail(&state, &user, collection).await
}

/// Lets search engines index the public gallery, or not (the default).
#[server(prefix = "/api", endpoint = "set_collection_indexing")]
pub async fn set_collection_indexing(id: i64, allow: bool) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let changed = collections::set_allow_indexing(&state.store, user.id, id, allow)
        .await
        .map_err(internal)?;
    ssr::found(changed)
}

/// Puts a badge in a collection or takes it out (`holds`).
#[server(prefix = "/api", endpoint = "set_collection_badge")]
pub async fn set_collection_badge(id: i64, badge_id: i64, holds: bool) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let changed = if holds {
        collections::add_badge(&state.store, user.id, id, badge_id).await
    } else {
        collections::remove_badge(&state.store, user.id, id, badge_id).await
    }
    .map_err(internal)?;
    ssr::found(changed)
}

/// Puts several badges in a collection at once (the backpack's multi-select); all or none.
#[server(prefix = "/api", endpoint = "add_badges_to_collection")]
pub async fn add_badges_to_collection(id: i64, badge_ids: Vec<i64>) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let added = collections::add_badges(&state.store, user.id, id, &badge_ids)
        .await
        .map_err(internal)?;
    ssr::found(added)
}

/// Moves a badge one place earlier (`up`) or later in the collection.
#[server(prefix = "/api", endpoint = "move_collection_badge")]
pub async fn move_collection_badge(id: i64, badge_id: i64, up: bool) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let (state, user, _) = ssr::owned(id).await?;
    let mut order: Vec<i64> = collections::badges_of(&state.db, id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|badge| badge.id)
        .collect();
    let Some(at) = order.iter().position(|b| *b == badge_id) else {
        return fail(AppError::NotFound);
    };
    let to = if up {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|to| *to < order.len())
    };
    if let Some(to) = to {
        order.swap(at, to);
        collections::reorder(&state.store, user.id, id, &order)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// Puts the collection's badges in this order (drag and drop): it must name each once.
#[server(prefix = "/api", endpoint = "reorder_collection")]
pub async fn reorder_collection(id: i64, order: Vec<i64>) -> Result<(), AppError> {
    use crate::server::{collections, request::*};
    let state = state();
    let user = require_user().await?;
    let changed = collections::reorder(&state.store, user.id, id, &order)
        .await
        .map_err(internal)?;
    ssr::found(changed)
}

/// The learner's collections and whether each holds the badge (for the badge page).
#[server(prefix = "/api", endpoint = "badge_collections")]
pub async fn badge_collections(badge_id: i64) -> Result<Vec<Membership>, AppError> {
    use crate::server::{badges, collections, request::*};
    let state = state();
    let user = require_user().await?;
    if !badges::owns(&state.db, user.id, badge_id)
        .await
        .map_err(internal)?
    {
        return fail(AppError::NotFound);
    }
    let list = collections::memberships(&state.db, user.id, badge_id)
        .await
        .map_err(internal)?;
    Ok(list
        .into_iter()
        .map(|(collection, holds)| Membership {
            id: collection.id,
            name: collection.name,
            holds,
        })
        .collect())
}
