//! Besace as an installed phone app: the web app manifest (in the reader's language) and the
//! words the service worker shows offline. The service worker itself is plain JavaScript
//! (`public/sw.js`), served by `server/src/web_app.rs`.
use crate::i18n::Locale;
use leptos_i18n::td_string;
use serde_json::{json, Value};

/// The manifest's background, the stylesheet's `--sand`; its theme, `--green`.
const BACKGROUND: &str = "#f6f1e7";
const THEME: &str = "#2f5d50";

/// What a phone installs: the backpack in its own window, its icons, and the share sheet's
/// target (badge files, links and pasted tokens go to the normal import).
pub fn manifest(locale: Locale) -> Value {
    let icon = |src: &str, size: u32, purpose: &str| json!({ "src": src, "sizes": format!("{size}x{size}"), "type": "image/png", "purpose": purpose });
    json!({
        "id": "/backpack",
        "name": td_string!(locale, web_app.name).to_string(),
        "short_name": td_string!(locale, web_app.short_name).to_string(),
        "description": td_string!(locale, web_app.description).to_string(),
        "lang": crate::public::lang_code(locale),
        "dir": "ltr",
        "start_url": "/backpack",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": THEME,
        "icons": [
            icon("/icon-192.png", 192, "any"),
            icon("/icon-512.png", 512, "any"),
            icon("/icon-maskable-192.png", 192, "maskable"),
            icon("/icon-maskable-512.png", 512, "maskable"),
        ],
        "share_target": {
            "action": "/share-target",
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {
                "title": "title",
                "text": "text",
                "url": "url",
                "files": [{
                    "name": "files",
                    "accept": [
                        "image/png", ".png", "image/svg+xml", ".svg",
                        "application/json", "application/ld+json", ".json",
                        "text/plain", ".txt", ".jwt",
                    ],
                }],
            },
        },
    })
}

/// The offline notices in both languages, by `<html lang>`; `{when}` is the time the page
/// was kept, which the service worker writes in the page's language.
pub fn offline_words() -> Value {
    let words = |locale: Locale| {
        json!({
            "offline": td_string!(locale, web_app.offline, when = "{when}").to_string(),
            "missing": td_string!(locale, web_app.offline_missing).to_string(),
            "back": td_string!(locale, web_app.offline_back).to_string(),
        })
    };
    json!({ "fr": words(Locale::fr), "en": words(Locale::en) })
}
