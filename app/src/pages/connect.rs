//! The consent page of a platform's connection request (OAuth 2.0 authorization): who asks,
//! for what, on which account; two plain buttons. No wasm needed.
use super::RequireUser;
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::platforms::{connection_request, DecideConnection, PendingConnection, Permission};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Connect() -> impl IntoView {
    let i18n = use_i18n();
    let request = Resource::new(|| (), |_| connection_request());
    // `?error=`: the request could not be trusted (unknown platform, unregistered address).
    let untrusted = use_query_map().with_untracked(|query| query.get("error").is_some());
    view! {
        <Title text=move || t_string!(i18n, connect.title).to_string() />
        <RequireUser children=move |_user| {
            view! {
                <Suspense fallback=|| ()>
                    {move || request.get().map(|result| match result {
                        Ok(Some(request)) if !untrusted => view! { <Consent request /> }.into_any(),
                        Ok(_) => view! { <NoRequest untrusted /> }.into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    })}
                </Suspense>
            }
        } />
    }
}

#[component]
fn Consent(request: PendingConnection) -> impl IntoView {
    let i18n = use_i18n();
    let platform = request.platform.clone();
    let return_host = request.return_host.clone();
    let email = request.learner_email.clone();
    view! {
        <section class="panel consent" aria-labelledby="consent-title">
            <h1 id="consent-title">{t!(i18n, connect.asks, platform = move || platform.clone())}</h1>
            {request.platform_site.clone().map(|site| view! {
                <p class="aside">{t!(i18n, connect.site)} " " <span class="site">{site}</span></p>
            })}
            <p>{t!(i18n, connect.account, email = move || email.clone())}</p>
            <h2>{t!(i18n, connect.permissions)}</h2>
            <ul class="permissions">
                {request.permissions.iter().map(|permission| view! { <li>{permission_text(*permission)}</li> }).collect_view()}
            </ul>
            <p>{t!(i18n, connect.inbox_note)}</p>
            <p class="aside">{t!(i18n, connect.return_to, host = move || return_host.clone())}</p>
            <form method="post" action=DecideConnection::url() class="consent-actions">
                <input type="hidden" name="request" value=request.request.clone() />
                <button type="submit" name="decision" value="allow" class="button">{t!(i18n, connect.allow)}</button>
                <button type="submit" name="decision" value="deny" class="button button-secondary">{t!(i18n, connect.deny)}</button>
            </form>
            <p class="aside">{t!(i18n, connect.revoke_note)} " " <a href="/settings#platforms">{t!(i18n, nav.settings)}</a></p>
        </section>
    }
}

/// What a scope lets a platform do, in the page's language.
pub(super) fn permission_text(permission: Permission) -> impl IntoView {
    let i18n = use_i18n();
    match permission {
        Permission::ReadBadges => t_string!(i18n, connect.read_badges).to_string(),
        Permission::SendBadges => t_string!(i18n, connect.send_badges).to_string(),
        Permission::ReadProfile => t_string!(i18n, connect.read_profile).to_string(),
        Permission::UpdateProfile => t_string!(i18n, connect.update_profile).to_string(),
        Permission::ListPublished => t_string!(i18n, connect.list_published).to_string(),
        Permission::ListAll => t_string!(i18n, connect.list_all).to_string(),
    }
}

#[component]
fn NoRequest(untrusted: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel">
            <h1>{t!(i18n, connect.title)}</h1>
            <p class="alert alert-error" role="alert">
                {if untrusted {
                    t_string!(i18n, connect.untrusted).to_string()
                } else {
                    t_string!(i18n, connect.no_request).to_string()
                }}
            </p>
            <p><a class="button" href="/backpack">{t!(i18n, nav.backpack)}</a></p>
        </section>
    }
}
