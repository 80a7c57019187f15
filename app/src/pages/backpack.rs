//! The backpack: the learner's badges as a grid of cards, filtered, sorted and paged by the
//! URL's query (so a filter works without the wasm and can be bookmarked).
use super::RequireUser;
use crate::badges::{my_badges, BackpackQuery, BadgeCard, BadgePage, Status};
use crate::collections::{my_collections, AddBadgesToCollection, CollectionCard};
use crate::error::ErrorMessage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Backpack() -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        query_map.with(|q| BackpackQuery {
            q: q.get("q").unwrap_or_default(),
            status: q.get("status").as_deref().and_then(Status::parse),
            sort: q.get("sort").unwrap_or_default(),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        })
    });
    // Outside RequireUser's Suspense, like every resource of a private page: one made inside
    // a Suspense's children can be disposed during server rendering and hang the response.
    let badges = Resource::new(move || query.get(), my_badges);
    let collections = Resource::new(|| (), |_| my_collections());
    let waiting = Resource::new(|| (), |_| crate::platforms::inbox_count());
    view! {
        <Title text=move || t_string!(i18n, backpack.title).to_string() />
        <RequireUser children=move |user| {
            let name = user.display_name.clone();
            view! {
                <section class="panel backpack-head">
                    <div>
                        <h1>{t!(i18n, backpack.title)}</h1>
                        <p class="lead">{t!(i18n, backpack.hello, name = move || name.clone())}</p>
                    </div>
                    <a class="button" href="/import">{t!(i18n, backpack.import)}</a>
                </section>
                <Transition fallback=|| ()>
                    {move || waiting.get().and_then(Result::ok).filter(|count| *count > 0).map(|count| view! {
                        <p class="panel alert alert-info" role="status">
                            <a href="/inbox">{t!(i18n, inbox.waiting, count = move || count)}</a>
                        </p>
                    })}
                </Transition>
                <Transition fallback=|| ()>
                    {move || {
                        let collections = collections.get()?.unwrap_or_default();
                        badges
                            .get()
                            .map(|result| match result {
                                Ok(page) if page.backpack_total == 0 => view! { <EmptyBackpack /> }.into_any(),
                                Ok(page) => view! { <BadgeList page query=query.get_untracked() collections /> }.into_any(),
                                Err(error) => view! { <ErrorMessage error /> }.into_any(),
                            })
                    }}
                </Transition>
            }
        } />
    }
}

#[component]
fn BadgeList(page: BadgePage, query: BackpackQuery, collections: Vec<CollectionCard>) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let page_count = page.page_count();
    let current = page.page;
    view! {
        <FilterForm query=query.clone() />
        <p class="result-count" role="status">{t!(i18n, backpack.count, count = move || total)}</p>
        {if page.cards.is_empty() {
            view! { <p class="panel">{t!(i18n, backpack.no_match)}</p> }.into_any()
        } else {
            view! {
                <SelectableBadges collections>
                    <ul class="badge-grid">
                        {page.cards.into_iter().map(|card| view! { <BadgeCardView card /> }).collect_view()}
                    </ul>
                </SelectableBadges>
            }.into_any()
        }}
        <Show when=move || { page_count > 1 }>
            <nav class="pager" aria-label=move || t_string!(i18n, backpack.pages).to_string()>
                {(current > 1).then(|| view! {
                    <a href=page_href(&query, current - 1) rel="prev">{t!(i18n, backpack.previous)}</a>
                })}
                <span>{t!(i18n, backpack.page_of, page = move || current, pages = move || page_count)}</span>
                {(current < page_count).then(|| view! {
                    <a href=page_href(&query, current + 1) rel="next">{t!(i18n, backpack.next)}</a>
                })}
            </nav>
        </Show>
    }
}

/// The grid of cards, each with a box to tick, and the bar that puts the ticked ones in a
/// collection.
///
/// The cards are the island's children: HTML from the server, never hydrated. Only each
/// card's box is an island of its own ([`SelectBox`]), which finds the ticked badges in this
/// island's context: on a phone, hydrating whole cards took a quarter of a second.
#[island]
fn SelectableBadges(collections: Vec<CollectionCard>, children: Children) -> impl IntoView {
    let selected = RwSignal::new(Vec::<i64>::new());
    provide_context(Selection(selected));
    view! {
        <AddSelected selected collections />
        {children()}
    }
}

/// The badges ticked in the backpack.
#[derive(Clone, Copy)]
struct Selection(RwSignal<Vec<i64>>);

/// The box that ticks one badge; `label` (said by the server) names it for screen readers.
/// It starts no translation of its own: one island per card, so each must be light.
#[island]
fn SelectBox(id: i64, label: String) -> impl IntoView {
    let selected =
        use_context::<Selection>().map_or_else(|| RwSignal::new(Vec::new()), |selection| selection.0);
    view! {
        <label class="select-badge">
            <input type="checkbox" prop:checked=move || selected.with(|s| s.contains(&id)) on:change=move |ev| {
                let on = event_target_checked(&ev);
                selected.update(|s| {
                    s.retain(|b| *b != id);
                    if on {
                        s.push(id);
                    }
                });
            } />
            <span class="visually-hidden">{label}</span>
        </label>
    }
}

