//! The collection page's "Europass" panel. Europass takes no Open Badges: a learner uploads
//! the portfolio PDF to the Europass Library and writes each badge into a section of the
//! CV. The panel says how, in plain words, and gives each badge's text ready to paste, in
//! French and in English (a CV's language need not be the page's).
use super::sharing::{copy_text, select_all};
use crate::collections::EuropassText;
use crate::i18n::*;
use leptos::prelude::*;

/// `texts` is `None` while the collection is private: no PDF and no links to give yet.
#[component]
pub(super) fn Europass(texts: Option<Vec<EuropassText>>) -> impl IntoView {
    let i18n = use_i18n();
    let list = match texts {
        None => view! { <p class="hint">{t!(i18n, paper.europass_private)}</p> }.into_any(),
        Some(texts) if texts.is_empty() => view! { <p class="hint">{t!(i18n, paper.europass_empty)}</p> }.into_any(),
        Some(texts) => view! {
            <ul class="europass-list">
                {texts.into_iter().map(|text| view! {
                    <li>
                        <h3>{text.name.clone()}</h3>
                        <CopyText id=format!("europass-{}-fr", text.id) name=text.name.clone() english=false text=text.fr />
                        <CopyText id=format!("europass-{}-en", text.id) name=text.name english=true text=text.en />
                    </li>
                }).collect_view()}
            </ul>
        }.into_any(),
    };
    view! {
        // Folded: only the learners who use Europass need it, and it runs long.
        <section class="panel europass" aria-labelledby="europass">
            <details>
                <summary><h2 id="europass">{t!(i18n, paper.europass_title)}</h2></summary>
                <p>{t!(i18n, paper.europass_intro)}</p>
                <ol class="steps">
                    <li>{t!(i18n, paper.europass_step1)}</li>
                    <li>{t!(i18n, paper.europass_step2)}</li>
                    <li>{t!(i18n, paper.europass_step3)}</li>
                </ol>
                {list}
            </details>
        </section>
    }
}

/// One badge's text in one language, and a button that copies it. Without the wasm the
/// field is still there to select and copy by hand.
#[island]
fn CopyText(id: String, name: String, english: bool, text: String) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let to_copy = text.clone();
    let rows = text.lines().count().max(2);
    // "Copier : …" in French, "Copy: …" in English.
    let colon = move || match i18n.get_locale() {
        Locale::fr => "\u{a0}: ",
        _ => ": ",
    };
    let language = move || match english {
        true => t_string!(i18n, paper.europass_in_english),
        false => t_string!(i18n, paper.europass_in_french),
    };
    view! {
        <div class="copy-text">
            <label for=id.clone()>{language}</label>
            <textarea id=id class="code" readonly rows=rows lang=if english { "en" } else { "fr" } on:focus=|ev| select_all(&ev)>
                {super::textarea_text(text)}
            </textarea>
            <button type="button" class="button button-secondary button-small" on:click=move |_| {
                copy_text(&to_copy);
                copied.set(true);
            }>
                {t!(i18n, paper.europass_copy)}
                <span class="visually-hidden">{colon}{name}" ("{language}")"</span>
            </button>
            <p role="status" class="hint">{move || copied.get().then_some(t!(i18n, paper.europass_copied))}</p>
        </div>
    }
}
