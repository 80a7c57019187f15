//! Import: drop or pick files, give a link, or paste a badge. Each item is sent on its own
//! to `POST /api/badges/import`, so each shows its own progress and result; a badge issued
//! to an address the learner has not verified yet offers to add that address and retry.
use super::backpack::{BadgeImage, StatusChip};
use super::RequireUser;
use crate::emails::{add_email, list_emails, resend_verification};
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::wire::import::{BadgeEntry, ImportAnswer, ImportOutcome};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Same cap as the server's: a bigger file is refused before it is sent.
const MAX_FILE_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// What one item is made of; kept in the page so "try again" can send it again.
#[derive(Clone)]
enum Source {
    File(web_sys::File),
    Url(String),
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
enum ItemState {
    Sending,
    Added(BadgeEntry),
    Already(i64),
    Refused {
        messages: Vec<String>,
        details: Vec<String>,
        wrong_recipient: bool,
        issued_to: Option<String>,
        awaiting: Option<String>,
    },
    TooLarge,
    /// The request itself failed (network, server error).
    Failed,
}

#[derive(Clone, Debug, PartialEq)]
enum Note {
    AddressSent(String),
    Error(AppError),
}

#[derive(Clone, Debug, PartialEq)]
struct Item {
    id: usize,
    label: String,
    state: ItemState,
    note: Option<Note>,
}

impl From<ImportOutcome> for ItemState {
    fn from(outcome: ImportOutcome) -> Self {
        match outcome {
            ImportOutcome::Added { badge } => ItemState::Added(badge),
            ImportOutcome::Already { badge_id } => ItemState::Already(badge_id),
            ImportOutcome::TooLarge { .. } => ItemState::TooLarge,
            ImportOutcome::Refused {
                report,
                wrong_recipient,
                awaiting_confirmation,
                issued_to,
            } => {
                let failed: Vec<_> = report.checks.into_iter().filter(|c| !c.ok).collect();
                ItemState::Refused {
                    messages: failed.iter().map(|c| c.message.clone()).collect(),
                    details: failed.into_iter().filter_map(|c| c.detail).collect(),
                    wrong_recipient,
                    issued_to,
                    awaiting: awaiting_confirmation,
                }
            }
        }
    }
}

/// Sends one item as a one-field multipart request (the browser sets the boundary).
async fn send(source: Source) -> ItemState {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if let Source::File(file) = &source {
        if file.size() > MAX_FILE_BYTES {
            return ItemState::TooLarge;
        }
    }
    let request = async move {
        let form = web_sys::FormData::new()?;
        match &source {
            Source::File(file) => form.append_with_blob_and_filename("file", file, &file.name())?,
            Source::Url(url) => form.append_with_str("url", url)?,
            Source::Text(text) => form.append_with_str("text", text)?,
        }
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&form);
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init("/api/badges/import", &init))
                .await?
                .dyn_into()?;
        let status = response.status();
        let body = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        Ok::<_, wasm_bindgen::JsValue>((status, body))
    };
    match request.await {
        Ok((200, body)) => serde_json::from_str::<ImportAnswer>(&body)
            .ok()
            .and_then(|mut answer| answer.results.pop())
            .map(|result| result.outcome.into())
            .unwrap_or(ItemState::Failed),
        Ok((413, _)) => ItemState::TooLarge,
        _ => ItemState::Failed,
    }
}

/// The page's list of items and their sources.
#[derive(Clone, Copy)]
struct Imports {
    items: RwSignal<Vec<Item>>,
    sources: StoredValue<Vec<(usize, Source)>, LocalStorage>,
    next_id: StoredValue<usize>,
}

impl Imports {
    fn new() -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            sources: StoredValue::new_local(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }

    fn set_state(self, id: usize, state: ItemState) {
        self.items.update(|items| {
            if let Some(item) = items.iter_mut().find(|item| item.id == id) {
                item.state = state;
            }
        });
    }

    fn set_note(self, id: usize, note: Option<Note>) {
        self.items.update(|items| {
            if let Some(item) = items.iter_mut().find(|item| item.id == id) {
                item.note = note;
            }
        });
    }

    /// Adds the items at the top of the list and sends them one after the other.
    fn add(self, new: Vec<(String, Source)>) {
        let mut batch = Vec::new();
        for (label, source) in new {
            let id = self.next_id.get_value();
            self.next_id.set_value(id + 1);
            self.sources.update_value(|sources| sources.push((id, source)));
            self.items.update(|items| {
                items.insert(
                    0,
                    Item {
                        id,
                        label,
                        state: ItemState::Sending,
                        note: None,
                    },
                )
            });
            batch.push(id);
        }
        leptos::task::spawn_local(async move {
            for id in batch {
                self.send(id).await;
            }
        });
    }

