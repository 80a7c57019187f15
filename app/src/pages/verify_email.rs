//! The pages of the mailed links: "check your mail" after signing up, and the page a
//! verification link opens. Opening the link uses nothing (mail scanners open links too):
//! the learner's button posts it, and the server answers with where to go next.
use crate::emails::ConfirmEmail;
use crate::error::ErrorMessage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// Where sign-up leads, whether or not the address had an account.
/// It offers to send the link again: a plain form (no wasm), answered with a redirect
/// back here.
#[component]
pub fn CheckYourMail() -> impl IntoView {
    let i18n = use_i18n();
    let resent = super::query_param("resent").is_some();
    let error = crate::AppError::from_code(super::query_param("error"));
    view! {
        <Title text=move || t_string!(i18n, check_mail.title).to_string() />
        <section class="panel form-panel">
            <h1>{t!(i18n, check_mail.title)}</h1>
            {if resent {
                view! { <p class="alert alert-success" role="status">{t!(i18n, check_mail.resent)}</p> }.into_any()
            } else {
                view! { <p class="alert alert-success" role="status">{t!(i18n, check_mail.text)}</p> }.into_any()
            }}
            <p>{t!(i18n, check_mail.spam)}</p>
            <h2 id="resend-title">{t!(i18n, check_mail.resend_title)}</h2>
            <form method="post" action=crate::account::ResendSignUpLink::url() aria-labelledby="resend-title">
                <div class="field">
                    <label for="email">{t!(i18n, form.email)}</label>
                    <input id="email" name="email" type="email" autocomplete="email" required />
                </div>
                {error.map(|error| view! { <ErrorMessage error /> })}
                <button type="submit" class="button button-secondary">{t!(i18n, check_mail.resend_submit)}</button>
            </form>
        </section>
    }
}

#[component]
pub fn VerifyEmail() -> impl IntoView {
    let i18n = use_i18n();
    let token = super::query_param("token").unwrap_or_default();
    let next = super::query_param("next");
    let confirmed = super::query_param("confirmed").is_some();
    let arrived: usize = super::query_param("arrived")
        .and_then(|count| count.parse().ok())
        .unwrap_or(0);
    view! {
        <Title text=move || t_string!(i18n, verify_email.title).to_string() />
        <section class="panel form-panel">
            <h1>{t!(i18n, verify_email.title)}</h1>
            {if confirmed {
                view! {
                    <p class="alert alert-success" role="status">
                        {t!(i18n, verify_email.done)}
                        {(arrived > 0).then(|| format!(" {}", t_string!(i18n, verify_email.arrived, count = arrived)))}
                    </p>
                    <p>
                        {if arrived > 0 {
                            view! { <a class="button" href="/backpack">{t!(i18n, verify_email.to_backpack)}</a> }.into_any()
                        } else {
                            view! { <a class="button" href="/settings">{t!(i18n, verify_email.to_settings)}</a> }.into_any()
                        }}
                    </p>
                }
                    .into_any()
            } else {
                view! { <ConfirmForm token next /> }.into_any()
            }}
        </section>
    }
}

#[island]
fn ConfirmForm(token: String, next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ConfirmEmail>::new();
    let pending = action.pending();
    view! {
        <p>{t!(i18n, verify_email.intro)}</p>
        <ActionForm action>
            <input type="hidden" name="token" value=token />
            {next.map(|next| view! { <input type="hidden" name="next" value=next /> })}
            {super::action_error(action)}
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { t_string!(i18n, form.working) } else { t_string!(i18n, verify_email.confirm) }}
            </button>
        </ActionForm>
    }
}
