//! One module per page.
mod account_forms;
mod backpack;
mod badge;
mod collections;
mod connect;
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

/// Loads the page again once `action` has succeeded: the page is the server's HTML, so the
/// server shows the change (an island has no page state to patch).
fn reload_on_success<I, T>(action: ServerAction<I>)
where
    I: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    go_on_success(action, |_| None);
}

/// Once `action` has succeeded, goes to the page `target` names for its answer, or loads
/// the same page again.
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
                None => location.reload(),
            };
        }
    });
}

/// The error of the last submission of a form, if it failed.
fn action_error<I, T>(action: ServerAction<I>) -> impl IntoView
where
    I: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|error| view! { <ErrorMessage error /> })
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
