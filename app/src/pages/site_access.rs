//! Settings sections for other sites: a platform password for a site that asks for an
//! address and a password (Moodle), shown once; and whether e-portfolio sites (Mahara) may
//! find the published collections by address; and badges brought from another backpack.
//! Plain forms: no wasm is needed.
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::site_access::{
    my_eportfolio, my_remote_backpacks, new_platform_password, ConnectBackpack, CreatePlatformPassword,
    EportfolioSetting, ImportAgain, NewPassword, RemoteEntry, RemoteState, RemoveBackpack, SetEportfolio,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

type Created = Resource<Result<Option<NewPassword>, crate::AppError>>;
type Setting = Resource<Result<EportfolioSetting, crate::AppError>>;
type Remotes = Resource<Result<Vec<RemoteEntry>, crate::AppError>>;

/// The resources these sections read; made by the page, outside its `Suspense` (see
/// `settings.rs`).
pub fn resources() -> (Created, Setting, Remotes) {
    (
        Resource::new(|| (), |_| new_platform_password()),
        Resource::new(|| (), |_| my_eportfolio()),
        Resource::new(|| (), |_| my_remote_backpacks()),
    )
}

#[component]
pub fn PlatformPasswordSection(
    created: Resource<Result<Option<NewPassword>, crate::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="platform-password" aria-labelledby="platform-password-title">
            <h2 id="platform-password-title">{t!(i18n, site_access.password_title)}</h2>
            <p>{t!(i18n, site_access.password_intro)}</p>
            <Transition fallback=|| ()>
                {move || created.get().map(|result| match result {
                    Ok(Some(shown)) => view! { <CreatedPassword shown /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
            </Transition>
            <form method="post" action=CreatePlatformPassword::url()>
                <div class="field">
                    <label for="platform-site">{t!(i18n, site_access.site_label)}</label>
                    <input id="platform-site" name="site" type="text" required maxlength="80" aria-describedby="platform-site-hint" />
                    <p class="hint" id="platform-site-hint">{t!(i18n, site_access.site_hint)}</p>
                </div>
                <fieldset class="choices">
                    <legend>{t!(i18n, site_access.listing_legend)}</legend>
                    <ul>
                        <li>
                            <input type="radio" name="collections" id="listing-published" value="published" checked />
                            <label for="listing-published">{t!(i18n, site_access.listing_published)}</label>
                        </li>
                        <li>
                            <input type="radio" name="collections" id="listing-all" value="all" />
                            <label for="listing-all">{t!(i18n, site_access.listing_all)}</label>
                        </li>
                    </ul>
                </fieldset>
                <button type="submit" class="button">{t!(i18n, site_access.password_submit)}</button>
            </form>
        </section>
    }
}

/// The password, in large type, with what to type where; it is not shown again.
#[component]
fn CreatedPassword(shown: NewPassword) -> impl IntoView {
    let i18n = use_i18n();
    let NewPassword {
        site,
        password,
        email,
    } = shown;
    view! {
        <div class="alert alert-success" role="status" id="new-platform-password">
            <p><strong>{t!(i18n, site_access.created_title, site = move || site.clone())}</strong></p>
            <p class="secret"><code>{password}</code></p>
            <p>{t!(i18n, site_access.created_text, email = move || email.clone())}</p>
            <p class="aside">{t!(i18n, site_access.moodle_help)}</p>
        </div>
    }
}

#[component]
pub fn EportfolioSection(setting: Setting) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="eportfolio" aria-labelledby="eportfolio-title">
            <h2 id="eportfolio-title">{t!(i18n, site_access.eportfolio_title)}</h2>
            <p>{t!(i18n, site_access.eportfolio_text)}</p>
            <Transition fallback=|| ()>
                {move || setting.get().map(|result| match result {
                    Ok(setting) => view! { <EportfolioForm setting /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EportfolioForm(setting: EportfolioSetting) -> impl IntoView {
    let i18n = use_i18n();
    let on = setting.on;
    view! {
        {if on {
            view! {
                <p><strong>{t!(i18n, site_access.eportfolio_on)}</strong></p>
                <p>{t!(i18n, site_access.eportfolio_addresses)}</p>
                <ul>{setting.addresses.into_iter().map(|address| view! { <li>{address}</li> }).collect_view()}</ul>
            }.into_any()
        } else {
            view! { <p>{t!(i18n, site_access.eportfolio_off)}</p> }.into_any()
        }}
        <form method="post" action=SetEportfolio::url() class="inline-form">
            <input type="hidden" name="on" value=if on { "off" } else { "on" } />
            <button type="submit" class=if on { "button button-secondary" } else { "button" }>
                {if on { t!(i18n, site_access.eportfolio_turn_off).into_any() } else { t!(i18n, site_access.eportfolio_turn_on).into_any() }}
            </button>
        </form>
    }
}

/// Bringing badges from another backpack (OB 3.0): the address to connect, what became of
/// the last attempt (`?remote=`), and each connection with where its import stands. While
/// an import runs the page reloads itself every few seconds (no wasm needed).
#[component]
pub fn RemoteSection(remotes: Remotes) -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let outcome = move || query.read().get("remote");
    view! {
        <section class="panel" id="remote" aria-labelledby="remote-title">
            <h2 id="remote-title">{t!(i18n, site_access.remote_title)}</h2>
            <p>{t!(i18n, site_access.remote_intro)}</p>
            {move || outcome().map(|code| {
                let text = match code.as_str() {
                    "bad_address" => t_string!(i18n, site_access.remote_bad_address).to_string(),
                    "no_description" => t_string!(i18n, site_access.remote_no_description).to_string(),
                    "declined" => t_string!(i18n, site_access.remote_declined).to_string(),
                    "stale" => t_string!(i18n, site_access.remote_stale).to_string(),
                    _ => t_string!(i18n, site_access.remote_refused).to_string(),
                };
                view! { <p class="alert alert-error" role="alert">{text}</p> }
            })}
            <Transition fallback=|| ()>
                {move || remotes.get().map(|result| match result {
                    Ok(list) => view! {
                        {list.iter().any(|r| r.state == RemoteState::Running).then(|| view! { <leptos_meta::Meta http_equiv="refresh" content="3" /> })}
                        <ul class="platform-list">
                            {list.into_iter().map(|remote| view! { <RemoteItem remote /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
            </Transition>
            <form method="post" action=ConnectBackpack::url()>
                <div class="field">
                    <label for="remote-address">{t!(i18n, site_access.remote_label)}</label>
                    <input id="remote-address" name="address" type="text" inputmode="url" required maxlength="300" autocomplete="url" aria-describedby="remote-address-hint" />
                    <p class="hint" id="remote-address-hint">{t!(i18n, site_access.remote_hint)}</p>
                </div>
                <button type="submit" class="button">{t!(i18n, site_access.remote_submit)}</button>
            </form>
        </section>
    }
}

#[component]
fn RemoteItem(remote: RemoteEntry) -> impl IntoView {
    let i18n = use_i18n();
    let RemoteEntry {
        id,
        name,
        host,
        connected_on,
        state,
        imported_at,
        done,
        added,
        already,
        refused,
    } = remote;
    let label = name.clone();
    let running = state == RemoteState::Running;
    let status = match state {
        RemoteState::Running => t_string!(i18n, site_access.remote_running, done = done).to_string(),
        RemoteState::Failed => t_string!(i18n, site_access.remote_failed).to_string(),
        RemoteState::Done => t_string!(
            i18n,
            site_access.remote_summary,
            date = imported_at.clone().unwrap_or_default(),
            added = added,
            already = already,
            refused = refused
        )
        .to_string(),
    };
    view! {
        <li class="platform">
            <h3>{name}</h3>
            <p class="aside site">{host}</p>
            <p>{t!(i18n, platforms.since, date = move || connected_on.clone())}</p>
            <p role="status">{status}</p>
            {(!running).then(|| view! {
                <form method="post" action=ImportAgain::url() class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button">{t!(i18n, site_access.remote_again)}</button>
                </form>
            })}
            <form method="post" action=RemoveBackpack::url() class="inline-form">
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button button-secondary" aria-label=move || t_string!(i18n, site_access.remote_remove_label, name = label.clone()).to_string()>
                    {t!(i18n, site_access.remote_remove)}
                </button>
            </form>
        </li>
    }
}
