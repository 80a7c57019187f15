use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, tagline).to_string() />
        <Meta name="description" content=move || t_string!(i18n, landing.intro).to_string() />
        <section class="hero">
            <h1>{t!(i18n, landing.title)}</h1>
            <p class="lead">{t!(i18n, landing.intro)}</p>
            <div class="actions">
                <a href="/signup" class="button">{t!(i18n, landing.cta_signup)}</a>
                <a href="/login" class="button button-secondary">{t!(i18n, landing.cta_login)}</a>
            </div>
        </section>
        <section class="panel">
            <h2>{t!(i18n, landing.what_title)}</h2>
            <p>{t!(i18n, landing.what_text)}</p>
        </section>
        <section class="panel">
            <h2>{t!(i18n, landing.why_title)}</h2>
            <ul class="reasons">
                <li>{t!(i18n, landing.why_keep)}</li>
                <li>{t!(i18n, landing.why_check)}</li>
                <li>{t!(i18n, landing.why_show)}</li>
            </ul>
        </section>
        <section class="panel">
            <h2>{t!(i18n, landing.how_title)}</h2>
            <ol class="steps">
                <li>{t!(i18n, landing.how_1)}</li>
                <li>{t!(i18n, landing.how_2)}</li>
                <li>{t!(i18n, landing.how_3)}</li>
            </ol>
        </section>
    }
}
