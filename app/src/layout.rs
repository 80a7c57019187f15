//! The frame around every page: skip link, header with navigation and language switch, footer.
use crate::account::{me, set_language, CurrentUser, Logout};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    // The learner for the navigation links, refreshed on every navigation (login and logout
    // navigate).
    let user = Resource::new(
        move || location.pathname.get(),
        |_| async { me().await.ok().flatten() },
    );
    // Browser tests wait for this marker: clicks before hydration would be lost.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="bar">
                <A href="/" attr:class="brand">
                    <img src="/favicon.svg" alt="" width="32" height="32" />
                    <span>{t!(i18n, site_name)}</span>
                </A>
                <nav aria-label=move || t_string!(i18n, nav.main).to_string()>
                    <Transition fallback=|| ()>
                        {move || user.get().map(|user| view! { <NavLinks user /> })}
                    </Transition>
                    <LanguageSwitch />
                </nav>
            </div>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>{t!(i18n, footer.text)}</p>
        </footer>
    }
}

#[component]
fn NavLinks(user: Option<CurrentUser>) -> impl IntoView {
    let i18n = use_i18n();
    match user {
        Some(_) => {
            let logout = ServerAction::<Logout>::new();
            view! {
                <A href="/backpack">{t!(i18n, nav.backpack)}</A>
                <A href="/collections">{t!(i18n, nav.collections)}</A>
                <A href="/settings">{t!(i18n, nav.settings)}</A>
                <ActionForm action=logout attr:class="inline-form">
                    <button type="submit" class="link-button">{t!(i18n, nav.logout)}</button>
                </ActionForm>
            }
            .into_any()
        }
        None => view! {
            <A href="/login">{t!(i18n, nav.login)}</A>
            <A href="/signup" attr:class="button button-small">{t!(i18n, nav.signup)}</A>
        }
        .into_any(),
    }
}

/// Switches the interface language at once (needs the wasm), remembers it in a cookie and,
/// for a logged-in learner, in the account. Settings has a form that works without wasm.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::en => Locale::fr,
            Locale::fr => Locale::en,
        };
        i18n.set_locale(next);
        let code = next.as_str().to_string();
        leptos::task::spawn_local(async move {
            let _ = set_language(code).await;
        });
    };
    view! {
        <button
            type="button"
            class="lang-switch"
            lang=move || match i18n.get_locale() { Locale::en => "fr", Locale::fr => "en" }
            aria-label=move || t_string!(i18n, nav.switch_to_label).to_string()
            on:click=switch
        >
            {t!(i18n, nav.switch_to)}
        </button>
    }
}
