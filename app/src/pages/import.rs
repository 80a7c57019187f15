//! Import: one big "choose my badges" button, the other ways (a link, pasted text) folded
//! under it. With the wasm, each item is sent on its own to `POST /api/badges/import`, so
//! each shows its own progress and result, right under the button, and the results take
//! focus. Without it, the same forms post to `POST /import` and the page comes back with
//! the results in the same place (`crate::import`).
use super::import_results::{ImportList, Imports, PlainResults, Source};
use super::RequireUser;
use crate::error::{AppError, ErrorMessage};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Import() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let error = move || query.with(|q| AppError::from_code(q.get("error")));
    view! {
        <Title text=move || t_string!(i18n, import.title).to_string() />
        <RequireUser children=move |_| view! {
            <section class="panel import-start" id="import-form">
                <h1>{t!(i18n, import.title)}</h1>
                <p class="lead">{t!(i18n, import.intro)}</p>
                {move || error().map(|error| view! { <ErrorMessage error /> })}
                // A plain post's results (the page is opened at them): outside the island,
                // whose children would weigh on the wasm.
                <PlainResults />
                <ImportPanel />
            </section>
        } />
    }
}

/// The three ways in and, between the first and the others, the results.
#[island]
fn ImportPanel() -> impl IntoView {
    let i18n = use_i18n();
    let imports = Imports::new();
    // Until the wasm runs, the forms are plain ones: the file field shows what was
    // chosen and a button sends it. Then picking a file is enough.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <FilePicker imports ready />
        <ImportList imports />
        <details class="other-ways">
            <summary>{t!(i18n, import.other_ways)}</summary>
            <div class="import-row">
                <UrlForm imports />
                <PasteForm imports />
            </div>
        </details>
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
fn FilePicker(imports: Imports, ready: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let dragging = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_pick = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        imports.add(files_of(input.files()));
        // The same file may be picked again later (after adding an address, say).
        input.set_value("");
    };
    // Files picked before the wasm ran: the button sends them as the picker would.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = input.get_untracked() {
            imports.add(files_of(input.files()));
            input.set_value("");
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        imports.add(files_of(ev.data_transfer().and_then(|data| data.files())));
    };
    view! {
        <form
            class="drop-zone"
            class:dragging=move || dragging.get()
            method="post"
            action="/import"
            enctype="multipart/form-data"
            on:submit=on_submit
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label class="pick" class:button=ready class:button-big=ready for="badge-files">
                {t!(i18n, import.pick)}
            </label>
            <input
                id="badge-files"
                name="file"
                class:visually-hidden=ready
                type="file"
                multiple
                accept=".png,.svg,.json,.jsonld,.jws,.jwt,.txt,image/png,image/svg+xml,application/json"
                node_ref=input
                on:change=on_pick
            />
            <p class="hint">{t!(i18n, import.files_hint)} " " <span class="drop-hint">{t!(i18n, import.drop_hint)}</span></p>
            <button type="submit" class="button" hidden=ready>{t!(i18n, import.send_files)}</button>
        </form>
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
        <form method="post" action="/import" enctype="multipart/form-data" on:submit=submit aria-labelledby="url-title">
            <h2 id="url-title">{t!(i18n, import.url_title)}</h2>
            <div class="field">
                <label for="badge-url">{t!(i18n, import.url_label)}</label>
                <input id="badge-url" name="url" type="url" inputmode="url" placeholder="https://" required bind:value=url />
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
            imports.add(vec![(String::new(), Source::Text(value))]);
            text.set(String::new());
        }
    };
    view! {
        <form method="post" action="/import" enctype="multipart/form-data" on:submit=submit aria-labelledby="paste-title">
            <h2 id="paste-title">{t!(i18n, import.paste_title)}</h2>
            <div class="field">
                <label for="badge-text">{t!(i18n, import.paste_label)}</label>
                <textarea id="badge-text" name="text" rows="4" spellcheck="false" required bind:value=text></textarea>
            </div>
            <button type="submit" class="button">{t!(i18n, import.paste_submit)}</button>
        </form>
    }
}
