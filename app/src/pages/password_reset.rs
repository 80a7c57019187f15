//! "Mot de passe oublié ?" and the page its mailed link opens. Plain forms, no island:
//! the server answers each with a redirect back here, carrying what happened.
use super::query_param;
use crate::error::ErrorMessage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let i18n = use_i18n();
    let sent = query_param("sent").is_some();
    let error = crate::AppError::from_code(query_param("error"));
    view! {
        <Title text=move || t_string!(i18n, reset.forgot_title).to_string() />
        <section class="panel form-panel">
            <h1>{t!(i18n, reset.forgot_title)}</h1>
            {if sent {
                view! {
                    <p class="alert alert-success" role="status">{t!(i18n, reset.sent)}</p>
                    <p>{t!(i18n, reset.spam)}</p>
                    <p><a href="/login">{t!(i18n, reset.back_to_login)}</a></p>
                }
                    .into_any()
            } else {
                view! {
                    <p>{t!(i18n, reset.forgot_intro)}</p>
                    <form method="post" action="/api/request_password_reset">
                        <div class="field">
                            <label for="email">{t!(i18n, form.email)}</label>
                            <input id="email" name="email" type="email" autocomplete="username" required />
                        </div>
                        {error.map(|error| view! { <ErrorMessage error /> })}
                        <button type="submit" class="button">{t!(i18n, reset.forgot_submit)}</button>
                    </form>
                    <p class="aside"><a href="/login">{t!(i18n, reset.back_to_login)}</a></p>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let i18n = use_i18n();
    let done = query_param("done").is_some();
    let token = query_param("token");
    let error = crate::AppError::from_code(query_param("error"));
    let body = match (done, token) {
        (true, _) => view! {
            <p class="alert alert-success" role="status">{t!(i18n, reset.done)}</p>
            <p><a class="button" href="/backpack">{t!(i18n, reset.to_backpack)}</a></p>
        }
            .into_any(),
        (false, Some(token)) => view! {
            <p>{t!(i18n, reset.new_intro)}</p>
            <form method="post" action="/api/reset_password">
                <input type="hidden" name="token" value=token />
                <div class="field">
                    <label for="new_password">{t!(i18n, reset.new_password)}</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="10" required aria-describedby="new_password_hint" />
                    <p class="hint" id="new_password_hint">{t!(i18n, form.password_hint)}</p>
                </div>
                {error.map(|error| view! { <ErrorMessage error /> })}
                <button type="submit" class="button">{t!(i18n, reset.new_submit)}</button>
            </form>
        }
            .into_any(),
        // No token: a used or expired link (or none at all) brings the learner here.
        (false, None) => view! {
            <ErrorMessage error=error.unwrap_or(crate::AppError::InvalidResetLink) />
            <p><a class="button" href="/forgot-password">{t!(i18n, reset.ask_again)}</a></p>
        }
            .into_any(),
    };
    view! {
        <Title text=move || t_string!(i18n, reset.new_title).to_string() />
        <section class="panel form-panel">
            <h1>{t!(i18n, reset.new_title)}</h1>
            {body}
        </section>
    }
}