    async fn send(self, id: usize) {
        let source = self
            .sources
            .with_value(|sources| sources.iter().find(|(key, _)| *key == id).map(|(_, s)| s.clone()));
        if let Some(source) = source {
            self.set_state(id, ItemState::Sending);
            let state = send(source).await;
            self.set_state(id, state);
        }
    }

    fn retry(self, id: usize) {
        self.set_note(id, None);
        leptos::task::spawn_local(async move { self.send(id).await });
    }
}

#[component]
pub fn Import() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, import.title).to_string() />
        <RequireUser children=move |_| view! {
            <section class="panel">
                <h1>{t!(i18n, import.title)}</h1>
                <p class="lead">{t!(i18n, import.intro)}</p>
            </section>
            <ImportPanel />
        } />
    }
}

/// Files, link and paste, and the list of what was sent.
#[island]
fn ImportPanel() -> impl IntoView {
    let imports = Imports::new();
    view! {
        <FilePicker imports />
        <div class="import-row">
            <UrlForm imports />
            <PasteForm imports />
        </div>
        <ImportList imports />
    }
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<(String, Source)> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| (file.name(), Source::File(file)))
        .collect()
}

#[component]
fn FilePicker(imports: Imports) -> impl IntoView {
    let i18n = use_i18n();
    let dragging = RwSignal::new(false);
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        imports.add(files_of(input.files()));
        // The same file may be picked again later (after adding an address, say).
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        imports.add(files_of(ev.data_transfer().and_then(|data| data.files())));
    };
    view! {
        <section
            class="panel drop-zone"
            class:dragging=move || dragging.get()
            aria-labelledby="files-title"
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <h2 id="files-title">{t!(i18n, import.files_title)}</h2>
            <p>{t!(i18n, import.files_hint)}</p>
            <label class="button" for="badge-files">{t!(i18n, import.pick)}</label>
            <input
                id="badge-files"
                class="visually-hidden"
                type="file"
                multiple
                accept=".png,.svg,.json,.jsonld,.jws,.jwt,.txt,image/png,image/svg+xml,application/json"
                on:change=on_pick
            />
            <p class="hint">{t!(i18n, import.files_limit)}</p>
        </section>
    }
}

#[component]
fn UrlForm(imports: Imports) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = url.get_untracked().trim().to_owned();
        if !value.is_empty() {
            imports.add(vec![(value.clone(), Source::Url(value))]);
            url.set(String::new());
        }
    };
    view! {
        <form class="panel" on:submit=submit aria-labelledby="url-title">
            <h2 id="url-title">{t!(i18n, import.url_title)}</h2>
            <div class="field">
                <label for="badge-url">{t!(i18n, import.url_label)}</label>
                <input id="badge-url" type="url" inputmode="url" placeholder="https://" required bind:value=url />
            </div>
            <button type="submit" class="button">{t!(i18n, import.url_submit)}</button>
        </form>
    }
}

#[component]
fn PasteForm(imports: Imports) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = text.get_untracked().trim().to_owned();
        if !value.is_empty() {
            let label = t_string!(i18n, import.pasted).to_string();
            imports.add(vec![(label, Source::Text(value))]);
            text.set(String::new());
        }
    };
    view! {
        <form class="panel" on:submit=submit aria-labelledby="paste-title">
            <h2 id="paste-title">{t!(i18n, import.paste_title)}</h2>
            <div class="field">
                <label for="badge-text">{t!(i18n, import.paste_label)}</label>
                <textarea id="badge-text" rows="4" spellcheck="false" required bind:value=text></textarea>
            </div>
            <button type="submit" class="button">{t!(i18n, import.paste_submit)}</button>
        </form>
    }
}

#[component]
fn ImportList(imports: Imports) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || imports.items.with(|items| !items.is_empty())>
            <section class="panel" aria-labelledby="results-title">
                <h2 id="results-title">{t!(i18n, import.results_title)}</h2>
                <ul class="import-results" aria-live="polite">
                    {move || imports.items.get().into_iter().map(|item| view! { <ImportItemView item imports /> }).collect_view()}
                </ul>
                <p><a href="/backpack">{t!(i18n, import.to_backpack)}</a></p>
            </section>
        </Show>
    }
}

