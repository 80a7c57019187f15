//! Issuer platforms as the learner sees them: the consent page of a connection request,
//! the inbox of pushed badges, and the connected platforms in settings. Every action is a
//! plain form posting to a server function that redirects: no wasm is needed.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A connection request waiting for the learner's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingConnection {
    pub request: String,
    pub platform: String,
    /// The platform's own site, as it registered it.
    pub platform_site: Option<String>,
    /// Where the answer goes back to (the redirect URI's host).
    pub return_host: String,
    pub permissions: Vec<Permission>,
    pub learner_email: String,
}

/// What a scope lets a platform do, in words a learner understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    ReadBadges,
    SendBadges,
    ReadProfile,
    UpdateProfile,
    /// A platform password's site: list the published collections and their badges.
    ListPublished,
    /// A platform password's site: list every collection and its badges.
    ListAll,
}

impl Permission {
    pub fn of_scope(scope: &str) -> Option<Self> {
        let name = scope.rsplit('/').next()?;
        match name {
            "rw:backpack" => Some(Self::SendBadges),
            "r:profile" => Some(Self::ReadProfile),
            "besace:collections.published" => Some(Self::ListPublished),
            "besace:collections.all" => Some(Self::ListAll),
            "assertion.readonly" | "credential.readonly" => Some(Self::ReadBadges),
            "assertion.create" | "credential.upsert" => Some(Self::SendBadges),
            "profile.readonly" => Some(Self::ReadProfile),
            "profile.update" => Some(Self::UpdateProfile),
            _ => None,
        }
    }

    /// The distinct permissions of some scopes (OB 2.1 and 3.0 say the same things twice).
    pub fn of_scopes<'a>(scopes: impl IntoIterator<Item = &'a str>) -> Vec<Self> {
        let mut permissions: Vec<Self> = Vec::new();
        for permission in scopes.into_iter().filter_map(Self::of_scope) {
            if !permissions.contains(&permission) {
                permissions.push(permission);
            }
        }
        permissions
    }
}

/// A pushed badge waiting in the inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    pub platform: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub description: Option<String>,
    /// Checks that failed when the learner last tried to accept it, in their language.
    pub problems: Vec<String>,
}

/// A platform the learner connected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformEntry {
    pub id: i64,
    pub name: String,
    pub site: Option<String>,
    /// `YYYY-MM-DD`.
    pub connected_on: String,
    pub last_used_on: Option<String>,
    pub permissions: Vec<Permission>,
    /// Connected with a platform password (rather than through a consent page).
    pub with_password: bool,
    /// Badges it pushed that are now in the backpack: id and name.
    pub pushed: Vec<(i64, String)>,
    pub waiting: u64,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::server::{inbox, oauth, oauth_clients, request::*};

    pub fn host(uri: &str) -> String {
        url::Url::parse(uri)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// The connection request kept in the learner's session, if there is one.
#[server(prefix = "/api", endpoint = "connection_request")]
pub async fn connection_request() -> Result<Option<PendingConnection>, AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    let session = session().await?;
    let Some(pending) = session
        .get::<oauth::PendingAuthorization>(oauth::PENDING_KEY)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let Some(client) = oauth_clients::find_by_id(&state.db, pending.client_id)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    Ok(Some(PendingConnection {
        request: pending.id.clone(),
        platform: client.name,
        platform_site: client.client_uri,
        return_host: host(&pending.redirect_uri),
        permissions: Permission::of_scopes(pending.scopes.iter().map(String::as_str)),
        learner_email: user.email,
    }))
}

/// The learner's answer to a connection request: the browser goes back to the platform
/// with a code, or with `access_denied`.
#[server(prefix = "/api", endpoint = "decide_connection")]
pub async fn decide_connection(request: String, decision: String) -> Result<(), AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    let session = session().await?;
    let pending = session
        .remove::<oauth::PendingAuthorization>(oauth::PENDING_KEY)
        .await
        .map_err(internal)?
        .filter(|pending| pending.id == request);
    let Some(pending) = pending else {
        // Stale or forged: the consent page now says the request is no longer valid.
        leptos_axum::redirect("/connect");
        return Ok(());
    };
    let mut pairs = Vec::new();
    if decision == "allow" {
        let code = oauth::approve(&state.db, user.id, &pending)
            .await
            .map_err(internal)?;
        tracing::info!(
            user_id = user.id,
            client = pending.client_id,
            "platform connected"
        );
        pairs.push(("code", code));
        // OB 3.0 names the granted scope here; older Moodle callbacks require it.
        pairs.push(("scope", pending.scopes.join(" ")));
    } else {
        pairs.push(("error", "access_denied".to_owned()));
        pairs.push(("error_description", "the learner declined".to_owned()));
    }
    pairs.extend(pending.state.clone().map(|state| ("state", state)));
    let mut target = url::Url::parse(&pending.redirect_uri).map_err(internal)?;
    target.query_pairs_mut().extend_pairs(pairs);
    leptos_axum::redirect(target.as_str());
    Ok(())
}

