use super::RequireUser;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Backpack() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, backpack.title).to_string() />
        <RequireUser children=move |user| {
            let name = user.display_name.clone();
            view! {
                <section class="panel">
                    <h1>{t!(i18n, backpack.title)}</h1>
                    <p class="lead">{t!(i18n, backpack.hello, name = move || name.clone())}</p>
                </section>
                <section class="panel empty-state" aria-labelledby="empty-title">
                    <img src="/empty-backpack.svg" alt="" width="96" height="96" />
                    <h2 id="empty-title">{t!(i18n, backpack.empty_title)}</h2>
                    <p>{t!(i18n, backpack.empty_text)}</p>
                    <ol class="steps">
                        <li>{t!(i18n, backpack.empty_step_1)}</li>
                        <li>{t!(i18n, backpack.empty_step_2)}</li>
                        <li>{t!(i18n, backpack.empty_step_3)}</li>
                    </ol>
                </section>
            }
        } />
    }
}
