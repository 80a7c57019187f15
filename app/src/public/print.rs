//! What a public page gives for paper: the link to its PDF on screen, and, printed only,
//! its address and a QR code that opens it, so whoever holds the sheet can check the
//! badges now (the print stylesheet hides the buttons and shows this).
use crate::i18n::Locale;
use leptos::prelude::*;
use leptos_i18n::td_string;

/// What kind of PDF a page offers.
#[derive(Clone, Copy, Debug)]
pub(super) enum PaperKind {
    Portfolio,
    Certificate,
}

/// "Télécharger en PDF", with what the document is for.
pub(super) fn pdf_link(locale: Locale, href: String, kind: PaperKind) -> impl IntoView {
    let label = match kind {
        PaperKind::Portfolio => td_string!(locale, paper.download),
        PaperKind::Certificate => td_string!(locale, paper.download_certificate),
    };
    view! {
        <p class="paper-link no-print">
            <a class="button button-secondary" href=href download="">{label}</a>
            <br /><small class="hint">{td_string!(locale, paper.download_hint)}</small>
        </p>
    }
}

/// The page's address and its QR code, on paper only. `qr_svg` is the server's own
/// drawing of `url` (no outside text in it).
pub(super) fn check_on_paper(locale: Locale, kind: PaperKind, url: String, qr_svg: &str) -> impl IntoView {
    // The drawing is a standalone SVG document: inline, its XML prolog is noise.
    let drawing = qr_svg
        .find("<svg")
        .map(|start| qr_svg[start..].to_owned())
        .unwrap_or_default();
    let check = match kind {
        PaperKind::Portfolio => td_string!(locale, paper.print_check),
        PaperKind::Certificate => td_string!(locale, paper.print_check_badge),
    };
    view! {
        <aside class="print-only print-check">
            <div class="print-qr" role="img" aria-label=td_string!(locale, paper.qr_alt) inner_html=drawing></div>
            <p>{check}<br /><strong class="print-url">{url}</strong></p>
        </aside>
    }
}
