//! The page a verification mail links to: it uses the link and says what happened.
use crate::emails::confirm_email;
use crate::error::ErrorMessage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn VerifyEmail() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let outcome = Resource::new(
        move || query.read().get("token").unwrap_or_default(),
        confirm_email,
    );
    view! {
        <Title text=move || t_string!(i18n, verify_email.title).to_string() />
        <section class="panel">
            <h1>{t!(i18n, verify_email.title)}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    outcome
                        .get()
                        .map(|result| match result {
                            Ok(email) => {
                                view! {
                                    <p class="alert alert-success" role="status">
                                        {move || t_string!(i18n, verify_email.done, email = email.clone()).to_string()}
                                    </p>
                                    <p>
                                        <a class="button" href="/settings">{t!(i18n, verify_email.to_settings)}</a>
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}
