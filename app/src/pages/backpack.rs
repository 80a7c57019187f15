use super::RequireUser;
use crate::badges::{my_badges, BadgeCard};
use crate::error::ErrorMessage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Backpack() -> impl IntoView {
    let i18n = use_i18n();
    // Outside RequireUser's Suspense, like every resource of a private page.
    let badges = Resource::new(|| (), |_| my_badges());
    view! {
        <Title text=move || t_string!(i18n, backpack.title).to_string() />
        <RequireUser children=move |user| {
            let name = user.display_name.clone();
            view! {
                <section class="panel">
                    <h1>{t!(i18n, backpack.title)}</h1>
                    <p class="lead">{t!(i18n, backpack.hello, name = move || name.clone())}</p>
                </section>
                <Transition fallback=|| ()>
                    {move || {
                        badges
                            .get()
                            .map(|result| match result {
                                Ok(cards) if cards.is_empty() => view! { <EmptyBackpack /> }.into_any(),
                                Ok(cards) => view! { <BadgeGrid cards /> }.into_any(),
                                Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            })
                    }}
                </Transition>
            }
        } />
    }
}

#[component]
fn BadgeGrid(cards: Vec<BadgeCard>) -> impl IntoView {
    view! {
        <ul class="badge-grid">
            {cards.into_iter().map(|card| view! { <BadgeCardView card /> }).collect_view()}
        </ul>
    }
}

#[component]
fn BadgeCardView(card: BadgeCard) -> impl IntoView {
    let i18n = use_i18n();
    let status = card.status.clone();
    let chip = move || match status.as_str() {
        "verified" => t_string!(i18n, status.verified).to_string(),
        "expired" => t_string!(i18n, status.expired).to_string(),
        "revoked" => t_string!(i18n, status.revoked).to_string(),
        _ => t_string!(i18n, status.unchecked).to_string(),
    };
    let chip_class = match card.status.as_str() {
        "verified" => "chip chip-ok",
        "expired" | "revoked" => "chip chip-bad",
        _ => "chip chip-wait",
    };
    view! {
        <li class="badge-card">
            <h2 class="badge-name">{card.name}</h2>
            <p class="badge-issuer">{card.issuer}</p>
            {card.issued_on.map(|date| view! { <p class="badge-date"><time datetime=date.clone()>{date.clone()}</time></p> })}
            <span class=chip_class>{chip}</span>
        </li>
    }
}

#[component]
fn EmptyBackpack() -> impl IntoView {
    let i18n = use_i18n();
    view! {
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
}
