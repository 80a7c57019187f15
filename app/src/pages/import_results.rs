//! What became of each badge sent from the import page: a summary line first ("Ajoutés : 12
//! · Non ajoutés : 6"), then one item each, newest batch first. A refusal says what
//! happened and what to do; "try again" is offered only where it can change the answer.
use super::backpack::{BadgeImage, StatusChip};
use crate::emails::{add_email, list_emails, resend_verification};
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::import::{import_batch, LastImport};
use crate::wire::import::{BadgeEntry, ImportAnswer, ImportOutcome, RefusalReason};
use crate::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use send_wrapper::SendWrapper;

/// Same cap as the server's: a bigger file is refused before it is sent.
const MAX_FILE_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// What one item is made of; kept in the page so "try again" can send it again.
#[derive(Clone)]
pub enum Source {
    File(web_sys::File),
    Url(String),
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
enum ItemState {
    Sending,
    Added(BadgeEntry),
    Already(i64),
    /// Waits for this address of the learner's to be confirmed (and says so).
    Waiting {
        email: String,
        why: String,
    },
    Refused {
        reason: RefusalReason,
        /// What happened and what to do, in the page's language (said by the server).
        why: String,
        retry: bool,
        messages: Vec<String>,
        details: Vec<String>,
        /// The address the badge was issued to, when it helps the learner to know it.
        email: Option<String>,
    },
    TooLarge,
    /// The request itself failed (network, server error).
    Failed,
}

#[derive(Clone, Debug, PartialEq)]
enum Note {
    LinkResent(String),
    Error(AppError),
}

#[derive(Clone, Debug, PartialEq)]
struct Item {
    id: usize,
    /// A file's name, the link, or empty for pasted text.
    label: String,
    state: ItemState,
    note: Option<Note>,
}

impl From<ImportOutcome> for ItemState {
    fn from(outcome: ImportOutcome) -> Self {
        match outcome {
            ImportOutcome::Added { badge } => ItemState::Added(badge),
            ImportOutcome::Already { badge_id } => ItemState::Already(badge_id),
            ImportOutcome::Waiting {
                awaiting_confirmation,
                why,
            } => ItemState::Waiting {
                email: awaiting_confirmation,
                why,
            },
            ImportOutcome::TooLarge { .. } => ItemState::TooLarge,
            ImportOutcome::Refused {
                report,
                reason,
                why,
                retry,
                awaiting_confirmation,
                issued_to,
                ..
            } => {
                let failed: Vec<_> = report.checks.into_iter().filter(|c| !c.ok).collect();
                ItemState::Refused {
                    reason,
                    why,
                    retry,
                    messages: failed.iter().map(|c| c.message.clone()).collect(),
                    details: failed.into_iter().filter_map(|c| c.detail).collect(),
                    email: awaiting_confirmation.or(issued_to),
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
pub struct Imports {
    items: RwSignal<Vec<Item>>,
    sources: StoredValue<Vec<(usize, SendWrapper<Source>)>>,
    next_id: StoredValue<usize>,
    /// The results' section, which takes focus when a batch starts.
    results: NodeRef<leptos::html::Section>,
}

impl Imports {
    pub fn new() -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
            sources: StoredValue::new(Vec::new()),
            next_id: StoredValue::new(0),
            results: NodeRef::new(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.items.with(Vec::is_empty)
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

    /// Puts the batch at the top of the list, in the order given, moves the focus to the
    /// results (so a phone shows them), and sends the items one after the other.
    pub fn add(self, new: Vec<(String, Source)>) {
        if new.is_empty() {
            return;
        }
        let mut batch = Vec::new();
        for (label, source) in new {
            let id = self.next_id.get_value();
            self.next_id.set_value(id + 1);
            self.sources
                .update_value(|sources| sources.push((id, SendWrapper::new(source))));
            batch.push(Item {
                id,
                label,
                state: ItemState::Sending,
                note: None,
            });
        }
        let ids: Vec<usize> = batch.iter().map(|item| item.id).collect();
        self.items.update(|items| {
            items.splice(0..0, batch);
        });
        request_animation_frame(move || {
            if let Some(section) = self.results.get_untracked() {
                let _ = section.focus();
            }
        });
        leptos::task::spawn_local(async move {
            for id in ids {
                self.send(id).await;
            }
        });
    }

    async fn send(self, id: usize) {
        let source = self.sources.with_value(|sources| {
            sources
                .iter()
                .find(|(key, _)| *key == id)
                .map(|(_, s)| (**s).clone())
        });
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

/// How many items are in each state, as one line.
#[derive(Default)]
struct Summary {
    added: usize,
    already: usize,
    refused: usize,
    waiting: usize,
    sending: usize,
}

impl Summary {
    fn of<'a>(states: impl IntoIterator<Item = &'a ItemState>) -> Self {
        let mut summary = Self::default();
        for state in states {
            match state {
                ItemState::Sending => summary.sending += 1,
                ItemState::Added(_) => summary.added += 1,
                ItemState::Already(_) => summary.already += 1,
                ItemState::Waiting { .. } => summary.waiting += 1,
                _ => summary.refused += 1,
            }
        }
        summary
    }

    fn line(&self, i18n: leptos_i18n::I18nContext<Locale>) -> String {
        // Labels end with their colon (a no-break space before it in French): no
        // interpolation, which would weigh on the wasm for each key.
        let parts = [
            (self.added, t_string!(i18n, import.summary_added)),
            (self.already, t_string!(i18n, import.summary_already)),
            (self.waiting, t_string!(i18n, import.summary_waiting)),
            (self.refused, t_string!(i18n, import.summary_refused)),
            (self.sending, t_string!(i18n, import.summary_sending)),
        ];
        parts
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, label)| format!("{label} {count}"))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// The results section: its heading, the summary line, then the items.
#[component]
fn Results(items: Signal<Vec<Item>>, imports: Option<Imports>) -> impl IntoView {
    let i18n = use_i18n();
    let node = imports.map(|imports| imports.results).unwrap_or_default();
    let summary = move || items.with(|items| Summary::of(items.iter().map(|item| &item.state)).line(i18n));
    view! {
        <section class="import-results-panel" id="results" tabindex="-1" aria-labelledby="results-title" node_ref=node>
            <h2 id="results-title">{t!(i18n, import.results_title)}</h2>
            <p class="import-summary" role="status">{summary}</p>
            <ul class="import-results">
                {move || items.get().into_iter().map(|item| view! { <ImportItemView item imports /> }).collect_view()}
            </ul>
            <p><a href="/backpack">{t!(i18n, import.to_backpack)}</a></p>
        </section>
    }
}

#[component]
pub fn ImportList(imports: Imports) -> impl IntoView {
    let items = Signal::derive(move || imports.items.get());
    view! {
        <Show when=move || !imports.is_empty()>
            <Results items imports=Some(imports) />
        </Show>
    }
}

/// The results of a plain post (`?done={batch}`), from the session.
#[component]
pub fn PlainResults() -> impl IntoView {
    let query = use_query_map();
    let batch = move || query.with(|q| q.get("done"));
    let last = Resource::new(batch, |batch| async move {
        match batch {
            Some(batch) => import_batch(batch).await,
            None => Ok(Vec::new()),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let results: Vec<LastImport> = last.get().and_then(Result::ok).unwrap_or_default();
                (!results.is_empty()).then(|| {
                    let items: Vec<Item> = results
                        .into_iter()
                        .enumerate()
                        .map(|(id, last)| Item {
                            id,
                            label: last.name,
                            state: last.result.outcome.into(),
                            note: None,
                        })
                        .collect();
                    view! { <Results items=Signal::stored(items) imports=None /> }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ImportItemView(item: Item, imports: Option<Imports>) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let retry_button = move || {
        imports.map(|imports| {
            view! {
                <button type="button" class="button button-secondary" on:click=move |_| imports.retry(id)>{t!(i18n, import.retry)}</button>
            }
        })
    };
    let body = match item.state {
        ItemState::Sending => view! {
            <p class="progress"><span class="spinner" aria-hidden="true"></span>{t!(i18n, import.sending)}</p>
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
        ItemState::Waiting { email, why } => view! {
            <p class="alert alert-info"><strong>{t!(i18n, import.waiting)}</strong></p>
            <p class="why">{why}</p>
            {match imports {
                Some(imports) => view! { <AddressHelp email id imports pending=true /> }.into_any(),
                None => view! { <p><a href="/settings#emails">{t!(i18n, import.to_settings)}</a></p> }.into_any(),
            }}
        }
        .into_any(),
        ItemState::TooLarge => view! { <p class="alert alert-error">{t!(i18n, import.too_large)}</p> }.into_any(),
        ItemState::Failed => view! {
            <p class="alert alert-error">{t!(i18n, import.failed)}</p>
            {retry_button()}
        }
        .into_any(),
        ItemState::Refused { reason, why, retry, messages, details, email } => view! {
            <p class="alert alert-error"><strong>{t!(i18n, import.refused)}</strong></p>
            <p class="why">{why}</p>
            {match (reason, email, imports) {
                (RefusalReason::ConfirmAddress, Some(email), Some(imports)) => Some(view! { <AddressHelp email id imports pending=true /> }.into_any()),
                (RefusalReason::AddAddress, Some(email), Some(imports)) => Some(view! { <AddressHelp email id imports pending=false /> }.into_any()),
                (RefusalReason::ConfirmAddress | RefusalReason::AddAddress | RefusalReason::AnotherAddress, _, _) => Some(view! {
                    <p><a href="/settings#emails">{t!(i18n, import.to_settings)}</a></p>
                }.into_any()),
                _ => None,
            }}
            <details>
                <summary>{t!(i18n, import.checks_title)}</summary>
                <ul class="checks">
                    {messages.into_iter().map(|m| view! { <li class="check-bad">{m}</li> }).collect_view()}
                </ul>
                {(!details.is_empty()).then(|| view! {
                    <ul class="hint">{details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                })}
            </details>
            {retry.then(retry_button)}
        }
        .into_any(),
    };
    let note = item.note.map(|note| match note {
        Note::LinkResent(email) => view! {
            <p class="alert alert-success" role="status">{t!(i18n, import.link_resent, email = move || email.clone())}</p>
        }
        .into_any(),
        Note::Error(error) => view! { <ErrorMessage error /> }.into_any(),
    });
    let label = if item.label.is_empty() {
        t_string!(i18n, import.pasted).to_string()
    } else {
        item.label
    };
    view! {
        <li class="import-item">
            <p class="import-label">{label}</p>
            {body}
            {note}
        </li>
    }
}

/// "Issued to marie@ecole.fr — add and verify this address": adds it (a link is mailed)
/// and sends the badge again, which then waits for that address and goes in by itself once
/// the learner opens the link. When the address is already the learner's, `pending`
/// (waiting for its link), the button sends the link again.
#[component]
fn AddressHelp(email: String, id: usize, imports: Imports, pending: bool) -> impl IntoView {
    let i18n = use_i18n();
    let add = move |_| {
        let email = email.clone();
        leptos::task::spawn_local(async move {
            let added = if pending {
                Err(AppError::EmailAlreadyYours)
            } else {
                add_email(email.clone()).await
            };
            let note = match added {
                Ok(()) => {
                    imports.retry(id);
                    Note::LinkResent(email)
                }
                // Added earlier but not verified yet: send its link again.
                Err(AppError::EmailAlreadyYours) => match resend_link(&email).await {
                    Ok(()) if pending => Note::LinkResent(email),
                    Ok(()) => {
                        imports.retry(id);
                        Note::LinkResent(email)
                    }
                    Err(error) => Note::Error(error),
                },
                Err(error) => Note::Error(error),
            };
            imports.set_note(id, Some(note));
        });
    };
    view! {
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