#[component]
fn ImportItemView(item: Item, imports: Imports) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let body = match item.state {
        ItemState::Sending => view! {
            <p class="progress" role="status"><span class="spinner" aria-hidden="true"></span>{t!(i18n, import.sending)}</p>
        }
        .into_any(),
        ItemState::Added(badge) => view! {
            <div class="import-added">
                <BadgeImage src=badge.image.clone() size=48 />
                <p>
                    <strong>{t!(i18n, import.added)}</strong> " "
                    <a href=format!("/badges/{}", badge.id)>{badge.name.clone()}</a> " "
                    <StatusChip status=badge.status />
                </p>
            </div>
        }
        .into_any(),
        ItemState::Already(badge_id) => view! {
            <p>{t!(i18n, import.already)} " " <a href=format!("/badges/{badge_id}")>{t!(i18n, import.see_it)}</a></p>
        }
        .into_any(),
        ItemState::TooLarge => view! { <p class="alert alert-error">{t!(i18n, import.too_large)}</p> }.into_any(),
        ItemState::Failed => view! {
            <p class="alert alert-error">{t!(i18n, import.failed)}</p>
            <button type="button" class="button button-secondary" on:click=move |_| imports.retry(id)>{t!(i18n, import.retry)}</button>
        }
        .into_any(),
        ItemState::Refused { messages, details, wrong_recipient, issued_to, awaiting } => view! {
            <p class="alert alert-error"><strong>{t!(i18n, import.refused)}</strong></p>
            <ul class="checks">
                {messages.into_iter().map(|m| view! { <li class="check-bad">{m}</li> }).collect_view()}
            </ul>
            {match (awaiting, issued_to) {
                (Some(email), _) => view! { <AddressHelp email id imports pending=true /> }.into_any(),
                (None, Some(email)) => view! { <AddressHelp email id imports pending=false /> }.into_any(),
                (None, None) if wrong_recipient => view! {
                    <p>{t!(i18n, import.other_address)} " " <a href="/settings">{t!(i18n, import.to_settings)}</a></p>
                }.into_any(),
                (None, None) => ().into_any(),
            }}
            {(!details.is_empty()).then(|| view! {
                <details>
                    <summary>{t!(i18n, import.details)}</summary>
                    <ul class="hint">{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                </details>
            })}
            <button type="button" class="button button-secondary" on:click=move |_| imports.retry(id)>{t!(i18n, import.retry)}</button>
        }
        .into_any(),
    };
    let note = item.note.map(|note| match note {
        Note::AddressSent(email) => view! {
            <p class="alert alert-success" role="status">{t!(i18n, import.address_sent, email = move || email.clone())}</p>
        }
        .into_any(),
        Note::Error(error) => view! { <ErrorMessage error /> }.into_any(),
    });
    view! {
        <li class="import-item">
            <p class="import-label">{item.label}</p>
            {body}
            {note}
        </li>
    }
}

/// "Issued to marie@ecole.fr — add and verify this address": adds it (a link is mailed),
/// then the learner opens the link and presses "try again". When the address is already
/// the learner's, `pending` (waiting for its link), the button sends the link again.
#[component]
fn AddressHelp(email: String, id: usize, imports: Imports, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let shown = email.clone();
    let add = move |_| {
        let email = email.clone();
        leptos::task::spawn_local(async move {
            let added = if pending {
                Err(AppError::EmailAlreadyYours)
            } else {
                add_email(email.clone()).await
            };
            let note = match added {
                Ok(()) => Note::AddressSent(email),
                // Added earlier but not verified yet: send its link again.
                Err(AppError::EmailAlreadyYours) => match resend_link(&email).await {
                    Ok(()) => Note::AddressSent(email),
                    Err(error) => Note::Error(error),
                },
                Err(error) => Note::Error(error),
            };
            imports.set_note(id, Some(note));
        });
    };
    let text = move || {
        let email = shown.clone();
        if pending {
            t_string!(i18n, import.awaiting, email).to_string()
        } else {
            t_string!(i18n, import.issued_to, email).to_string()
        }
    };
    view! {
        <p>{text}</p>
        <button type="button" class="button" on:click=add>
            {move || if pending { t_string!(i18n, import.resend_link) } else { t_string!(i18n, import.add_address) }}
        </button>
    }
}

async fn resend_link(email: &str) -> Result<(), AppError> {
    let addresses = list_emails().await?;
    match addresses
        .into_iter()
        .find(|a| a.email.eq_ignore_ascii_case(email))
    {
        Some(address) if address.verified => Err(AppError::EmailAlreadyVerified),
        Some(address) => resend_verification(address.id).await,
        None => Err(AppError::NotFound),
    }
}
