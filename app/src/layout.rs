//! The frame around every page: skip link, header with navigation and language switch, footer.
//! Server-rendered; the language switch and logout are plain forms (no wasm needed).
use crate::account::{me, CurrentUser, Logout, SetLanguage};
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // The learner for the navigation links (every navigation is a page load).
    let user = Resource::new(|| (), |_| async { me().await.ok().flatten() });
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="bar">
                <a href="/" class="brand">
                    <img src="/favicon.svg" alt="" width="32" height="32" />
                    <span>{t!(i18n, site_name)}</span>
                </a>
                <Transition fallback=|| ()>
                    {move || user.get().map(|user| view! { <Navigation user /> })}
                </Transition>
            </div>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t!(i18n, footer.text)}</p>
        </footer>
        {crate::has_islands().then(|| view! { <HydrationMarker /> })}
    }
}

/// Last in the page, so it hydrates after every other island: browser tests wait for its
/// marker, since a click before hydration would be lost.
#[island]
fn HydrationMarker() -> impl IntoView {
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
        crate::pages::restore_focus();
    });
}

/// The menu. A learner's is one line of links on a wide screen and, on a phone, one
/// "Menu" button (a plain disclosure: no wasm) that unfolds them, so the header stays one
/// line and the page's first screen shows the page. Only one of the two is displayed.
#[component]
fn Navigation(user: Option<CurrentUser>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || t_string!(i18n, nav.main).to_string();
    match user {
        Some(user) => {
            let waiting = user.inbox;
            let phone_user = user.clone();
            view! {
                <nav class="nav-wide" aria-label=label>
                    <NavLinks user=Some(user) />
                    <LanguageSwitch />
                </nav>
                <details class="nav-phone">
                    <summary>
                        {t!(i18n, nav.menu)}
                        {(waiting > 0).then(|| view! {
                            <span class="count">{waiting}</span>
                            <span class="visually-hidden">" " {t!(i18n, nav.inbox_waiting)}</span>
                        })}
                    </summary>
                    <nav class="nav-panel" aria-label=label>
                        <NavLinks user=Some(phone_user) />
                        <LanguageSwitch />
                    </nav>
                </details>
            }
            .into_any()
        }
        None => view! {
            <nav aria-label=label>
                <NavLinks user=None />
                <LanguageSwitch />
            </nav>
        }
        .into_any(),
    }
}

#[component]
fn NavLinks(user: Option<CurrentUser>) -> impl IntoView {
    let i18n = use_i18n();
    // The menu says which page this is (every navigation is a page load: read once).
    let path = leptos_router::hooks::use_location().pathname.get_untracked();
    let current = move |href: &str| {
        let here = path == href || path.starts_with(&format!("{href}/"));
        here.then_some("page")
    };
    match user {
        Some(user) => {
            let waiting = user.inbox;
            view! {
                <a href="/backpack" aria-current=current("/backpack")>{t!(i18n, nav.backpack)}</a>
                <a href="/collections" aria-current=current("/collections")>{t!(i18n, nav.collections)}</a>
                // Shown while platforms' badges wait: the learner sees at once that some came.
                {(waiting > 0).then(|| view! {
                    <a href="/inbox" aria-current=current("/inbox")>
                        {t!(i18n, nav.inbox)} " " <span class="count">{waiting}</span>
                        <span class="visually-hidden">" " {t!(i18n, nav.inbox_waiting)}</span>
                    </a>
                })}
                <a href="/settings" aria-current=current("/settings")>{t!(i18n, nav.settings)}</a>
                <LogoutButton />
            }
            .into_any()
        }
        None => view! {
            <a href="/login">{t!(i18n, nav.login)}</a>
            <a href="/signup" class="button button-small">{t!(i18n, nav.signup)}</a>
        }
        .into_any(),
    }
}

/// A plain form posting to the logout function (which redirects home): no wasm needed.
#[component]
fn LogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action=Logout::url() class="inline-form">
            <button type="submit" class="link-button">{t!(i18n, nav.logout)}</button>
        </form>
    }
}

/// A plain form posting the other language to `set_language`, which remembers it (cookie,
/// and account for a learner) and sends the browser back to the same page, now in that
/// language: no wasm needed.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let other = match i18n.get_locale_untracked() {
        Locale::en => Locale::fr,
        Locale::fr => Locale::en,
    };
    view! {
        <form method="post" action=SetLanguage::url() class="inline-form">
            <input type="hidden" name="language" value=other.as_str() />
            <button
                type="submit"
                class="lang-switch"
                lang=other.as_str()
                aria-label=t_string!(i18n, nav.switch_to_label).to_string()
            >
                {t!(i18n, nav.switch_to)}
            </button>
        </form>
    }
}
