//! Settings: e-mail addresses, password, language, connected platforms and what other
//! sites may read, account deletion.
use super::{action_done, action_error, reload_on_success, FocusAfter, RequireUser};
use crate::account::{ChangePassword, DeleteAccount, LogoutEverywhere, SetLanguage};
use crate::emails::{list_emails, AddEmail, EmailAddress, MakePrimaryEmail, RemoveEmail, ResendVerification};
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::platforms::{my_platforms, DisconnectPlatform, PlatformEntry};
use crate::profile::{my_profile, ProfileSettings, SetProfile};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    // Made here, outside RequireUser's Suspense: a resource made inside it could be disposed
    // with a first render of the children while its fetch still runs on the server.
    let emails = Resource::new(|| (), |_| list_emails());
    let profile = Resource::new(|| (), |_| my_profile());
    let platforms = Resource::new(|| (), |_| my_platforms());
    let (new_password, eportfolio, remotes) = super::site_access::resources();
    view! {
        <Title text=move || t_string!(i18n, settings.title).to_string() />
        <RequireUser children=move |user| {
            view! {
                <section class="panel">
                    <h1>{t!(i18n, settings.title)}</h1>
                    <p>{t!(i18n, settings.signed_in_as)} " " <strong>{user.email.clone()}</strong></p>
                </section>
                <section class="panel" id="emails" aria-labelledby="emails-title">
                    <h2 id="emails-title">{t!(i18n, settings.emails_title)}</h2>
                    <p>{t!(i18n, settings.emails_intro)}</p>
                    <Transition fallback=|| ()>
                        {move || emails.get().map(|result| match result {
                            Ok(addresses) => view! { <EmailsSection addresses /> }.into_any(),
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        })}
                    </Transition>
                </section>
                <NameForm current=user.display_name.clone() />
                <PasswordForm />
                <section class="panel" aria-labelledby="sessions-title">
                    <h2 id="sessions-title">{t!(i18n, settings.sessions_title)}</h2>
                    <p>{t!(i18n, settings.sessions_text)}</p>
                    // A plain form: it works without the wasm, and lands on the login page.
                    <form method="post" action=LogoutEverywhere::url()>
                        <button type="submit" class="button button-secondary">{t!(i18n, settings.sessions_submit)}</button>
                    </form>
                </section>
                <LanguageForm />
                <Transition fallback=|| ()>
                    {move || profile.get().map(|result| match result {
                        Ok(current) => view! { <ProfileForm current /> }.into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    })}
                </Transition>
                <section class="panel" id="platforms" aria-labelledby="platforms-title">
                    <h2 id="platforms-title">{t!(i18n, platforms.title)}</h2>
                    <p>{t!(i18n, platforms.intro)}</p>
                    <Transition fallback=|| ()>
                        {move || platforms.get().map(|result| match result {
                            Ok(list) if list.is_empty() => view! { <p class="aside">{t!(i18n, platforms.none)}</p> }.into_any(),
                            Ok(list) => view! {
                                <ul class="platform-list">
                                    {list.into_iter().map(|platform| view! { <PlatformItem platform /> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        })}
                    </Transition>
                </section>
                <super::site_access::PlatformPasswordSection created=new_password />
                <super::site_access::EportfolioSection setting=eportfolio />
                <super::site_access::RemoteSection remotes />
                <section class="panel" aria-labelledby="data-title">
                    <h2 id="data-title">{t!(i18n, settings.data_title)}</h2>
                    <p>{t!(i18n, settings.data_text)}</p>
                    <ul class="downloads">
                        <li><a href="/api/export/backpack.zip" download="" rel="external">{t!(i18n, settings.download_backpack)}</a></li>
                        <li><a href="/api/export/account.json" download="" rel="external">{t!(i18n, settings.download_account)}</a></li>
                    </ul>
                </section>
                <DeleteForm />
            }
        } />
    }
}

/// A plain form (no wasm needed): the server answers with a redirect back here.
#[component]
fn NameForm(current: String) -> impl IntoView {
    let i18n = use_i18n();
    let saved = super::query_param("name").is_some_and(|value| value == "saved");
    let error = crate::AppError::from_code(super::query_param("error"));
    view! {
        <section class="panel" id="name" aria-labelledby="name-title">
            <h2 id="name-title">{t!(i18n, settings.name_title)}</h2>
            <form method="post" action=crate::account::SetDisplayName::url()>
                <div class="field">
                    <label for="display_name">{t!(i18n, form.display_name)}</label>
                    <input id="display_name" name="display_name" type="text" autocomplete="name" maxlength="100" required value=current aria-describedby="display_name_hint" />
                    <p class="hint" id="display_name_hint">{t!(i18n, settings.name_hint)}</p>
                </div>
                {error.map(|error| view! { <ErrorMessage error /> })}
                {saved.then(|| view! { <p class="alert alert-success" role="status">{t!(i18n, settings.name_done)}</p> })}
                <button type="submit" class="button">{t!(i18n, settings.name_submit)}</button>
            </form>
        </section>
    }
}

#[island]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let done = action_done(action);
    view! {
        <section class="panel" id="settings-password" aria-labelledby="password-title">
            <h2 id="password-title">{t!(i18n, settings.password_title)}</h2>
            <ActionForm action>
                <FocusAfter ids=vec!["settings-password".to_owned()] />
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

/// The public profile's handle and mode; the page shows the new link once saved.
#[island]
fn ProfileForm(current: ProfileSettings) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetProfile>::new();
    reload_on_success(action);
    let mode = current.mode.clone();
    let option = move |value: &'static str, label: String| {
        let id = format!("profile-mode-{value}");
        view! {
            <li>
                <input type="radio" name="mode" id=id.clone() value=value checked=mode == value />
                <label for=id>{label}</label>
            </li>
        }
    };
    view! {
        <section class="panel" id="settings-profile" aria-labelledby="profile-title">
            <h2 id="profile-title">{t!(i18n, settings.profile_title)}</h2>
            <p>{t!(i18n, settings.profile_text)}</p>
            {current.url.clone().map(|url| view! {
                <p class="alert alert-success">{t!(i18n, settings.profile_link)} " " <a href=url.clone() rel="external">{url.clone()}</a></p>
            })}
            <ActionForm action>
                <FocusAfter ids=vec!["settings-profile".to_owned()] />
                <div class="field">
                    <label for="profile-handle">{t!(i18n, settings.handle)}</label>
                    <input id="profile-handle" name="handle" value=current.handle.clone() maxlength="30" autocomplete="off" aria-describedby="profile-handle-hint" />
                    <p class="hint" id="profile-handle-hint">{t!(i18n, settings.handle_hint)}</p>
                </div>
                <fieldset class="choices">
                    <legend>{t!(i18n, settings.mode_legend)}</legend>
                    <ul>
                        {option("off", t_string!(i18n, settings.mode_off).to_string())}
                        {option("collections", t_string!(i18n, settings.mode_collections).to_string())}
                        {option("backpack", t_string!(i18n, settings.mode_backpack).to_string())}
                    </ul>
                </fieldset>
                {action_error(action)}
                <button type="submit" class="button">{t!(i18n, settings.profile_save)}</button>
            </ActionForm>
        </section>
    }
}

/// The interface language; the page is loaded again in it (the server sets the cookie).
#[island]
fn LanguageForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLanguage>::new();
    let current = i18n.get_locale_untracked();
    reload_on_success(action);
    let done = action_done(action);
    view! {
        <section class="panel" id="settings-language" aria-labelledby="language-title">
            <h2 id="language-title">{t!(i18n, settings.language_title)}</h2>
            <ActionForm action>
                <FocusAfter ids=vec!["settings-language".to_owned()] />
                <div class="field">
                    <label for="language">{t!(i18n, settings.language_label)}</label>
                    <select id="language" name="language">
                        <option value="en" lang="en" selected=current == Locale::en>{t!(i18n, lang.en)}</option>
                        <option value="fr" lang="fr" selected=current == Locale::fr>{t!(i18n, lang.fr)}</option>
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

#[island]
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

/// The actions on listed addresses, shared by every row.
#[derive(Clone, Copy)]
struct EmailActions {
    resend: ServerAction<ResendVerification>,
    remove: ServerAction<RemoveEmail>,
    primary: ServerAction<MakePrimaryEmail>,
}

/// The addresses and every action on them. After a change the list is fetched again in
/// place, so the page keeps its messages ("a link has been sent").
#[island]
fn EmailsSection(addresses: Vec<EmailAddress>) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(addresses);
    let add = ServerAction::<AddEmail>::new();
    let actions = EmailActions {
        resend: ServerAction::new(),
        remove: ServerAction::new(),
        primary: ServerAction::new(),
    };
    Effect::new(move |first: Option<()>| {
        add.version().track();
        actions.remove.version().track();
        actions.primary.version().track();
        if first.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = list_emails().await {
                    list.set(fresh);
                }
            });
        }
    });
    let (added, resent) = (action_done(add), action_done(actions.resend));
    let sent = move || added() || resent();
    view! {
        <ul class="email-list">
            <For each=move || list.get() key=|address| (address.id, address.verified, address.primary) let:address>
                <EmailRow address actions />
            </For>
        </ul>
        {action_error(actions.resend)}
        {action_error(actions.remove)}
        {action_error(actions.primary)}
        <ActionForm action=add>
            <FocusAfter ids=vec!["emails".to_owned()] />
            <div class="field">
                <label for="new_email">{t!(i18n, settings.email_add_label)}</label>
                <input id="new_email" name="email" type="email" autocomplete="email" required />
            </div>
            {action_error(add)}
            <button type="submit" class="button">{t!(i18n, settings.email_add_submit)}</button>
        </ActionForm>
        <Show when=sent>
            <p class="alert alert-success" role="status">{t!(i18n, settings.email_sent)}</p>
        </Show>
    }
}

