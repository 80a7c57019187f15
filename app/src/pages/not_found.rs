use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, errors.not_found_title).to_string() />
        <section class="panel">
            <h1>{t!(i18n, errors.not_found_title)}</h1>
            <p>{t!(i18n, errors.not_found_text)}</p>
            <a href="/">{t!(i18n, errors.back_home)}</a>
        </section>
    }
}
