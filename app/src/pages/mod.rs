//! One module per page.
mod account_forms;
mod backpack;
mod badge;
mod collections;
mod connect;
mod europass;
mod import;
mod import_results;
mod inbox;
mod landing;
mod not_found;
mod password_reset;
mod settings;
mod sharing;
mod site_access;
mod verify_email;

pub use account_forms::{Login, Signup};
pub use backpack::Backpack;
pub use badge::BadgePage;
pub use collections::{CollectionPage, Collections};
pub use connect::Connect;
pub use import::Import;
pub use inbox::Inbox;
pub use landing::Landing;
pub use not_found::NotFound;
pub use password_reset::{ForgotPassword, ResetPassword};
pub use settings::Settings;
pub use verify_email::{CheckYourMail, VerifyEmail};

use crate::{
    account::{me, CurrentUser},
    error::ErrorMessage,
    AppError,
};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Renders `children` for a logged-in learner, and sends anyone else to the login page.
#[component]
fn RequireUser<F, V>(children: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // Its own fetch, made when the page mounts: the layout's resource may still hold the
    // answer from before a login while it refetches, which would send a new learner away.
    let user = Resource::new(|| (), |_| async { me().await.ok().flatten() });
    view! {
        <Suspense fallback=|| ()>
            {move || {
                user.get()
                    .map(|user| match user {
                        Some(user) => children(user).into_any(),
                        None => view! { <Redirect path="/login" /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// The session-storage key naming where the focus goes once the next page has loaded
/// (read by the layout's last island, `restore_focus`).
pub(crate) const FOCUS_KEY: &str = "besace.focus";

/// Before a control's action loads the page again: once it is back, the focus goes to the
/// first of `ids` that is on the page and enabled (the same control, or its neighbour when
/// it is gone), so a keyboard learner goes on from where they were.
pub(crate) fn remember_focus(ids: &[String]) {
    if let Ok(Some(storage)) = window().session_storage() {
        let _ = storage.set_item(FOCUS_KEY, &ids.join(" "));
    }
}

/// The same for a form posted without the wasm: the page comes back at `#{the first of
/// ids}` (`server/src/plain_forms.rs`), which scrolls to it and makes the next Tab go on
/// from there.
#[component]
pub(crate) fn FocusAfter(ids: Vec<String>) -> impl IntoView {
    ids.into_iter()
        .next()
        .map(|id| view! { <input type="hidden" name="__focus" value=id /> })
}

/// Puts the focus where [`remember_focus`] said, once, on the page that loaded after it.
pub(crate) fn restore_focus() {
    use wasm_bindgen::JsCast;
    let Ok(Some(storage)) = window().session_storage() else {
        return;
    };
    let Ok(Some(ids)) = storage.get_item(FOCUS_KEY) else {
        return;
    };
    let _ = storage.remove_item(FOCUS_KEY);
    let target = ids
        .split(' ')
        .filter_map(|id| document().get_element_by_id(id))
        .filter(|element| !element.has_attribute("disabled"))
        .find_map(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = target {
        let _ = element.focus();
    }
}

/// A confirmation asked in the page: opening it moves the focus to its "yes", and "no"
/// gives the focus back to the button that asked.
#[derive(Clone, Copy)]
pub(crate) struct Confirmation {
    pub asking: RwSignal<bool>,
    pub ask: NodeRef<leptos::html::Button>,
    pub yes: NodeRef<leptos::html::Button>,
}

impl Confirmation {
    pub fn new() -> Self {
        Self {
            asking: RwSignal::new(false),
            ask: NodeRef::new(),
            yes: NodeRef::new(),
        }
    }

    pub fn open(self) {
        self.asking.set(true);
        request_animation_frame(move || focus(self.yes));
    }

    pub fn cancel(self) {
        self.asking.set(false);
        request_animation_frame(move || focus(self.ask));
    }
}

fn focus(button: NodeRef<leptos::html::Button>) {
    if let Some(button) = button.get_untracked() {
        let _ = button.focus();
    }
}

/// Loads the page again once `action` has succeeded, saying so in its address as a plain
/// post does (`__done`): the page is the server's HTML, so the server shows the change and
/// its notice (an island has no page state to patch).
fn reload_on_success<I, T>(action: ServerAction<I>)
where
    I: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    go_on_success(action, |_| None);
}

/// Once `action` has succeeded, goes to the page `target` names for its answer, or loads
/// the same page again (see [`reload_on_success`]).
fn go_on_success<I, T>(action: ServerAction<I>, target: impl Fn(&T) -> Option<String> + 'static)
where
    I: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(answer)) = action.value().get() {
            let location = window().location();
            let _ = match target(&answer) {
                Some(path) => location.set_href(&path),
                None => location.set_search(&search_saying_done(I::PATH)),
            };
        }
    });
}

/// This page's query without the marks of an earlier post, and with `__done={path}`.
fn search_saying_done(path: &str) -> String {
    let search = window().location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return String::new();
    };
    for mark in ["__done", "__path", "__err"] {
        params.delete(mark);
    }
    params.append("__done", path);
    String::from(params.to_string())
}

/// How the last post of server function `I`'s form went, as this page's address says: a
/// plain post's redirect back here (`server/src/plain_forms.rs`: `__done`, or `__path` and
/// the error's code), or [`reload_on_success`]. `Some(Ok)` after a success, `Some(Err)`
/// with its error, `None` when this page answers no post of `I`. Read the same on the
/// server and in the browser, so a page posted before its wasm arrived hydrates with the
/// message in place.
pub(crate) fn posted<I>() -> Option<Result<(), AppError>>
where
    I: leptos::server_fn::ServerFn<Error = AppError>,
{
    if page_query("__done").as_deref() == Some(I::PATH) {
        return Some(Ok(()));
    }
    if page_query("__path").as_deref() != Some(I::PATH) {
        return None;
    }
    AppError::from_code(page_query("error")).map(Err)
}

/// The error of the last submission of a form, if it failed (here, or in the plain post
/// this page answers).
fn action_error<I, T>(action: ServerAction<I>) -> impl IntoView
where
    I: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    let from_post = posted::<I>().and_then(Result::err);
    move || {
        match action.value().get() {
            Some(result) => result.err(),
            None => from_post.clone(),
        }
        .map(|error| view! { <ErrorMessage error /> })
    }
}

/// Whether the last submission of a form succeeded (here, or in the plain post this page
/// answers).
fn action_done<I, T>(action: ServerAction<I>) -> impl Fn() -> bool + Copy + Send + Sync + 'static
where
    I: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    let from_post = matches!(posted::<I>(), Some(Ok(())));
    move || match action.value().get() {
        Some(result) => result.is_ok(),
        None => from_post,
    }
}

/// A query parameter of the page's address, on the server (the request) and in the browser
/// (`location.search`) alike: for what an island shows from its address.
pub(crate) fn page_query(name: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        query_param(name)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let search = window().location().search().ok()?;
        web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
    }
}

/// A query parameter of this page's request, decoded once as the browser encoded it. The
/// router's query map decodes the URL twice (`%2509` arrives as a tab, `%2526` as `&`),
/// which would change a `next` link; pages are rendered on the server, so the request is
/// at hand.
pub(crate) fn query_param(name: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>()?;
        let query = parts.uri.query()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = name;
        None
    }
}

/// Text for a `<textarea>`'s content. Leptos writes a textarea's children into the server's
/// HTML without escaping them, but a textarea decodes entities and ends at the first
/// `</textarea>`: unescaped, a description could close it and open a script, and an
/// embed snippet holding `&lt;` would be shown (and copied) as `<`. In the browser the
/// text is already the element's value.
pub(crate) fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    let text = crate::public::escape(&text);
    text
}
