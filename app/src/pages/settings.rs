//! Settings: password, language, account deletion.
use super::{action_error, RequireUser};
use crate::account::{ChangePassword, DeleteAccount, SetLanguage};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, settings.title).to_string() />
        <RequireUser children=move |user| {
            view! {
                <section class="panel">
                    <h1>{t!(i18n, settings.title)}</h1>
                    <p>{t!(i18n, settings.signed_in_as)} " " <strong>{user.email.clone()}</strong></p>
                </section>
                <PasswordForm />
                <LanguageForm />
                <DeleteForm />
            }
        } />
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="panel" aria-labelledby="password-title">
            <h2 id="password-title">{t!(i18n, settings.password_title)}</h2>
            <ActionForm action>
                <div class="field">
                    <label for="current_password">{t!(i18n, form.current_password)}</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                </div>
                <div class="field">
                    <label for="new_password">{t!(i18n, form.new_password)}</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="10" required aria-describedby="new_password_hint" />
                    <p class="hint" id="new_password_hint">{t!(i18n, form.password_hint)}</p>
                </div>
                {action_error(action)}
                <Show when=done>
                    <p class="alert alert-success" role="status">{t!(i18n, settings.password_done)}</p>
                </Show>
                <button type="submit" class="button">{t!(i18n, settings.password_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn LanguageForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLanguage>::new();
    let chosen = RwSignal::new(i18n.get_locale_untracked());
    // With the wasm loaded, switch the page at once; without it the reload does it.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            i18n.set_locale(chosen.get_untracked());
        }
    });
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="panel" aria-labelledby="language-title">
            <h2 id="language-title">{t!(i18n, settings.language_title)}</h2>
            <ActionForm action>
                <div class="field">
                    <label for="language">{t!(i18n, settings.language_label)}</label>
                    <select
                        id="language"
                        name="language"
                        on:change=move |ev| {
                            if let Ok(locale) = event_target_value(&ev).parse::<Locale>() {
                                chosen.set(locale);
                            }
                        }
                    >
                        <option value="en" lang="en" selected=move || chosen.get() == Locale::en>{t!(i18n, lang.en)}</option>
                        <option value="fr" lang="fr" selected=move || chosen.get() == Locale::fr>{t!(i18n, lang.fr)}</option>
                    </select>
                </div>
                {action_error(action)}
                <Show when=done>
                    <p class="alert alert-success" role="status">{t!(i18n, settings.language_done)}</p>
                </Show>
                <button type="submit" class="button">{t!(i18n, settings.language_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<DeleteAccount>::new();
    view! {
        <section class="panel danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">{t!(i18n, settings.delete_title)}</h2>
            <p>{t!(i18n, settings.delete_text)}</p>
            <ActionForm action>
                <div class="field">
                    <label for="delete_password">{t!(i18n, settings.delete_confirm_label)}</label>
                    <input id="delete_password" name="password" type="password" autocomplete="current-password" required />
                </div>
                {action_error(action)}
                <button type="submit" class="button button-danger">{t!(i18n, settings.delete_submit)}</button>
            </ActionForm>
        </section>
    }
}