#[server(prefix = "/api", endpoint = "my_inbox")]
pub async fn my_inbox() -> Result<Vec<InboxEntry>, AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    let reader = crate::dates::reader().await;
    let lang = reader.lang;
    let items = inbox::list(&state.db, user.id).await.map_err(internal)?;
    // Most items come from the same few platforms: read each name once.
    let mut names = std::collections::HashMap::new();
    let mut entries = Vec::with_capacity(items.len());
    for item in items {
        if let std::collections::hash_map::Entry::Vacant(entry) = names.entry(item.client_id) {
            let client = oauth_clients::find_by_id(&state.db, item.client_id)
                .await
                .map_err(internal)?;
            entry.insert(client.map(|client| client.name).unwrap_or_default());
        }
        let platform = names[&item.client_id].clone();
        let report = crate::server::badges::StoredReport::read(&item.report);
        entries.push(InboxEntry {
            id: item.id,
            name: item.name,
            issuer: item.issuer_name,
            platform,
            received_on: reader.day(item.received_at),
            problems: report.problems(lang),
            description: report.badge.description,
        });
    }
    Ok(entries)
}

/// Moves a waiting badge into the backpack (checked again first).
#[server(prefix = "/api", endpoint = "accept_inbox")]
pub async fn accept_inbox(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    match inbox::accept(&state.store, state.fetcher.as_ref(), user.id, id)
        .await
        .map_err(internal)?
    {
        inbox::Accepted::InBackpack(badge_id) => {
            tracing::info!(user_id = user.id, badge_id, "pushed badge accepted");
            leptos_axum::redirect(&format!("/inbox?accepted={badge_id}"));
            Ok(())
        }
        inbox::Accepted::Refused(_) => {
            leptos_axum::redirect("/inbox");
            Ok(())
        }
        inbox::Accepted::NotFound => fail(AppError::NotFound),
    }
}

#[server(prefix = "/api", endpoint = "decline_inbox")]
pub async fn decline_inbox(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    if !inbox::decline(&state.db, user.id, id).await.map_err(internal)? {
        return fail(AppError::NotFound);
    }
    leptos_axum::redirect("/inbox");
    Ok(())
}

#[server(prefix = "/api", endpoint = "my_platforms")]
pub async fn my_platforms() -> Result<Vec<PlatformEntry>, AppError> {
    use self::ssr::*;
    use crate::server::badges;
    let state = state();
    let user = require_user().await?;
    let reader = crate::dates::reader().await;
    let grants = oauth::grants_of_user(&state.db, user.id)
        .await
        .map_err(internal)?;
    let mut entries = Vec::with_capacity(grants.len());
    for grant in grants {
        let Some(client) = oauth_clients::find_by_id(&state.db, grant.client_id)
            .await
            .map_err(internal)?
        else {
            continue;
        };
        let pushed = badges::pushed_by(&state.db, user.id, client.id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|badge| (badge.id, badge.name))
            .collect();
        let waiting = inbox::count_from(&state.db, user.id, client.id)
            .await
            .map_err(internal)?;
        let with_password = oauth::passwords::is_password_client(&client);
        entries.push(PlatformEntry {
            id: grant.id,
            name: client.name,
            site: client.client_uri,
            connected_on: reader.day(grant.created_at),
            last_used_on: grant.last_used_at.map(|at| reader.day(at)),
            permissions: Permission::of_scopes(grant.scope.split_whitespace()),
            with_password,
            pushed,
            waiting,
        });
    }
    Ok(entries)
}

/// Disconnects a platform: every token it holds stops working at once.
#[server(prefix = "/api", endpoint = "disconnect_platform")]
pub async fn disconnect_platform(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    if !oauth::disconnect(&state.db, user.id, id)
        .await
        .map_err(internal)?
    {
        return fail(AppError::NotFound);
    }
    tracing::info!(user_id = user.id, grant = id, "platform disconnected");
    leptos_axum::redirect("/settings#platforms");
    Ok(())
}

/// How many pushed badges wait in the learner's inbox.
#[server(prefix = "/api", endpoint = "inbox_count")]
pub async fn inbox_count() -> Result<u64, AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    inbox::count(&state.db, user.id).await.map_err(internal)
}