#[component]
fn EmailRow(address: EmailAddress, actions: EmailActions) -> impl IntoView {
    let i18n = use_i18n();
    let id = address.id;
    let email = address.email.clone();
    let status = if address.verified {
        view! { <span class="chip chip-ok">{t!(i18n, settings.email_verified)}</span> }.into_any()
    } else {
        view! { <span class="chip chip-wait">{t!(i18n, settings.email_unverified)}</span> }.into_any()
    };
    view! {
        <li class="email-row">
            <span class="email-address">{address.email.clone()}</span>
            {status}
            {address.primary.then(|| view! { <span class="chip">{t!(i18n, settings.email_primary)}</span> })}
            <span class="email-actions">
                {(!address.verified)
                    .then(|| {
                        view! {
                            <ActionForm action=actions.resend attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="link-button">{t!(i18n, settings.email_resend)}</button>
                            </ActionForm>
                        }
                    })}
                {(address.verified && !address.primary)
                    .then(|| {
                        view! {
                            <ActionForm action=actions.primary attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="link-button">{t!(i18n, settings.email_make_primary)}</button>
                            </ActionForm>
                        }
                    })}
                {(!address.primary)
                    .then(|| {
                        view! {
                            <ActionForm action=actions.remove attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string() />
                                <button
                                    type="submit"
                                    class="link-button"
                                    aria-label=move || t_string!(i18n, settings.email_remove_label, email = email.clone()).to_string()
                                >
                                    {t!(i18n, settings.email_remove)}
                                </button>
                            </ActionForm>
                        }
                    })}
            </span>
        </li>
    }
}

