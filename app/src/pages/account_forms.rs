//! Sign-up and login. Plain forms posting to server functions: they work before (and
//! without) the wasm, and show errors in place once it has loaded.
use super::action_error;
use crate::account::{Login as LoginFn, Signup as SignupFn};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page to come back to after logging in (`?next=`), e.g. a platform's connection request.
fn next_page() -> Option<String> {
    super::query_param("next")
}

fn with_next(path: &str, next: &Option<String>) -> String {
    match next {
        Some(next) => format!("{path}?next={}", urlencoding(next)),
        None => path.to_owned(),
    }
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The error a plain post of the form came back with (no wasm: `request::or_back`). It
/// stays outside the islands, so the wasm carries nothing for it.
#[component]
fn PostedError() -> impl IntoView {
    crate::AppError::from_code(super::query_param("error"))
        .map(|error| view! { <crate::error::ErrorMessage error /> })
}

#[component]
pub fn Signup() -> impl IntoView {
    let i18n = use_i18n();
    let next = next_page();
    let login = with_next("/login", &next);
    view! {
        <Title text=move || t_string!(i18n, signup.title).to_string() />
        <section class="panel form-panel">
            <h1>{t!(i18n, signup.title)}</h1>
            <PostedError />
            <SignupForm next />
            <p class="aside">{t!(i18n, signup.have_account)} " " <a href=login>{t!(i18n, nav.login)}</a></p>
        </section>
    }
}

#[island]
fn SignupForm(next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignupFn>::new();
    let pending = action.pending();
    view! {
            <ActionForm action>
                <input type="hidden" name="language" value=move || i18n.get_locale().as_str() />
                {next.map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <div class="field">
                    <label for="email">{t!(i18n, form.email)}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required />
                </div>
                <div class="field">
                    <label for="display_name">{t!(i18n, form.display_name)}</label>
                    <input id="display_name" name="display_name" type="text" autocomplete="name" maxlength="100" required aria-describedby="display_name_hint" />
                    <p class="hint" id="display_name_hint">{t!(i18n, form.display_name_hint)}</p>
                </div>
                <div class="field">
                    <label for="password">{t!(i18n, form.password)}</label>
                    <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required aria-describedby="password_hint" />
                    <p class="hint" id="password_hint">{t!(i18n, form.password_hint)}</p>
                </div>
                {action_error(action)}
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { t_string!(i18n, form.working) } else { t_string!(i18n, signup.submit) }}
                </button>
            </ActionForm>
    }
}

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let next = next_page();
    let signup = with_next("/signup", &next);
    view! {
        <Title text=move || t_string!(i18n, login.title).to_string() />
        <section class="panel form-panel">
            <h1>{t!(i18n, login.title)}</h1>
            <PostedError />
            <LoginForm next />
            <p class="aside"><a href="/forgot-password">{t!(i18n, login.forgot)}</a></p>
            <p class="aside">{t!(i18n, login.no_account)} " " <a href=signup>{t!(i18n, nav.signup)}</a></p>
        </section>
    }
}

/// The login answers the account's language and sets its cookie, then redirects: the next
/// page is a full load from the server, in that language.
#[island]
fn LoginForm(next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<LoginFn>::new();
    let pending = action.pending();
    view! {
            <ActionForm action>
                {next.map(|next| view! { <input type="hidden" name="next" value=next /> })}
                <div class="field">
                    <label for="email">{t!(i18n, form.email)}</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                </div>
                <div class="field">
                    <label for="password">{t!(i18n, form.password)}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required />
                </div>
                {action_error(action)}
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { t_string!(i18n, form.working) } else { t_string!(i18n, login.submit) }}
                </button>
            </ActionForm>
    }
}
