//! What sharing looks like on the learner's pages: the public link to copy, the ready-made
//! share links, and, on a badge's page, sharing that badge on its own.
use super::{action_error, reload_on_success};
use crate::i18n::*;
use crate::sharing::{ShareBadge, ShareLinks, SharedLink};
use leptos::prelude::*;

/// What the share options are for (their words differ).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shared {
    Collection,
    Badge,
}

/// The public link, with a button that copies it.
#[island]
pub(super) fn CopyLink(url: String) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let to_copy = url.clone();
    view! {
        <label for="share-url">{t!(i18n, collections.link_label)}</label>
        <div class="share-link">
            <input id="share-url" readonly value=url on:focus=|ev| select_all(&ev) />
            <button type="button" class="button button-secondary" on:click=move |_| {
                copy_text(&to_copy);
                copied.set(true);
            }>{t!(i18n, collections.copy)}</button>
        </div>
        <p role="status">{move || copied.get().then_some(t!(i18n, collections.copied))}</p>
    }
}

/// "Télécharger en PDF" for a public page: a collection's portfolio, a badge's certificate.
#[component]
pub(super) fn PaperLink(href: String, what: Shared) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="paper-link">
            <a class="button button-secondary" href=href download="" rel="external">{match what {
                Shared::Collection => t_string!(i18n, paper.download),
                Shared::Badge => t_string!(i18n, paper.download_certificate),
            }}</a>
            <br /><small class="hint">{t!(i18n, paper.download_hint)}</small>
        </p>
    }
}

/// Share buttons, embed code, e-mail signature, QR code and public data of a public page
/// (every link is built by the server).
#[component]
pub(super) fn ShareOptions(links: ShareLinks, what: Shared) -> impl IntoView {
    let i18n = use_i18n();
    let linkedin_add = match what {
        Shared::Badge => links.linkedin_add.first().map(|(_, url)| url.clone()),
        Shared::Collection => None,
    };
    view! {
        <h3>{match what {
            Shared::Collection => t_string!(i18n, share.title),
            Shared::Badge => t_string!(i18n, share.badge_title),
        }}</h3>
        <ul class="share-buttons">
            // The phone's own share sheet, where there is one: public/web-app.js shows it.
            <li hidden>
                <button type="button" class="button" data-share-url=links.link.clone() data-share-title=links.title.clone()>
                    {t!(i18n, web_app.native_share)}
                </button>
            </li>
            <li><a class="button button-secondary" href=links.email>{t!(i18n, share.email)}</a></li>
            <li><a class="button button-secondary" href=links.linkedin target="_blank" rel="noopener">{t!(i18n, share.linkedin)}</a></li>
            <li><a class="button button-secondary" href=links.twitter target="_blank" rel="noopener">{t!(i18n, share.twitter)}</a></li>
            <li><a class="button button-secondary" href=links.facebook target="_blank" rel="noopener">{t!(i18n, share.facebook)}</a></li>
            {linkedin_add.map(|url| view! {
                <li><a class="button button-secondary" href=url target="_blank" rel="noopener">{t!(i18n, share.linkedin_add)}</a></li>
            })}
        </ul>
        <details>
            <summary>{t!(i18n, share.embed_title)}</summary>
            <label for="embed-code" class="hint">{t!(i18n, share.embed_hint)}</label>
            <textarea id="embed-code" class="code" readonly rows="3">{super::textarea_text(links.embed)}</textarea>
        </details>
        <details>
            <summary>{t!(i18n, share.signature_title)}</summary>
            <label for="signature-code" class="hint">{match what {
                Shared::Collection => t_string!(i18n, share.signature_hint),
                Shared::Badge => t_string!(i18n, share.badge_signature_hint),
            }}</label>
            <textarea id="signature-code" class="code" readonly rows="3">{super::textarea_text(links.signature)}</textarea>
        </details>
        <details>
            <summary>{t!(i18n, share.qr_title)}</summary>
            <p><img src=links.qr_svg.clone() alt="" width="160" height="160" /></p>
            <p>
                <a href=links.qr_svg download="">{t!(i18n, share.qr_svg)}</a>" · "
                <a href=links.qr_png download="">{t!(i18n, share.qr_png)}</a>
            </p>
        </details>
        {links.json.map(|json| view! { <p><a href=json rel="external">{t!(i18n, share.json)}</a></p> })}
    }
}

/// "Partager ce badge seul": private until the learner shares it, then its own link with
/// the same options as a gallery's, a new link on demand, and a way to stop.
#[component]
pub(super) fn BadgeSharing(id: i64, link: Option<SharedLink>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel sharing" aria-labelledby="badge-sharing">
            <h2 id="badge-sharing">{t!(i18n, badge.share_title)}</h2>
            {match link {
                Some(link) => {
                    let since = link.since.clone();
                    view! {
                        <p><span class="chip chip-ok">{t!(i18n, badge.shared_since, when = move || since.clone())}</span></p>
                        <p>{t!(i18n, badge.shared_text)}</p>
                        <CopyLink url=link.url.clone() />
                        <p><a href=link.url.clone() rel="external" target="_blank">{t!(i18n, collections.open_public)}</a></p>
                        <PaperLink href=link.share.pdf.clone() what=Shared::Badge />
                        <ShareOptions links=link.share what=Shared::Badge />
                        // A div: a form may not sit in a <p> (the browser would close the
                        // paragraph before it, and the islands would not hydrate).
                        <div class="share-actions">
                            <ShareBadgeButton id share=true again=true />
                            " "
                            <ShareBadgeButton id share=false again=false />
                        </div>
                        <p class="hint">{t!(i18n, badge.new_link_hint)}</p>
                    }.into_any()
                }
                None => view! {
                    <p><span class="chip chip-wait">{t!(i18n, badge.private)}</span></p>
                    <p>{t!(i18n, badge.private_text)}</p>
                    <p class="hint">{t!(i18n, paper.private_badge_hint)}</p>
                    <ShareBadgeButton id share=true again=false />
                }.into_any(),
            }}
        </section>
    }
}

/// Shares the badge (again, under a new link) or stops sharing it; the page then shows its
/// new state.
#[island]
fn ShareBadgeButton(id: i64, share: bool, again: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ShareBadge>::new();
    reload_on_success(action);
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="share" value=share.to_string() />
            {match (share, again) {
                (true, false) => view! { <button type="submit" class="button">{t!(i18n, badge.share)}</button> }.into_any(),
                (true, true) => view! { <button type="submit" class="button button-secondary">{t!(i18n, badge.new_link)}</button> }.into_any(),
                (false, _) => view! { <button type="submit" class="button button-secondary">{t!(i18n, badge.unshare)}</button> }.into_any(),
            }}
        </ActionForm>
        {action_error(action)}
    }
}
/// Selects the whole field (a link, a text to paste) when it gets focus: easy to copy by
/// hand on a phone.
pub(super) fn select_all(ev: &leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(target) = ev.target() else {
            return;
        };
        match target.dyn_into::<web_sys::HtmlInputElement>() {
            Ok(input) => input.select(),
            Err(target) => {
                if let Ok(area) = target.dyn_into::<web_sys::HtmlTextAreaElement>() {
                    area.select();
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

pub(super) fn copy_text(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}