/// A connected platform: since when, what it may do, what it sent; disconnecting revokes
/// its tokens at once (a plain form: no wasm needed).
#[component]
fn PlatformItem(platform: PlatformEntry) -> impl IntoView {
    let i18n = use_i18n();
    let since = platform.connected_on.clone();
    let waiting = platform.waiting;
    let name = platform.name.clone();
    view! {
        <li class="platform">
            <h3>{platform.name.clone()}</h3>
            {platform.with_password.then(|| view! { <p class="aside">{t!(i18n, site_access.with_password)}</p> })}
            {platform.site.clone().map(|site| view! { <p class="aside site">{site}</p> })}
            <p>{t!(i18n, platforms.since, date = move || since.clone())}
                {platform.last_used_on.clone().map(|date| view! { " · " {t!(i18n, platforms.last_used, date = move || date.clone())} })}
            </p>
            <p>{t!(i18n, platforms.may)}</p>
            <ul class="permissions">
                {platform.permissions.iter().map(|p| view! { <li>{super::connect::permission_text(*p)}</li> }).collect_view()}
            </ul>
            {(!platform.pushed.is_empty()).then(|| view! {
                <p>{t!(i18n, platforms.pushed)}</p>
                <ul class="pushed">
                    {platform.pushed.iter().map(|(id, name)| view! { <li><a href=format!("/badges/{id}")>{name.clone()}</a></li> }).collect_view()}
                </ul>
            })}
            {(waiting > 0).then(|| view! {
                <p><a href="/inbox">{t!(i18n, platforms.waiting, count = move || waiting)}</a></p>
            })}
            <form method="post" action=DisconnectPlatform::url() class="inline-form">
                <input type="hidden" name="id" value=platform.id />
                <button type="submit" class="button button-secondary" aria-label=move || t_string!(i18n, platforms.disconnect_label, platform = name.clone()).to_string()>
                    {t!(i18n, platforms.disconnect)}
                </button>
            </form>
        </li>
    }
}
