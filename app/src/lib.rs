//! Besace's user interface: pages, components and the server functions they call.
//!
//! Everything under `#[cfg(feature = "ssr")]` stays on the server; the rest also compiles
//! to the wasm bundle that hydrates the server-rendered pages.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod account;
pub mod badges;
pub mod collections;
#[cfg(feature = "ssr")]
pub mod dates;
/// The values parsed once at the edge (core's).
#[cfg(feature = "ssr")]
pub use besace_core::domain;
pub mod emails;
pub mod error;
pub mod import;
pub mod password_reset;
pub mod platforms;
pub mod profile;
pub mod sharing;
pub mod site_access;
pub use error::AppError;
mod layout;
mod pages;
/// Public pages as PDFs.
#[cfg(feature = "ssr")]
pub mod paper;
#[cfg(feature = "ssr")]
pub mod public;
/// What the doors read of a request: the session's learner, the client address, the
/// language.
#[cfg(feature = "ssr")]
pub mod request;
/// The installed app's manifest and offline words.
#[cfg(feature = "ssr")]
pub mod web_app;
pub mod wire;
/// The backpack's core as the server functions reach it (with `request` beside it).
#[cfg(feature = "ssr")]
pub mod server {
    pub use crate::request;
    pub use besace_core::*;
}

use i18n::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// Brings the page's islands to life (the wasm's entry point calls this).
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    // A server function that redirects (login, signup, delete) sends the browser there:
    // there is no client-side router to do it.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = window().location().set_href(location);
    });
    leptos::mount::hydrate_islands();
}

/// The HTML document around every page (rendered on the server only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // Static head links live here, outside the hydrated tree: nothing to match.
                <link rel="stylesheet" id="besace" href="/pkg/besace.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <meta name="theme-color" content="#2f5d50" />
                <script src="/time-zone.js" defer></script>
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icon-192.png" />
                <script src="/web-app.js" defer></script>
                <AutoReload options=options.clone() />
                {hydration_scripts(options)}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The pages whose every form is a plain one: they have no island, so they load no wasm
/// at all (a phone on a slow line shows them at once). Every other page hydrates its
/// islands.
#[cfg(feature = "ssr")]
const WITHOUT_ISLANDS: [&str; 6] = [
    "/",
    "/inbox",
    "/connect",
    "/check-your-mail",
    "/forgot-password",
    "/reset-password",
];

/// Whether this request's page has islands (rendered on the server only; the browser's
/// wasm never asks).
pub fn has_islands() -> bool {
    #[cfg(feature = "ssr")]
    {
        let Some(url) = use_context::<leptos_router::location::RequestUrl>() else {
            return true;
        };
        // leptos_axum writes it as `http://leptos.dev{path}?{query}`.
        let full = url.as_ref();
        let path = full.strip_prefix("http://leptos.dev").unwrap_or(full);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        !WITHOUT_ISLANDS.contains(&path)
    }
    #[cfg(not(feature = "ssr"))]
    true
}

/// The islands' hydration scripts, on a page that has islands. On one that has none,
/// nothing: and, as the islands' script would, the page is told it is not hydrated, so no
/// resource's data is written into it for a wasm that never comes.
fn hydration_scripts(options: LeptosOptions) -> impl IntoView {
    if has_islands() {
        return Some(view! { <HydrationScripts options islands=true /> });
    }
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    None
}

/// The document's `<title>`. leptos_meta writes the formatted title into the server's HTML
/// as it is, without escaping, and titles carry badge and collection names (hostile text):
/// this is where they are escaped. In islands mode the title is never set in the browser.
fn page_title(title: String) -> String {
    let title = if title.is_empty() {
        "Besace".to_string()
    } else {
        format!("{title} · Besace")
    };
    #[cfg(feature = "ssr")]
    let title = public::escape(&title);
    title
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Title formatter=page_title />
            <Router>
                <layout::Layout>
                    <Routes fallback=pages::NotFound>
                        <Route path=path!("/") view=pages::Landing />
                        <Route path=path!("/signup") view=pages::Signup />
                        <Route path=path!("/login") view=pages::Login />
                        // Private pages wait for the session check, so a visitor gets a
                        // real 302 to the login page instead of a streamed redirect.
                        <Route path=path!("/backpack") view=pages::Backpack ssr=SsrMode::Async />
                        <Route path=path!("/import") view=pages::Import ssr=SsrMode::Async />
                        <Route path=path!("/badges/:id") view=pages::BadgePage ssr=SsrMode::Async />
                        <Route path=path!("/collections") view=pages::Collections ssr=SsrMode::Async />
                        <Route path=path!("/collections/:id") view=pages::CollectionPage ssr=SsrMode::Async />
                        <Route path=path!("/settings") view=pages::Settings ssr=SsrMode::Async />
                        <Route path=path!("/inbox") view=pages::Inbox ssr=SsrMode::Async />
                        // A platform's connection request, checked and kept in the session.
                        <Route path=path!("/connect") view=pages::Connect ssr=SsrMode::Async />
                        // Async too: the answer's status (410 for a dead link) is known first.
                        <Route path=path!("/verify-email") view=pages::VerifyEmail />
                        <Route path=path!("/check-your-mail") view=pages::CheckYourMail />
                        <Route path=path!("/forgot-password") view=pages::ForgotPassword />
                        <Route path=path!("/reset-password") view=pages::ResetPassword />
                    </Routes>
                </layout::Layout>
            </Router>
        </I18nContextProvider>
    }
}