/// Once badges are ticked: put them all in one of the learner's collections.
#[component]
fn AddSelected(selected: RwSignal<Vec<i64>>, collections: Vec<CollectionCard>) -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddBadgesToCollection>::new();
    let target = RwSignal::new(collections.first().map(|c| c.id));
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            selected.set(Vec::new());
        }
    });
    view! {
        <Show when=move || selected.with(|s| !s.is_empty())>
            <div class="panel selection-bar" role="region" aria-label=move || t_string!(i18n, backpack.selection).to_string()>
                <p>{move || t_string!(i18n, backpack.selected_count, count = selected.with(Vec::len)).to_string()}</p>
                {(!collections.is_empty()).then(|| {
                    let list = collections.clone();
                    view! {
                        <label for="add-to-collection">{t!(i18n, backpack.add_to)}</label>
                        <select id="add-to-collection" on:change=move |ev| target.set(event_target_value(&ev).parse().ok())>
                            {list.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                        </select>
                    }
                })}
                <button type="button" class="button" disabled=move || target.get().is_none() || add.pending().get() on:click=move |_| {
                    if let Some(id) = target.get_untracked() {
                        add.dispatch(AddBadgesToCollection { id, badge_ids: selected.get_untracked() });
                    }
                }>{t!(i18n, backpack.add_selected)}</button>
                <a href="/collections">{t!(i18n, collections.create_one)}</a>
            </div>
        </Show>
        {move || add.value().get().map(|result| match result {
            Ok(()) => view! { <p class="alert alert-success" role="status">{t!(i18n, backpack.added_to_collection)}</p> }.into_any(),
            Err(error) => view! { <ErrorMessage error /> }.into_any(),
        })}
    }
}

/// Search, status and sort: a GET form, so the URL holds the state.
#[component]
fn FilterForm(query: BackpackQuery) -> impl IntoView {
    let i18n = use_i18n();
    let status = query.status;
    let sort = query.sort.clone();
    // Folded, so the badges come first on a phone; open while a filter is in use.
    let active = !query.q.trim().is_empty() || status.is_some() || !matches!(sort.as_str(), "" | "received");
    let status_option = move |value: Status| {
        let label = move || value.label(i18n.get_locale());
        view! { <option value=value.as_str() selected=status == Some(value)>{label}</option> }
    };
    let sort_option = move |value: &'static str, label: String| {
        view! { <option value=value selected=sort == value>{label}</option> }
    };
    view! {
        <details class="panel filter-box" open=active>
        <summary>{t!(i18n, backpack.filters)}</summary>
        <form method="GET" action="/backpack" class="filters" role="search">
            <div class="field">
                <label for="q">{t!(i18n, backpack.search)}</label>
                <input id="q" name="q" type="search" value=query.q.clone() />
            </div>
            <div class="field">
                <label for="status">{t!(i18n, backpack.status)}</label>
                <select id="status" name="status">
                    <option value="" selected=status.is_none()>{t!(i18n, backpack.any_status)}</option>
                    {Status::ALL.map(status_option)}
                </select>
            </div>
            <div class="field">
                <label for="sort">{t!(i18n, backpack.sort)}</label>
                <select id="sort" name="sort">
                    {sort_option("received", t_string!(i18n, backpack.sort_received).to_string())}
                    {sort_option("issued", t_string!(i18n, backpack.sort_issued).to_string())}
                    {sort_option("name", t_string!(i18n, backpack.sort_name).to_string())}
                    {sort_option("issuer", t_string!(i18n, backpack.sort_issuer).to_string())}
                </select>
            </div>
            <button type="submit" class="button button-secondary">{t!(i18n, backpack.apply)}</button>
        </form>
        </details>
    }
}

/// The backpack URL for another page of the same filter.
fn page_href(query: &BackpackQuery, page: u64) -> String {
    format!(
        "/backpack?q={}&status={}&sort={}&page={page}",
        encode(&query.q),
        query.status.map(Status::as_str).unwrap_or_default(),
        encode(&query.sort)
    )
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn StatusChip(status: Status) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=status.chip_class()>{move || status.label(i18n.get_locale())}</span> }
}

#[component]
fn BadgeCardView(card: BadgeCard) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/badges/{}", card.id);
    let label = format!("{} {}", t_string!(i18n, backpack.select), card.name);
    view! {
        <li class="badge-card">
            <SelectBox id=card.id label />
            <BadgeImage src=card.image />
            <h2 class="badge-name"><a href=href>{card.name}</a></h2>
            <p class="badge-issuer">{card.issuer}</p>
            {card.issued_on.map(|date| view! { <p class="badge-date">{date}</p> })}
            <StatusChip status=card.status />
        </li>
    }
}

/// A badge's picture, or a neutral placeholder when it has none. Decorative here: the
/// badge's name is right beside it.
#[component]
pub fn BadgeImage(src: Option<String>, #[prop(default = 96)] size: u32) -> impl IntoView {
    let src = src.unwrap_or_else(|| "/badge-placeholder.svg".to_owned());
    view! { <img class="badge-image" src=src alt="" width=size height=size loading="lazy" decoding="async" /> }
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
            <a class="button" href="/import">{t!(i18n, backpack.import)}</a>
        </section>
    }
}
