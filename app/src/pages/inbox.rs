//! The inbox: badges that connected platforms pushed, each verified already, waiting for the
//! learner to accept them into the backpack or decline them. Plain forms; no wasm needed.
use super::RequireUser;
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::platforms::{my_inbox, AcceptInbox, DeclineInbox, InboxEntry};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Inbox() -> impl IntoView {
    let i18n = use_i18n();
    let entries = Resource::new(|| (), |_| my_inbox());
    let accepted = use_query_map().with_untracked(|query| query.get("accepted"));
    view! {
        <Title text=move || t_string!(i18n, inbox.title).to_string() />
        <RequireUser children=move |_user| {
            let accepted = accepted.clone();
            view! {
                <section class="panel">
                    <h1>{t!(i18n, inbox.title)}</h1>
                    <p>{t!(i18n, inbox.intro)}</p>
                    {accepted.map(|id| view! {
                        <p class="alert alert-success" role="status">
                            {t!(i18n, inbox.accepted)} " " <a href=format!("/badges/{id}")>{t!(i18n, inbox.see_badge)}</a>
                        </p>
                    })}
                </section>
                <Suspense fallback=|| ()>
                    {move || entries.get().map(|result| match result {
                        Ok(entries) if entries.is_empty() => view! { <p class="panel">{t!(i18n, inbox.empty)}</p> }.into_any(),
                        Ok(entries) => view! {
                            <ul class="inbox-list">
                                {entries.into_iter().map(|entry| view! { <InboxItem entry /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorMessage error /> }.into_any(),
                    })}
                </Suspense>
            }
        } />
    }
}

#[component]
fn InboxItem(entry: InboxEntry) -> impl IntoView {
    let i18n = use_i18n();
    let platform = entry.platform.clone();
    let date = entry.received_on.clone();
    let has_problems = !entry.problems.is_empty();
    view! {
        <li class="panel inbox-item">
            <h2>{entry.name.clone()}</h2>
            <p class="issuer">{entry.issuer.clone()}</p>
            {entry.description.clone().map(|text| view! { <p>{text}</p> })}
            <p class="aside">{t!(i18n, inbox.sent_by, platform = move || platform.clone(), date = move || date.clone())}</p>
            <Show when=move || has_problems>
                <div class="alert alert-error" role="alert">
                    <p>{t!(i18n, inbox.problems)}</p>
                    <ul>{entry.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                </div>
            </Show>
            <div class="inbox-actions">
                <form method="post" action=AcceptInbox::url() class="inline-form">
                    <input type="hidden" name="id" value=entry.id />
                    <button type="submit" class="button">{t!(i18n, inbox.accept)}</button>
                </form>
                <form method="post" action=DeclineInbox::url() class="inline-form">
                    <input type="hidden" name="id" value=entry.id />
                    <button type="submit" class="button button-secondary">{t!(i18n, inbox.decline)}</button>
                </form>
            </div>
        </li>
    }
}
