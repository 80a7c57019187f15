//! Collections: the learner's list, and one collection to fill, order, publish and share.
use super::backpack::{BadgeImage, StatusChip};
use super::europass::Europass;
use super::sharing::{CopyLink, PaperLink, ShareOptions, Shared};
use super::{
    action_error, go_on_success, reload_on_success, remember_focus, Confirmation, FocusAfter, RequireUser,
};
use crate::badges::{my_badges, BackpackQuery, BadgeCard};
use crate::collections::*;
use crate::error::ErrorMessage;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn Collections() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| my_collections());
    view! {
        <Title text=move || t_string!(i18n, collections.title).to_string() />
        <RequireUser children=move |_| view! {
            <section class="panel">
                <h1>{t!(i18n, collections.title)}</h1>
                <p class="lead">{t!(i18n, collections.intro)}</p>
            </section>
            <Transition fallback=|| ()>
                {move || list.get().map(|result| match result {
                    Ok(cards) if cards.is_empty() => view! { <p class="panel">{t!(i18n, collections.empty)}</p> }.into_any(),
                    Ok(cards) => view! {
                        <ul class="collection-list">
                            {cards.into_iter().map(|card| view! { <CollectionCardView card /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                })}
            </Transition>
            <section class="panel" aria-labelledby="new-collection">
                <h2 id="new-collection">{t!(i18n, collections.create_title)}</h2>
                <CreateCollectionForm />
            </section>
        } />
    }
}

/// Creates a collection, then opens it.
#[island]
fn CreateCollectionForm() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCollection>::new();
    go_on_success(create, |id| Some(format!("/collections/{id}")));
    view! {
        <ActionForm action=create>
            <CollectionFields name=String::new() description=String::new() />
            <button type="submit" class="button" disabled=move || create.pending().get()>{t!(i18n, collections.create)}</button>
        </ActionForm>
        {action_error(create)}
    }
}

#[component]
fn CollectionCardView(card: CollectionCard) -> impl IntoView {
    let i18n = use_i18n();
    let count = card.badge_count;
    view! {
        <li class="panel collection-card">
            <h2><a href=format!("/collections/{}", card.id)>{card.name}</a></h2>
            {(!card.description.is_empty()).then(|| view! { <p>{card.description}</p> })}
            <p class="hint">
                {t!(i18n, collections.badge_count, count = move || count)} " · "
                {match card.published_at {
                    Some(when) => {
                        view! { <span class="chip chip-ok">{t!(i18n, collections.public_since, when = move || when.clone())}</span> }.into_any()
                    }
                    None => view! { <span class="chip chip-wait">{t!(i18n, collections.private)}</span> }.into_any(),
                }}
            </p>
        </li>
    }
}

/// The name and description inputs (create and edit share them).
#[component]
fn CollectionFields(name: String, description: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="collection-name">{t!(i18n, collections.name)}</label>
            <input id="collection-name" name="name" required maxlength="100" value=name />
        </div>
        <div class="field">
            <label for="collection-description">{t!(i18n, collections.description)}</label>
            <textarea id="collection-description" name="description" maxlength="2000" rows="3">{super::textarea_text(description)}</textarea>
        </div>
    }
}

#[component]
pub fn CollectionPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let collection = Resource::new(id, get_collection);
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let backpack = Resource::new(search, |q| {
        my_badges(BackpackQuery {
            q,
            ..Default::default()
        })
    });
    view! {
        <RequireUser children=move |_| view! {
            <Transition fallback=|| ()>
                {move || {
                    let backpack = backpack.get()?;
                    collection.get().map(|result| match result {
                    Ok(detail) => view! { <CollectionView detail backpack /> }.into_any(),
                    Err(error) => view! {
                        <Title text=move || t_string!(i18n, collections.not_found).to_string() />
                        <section class="panel">
                            <ErrorMessage error />
                            <a href="/collections">{t!(i18n, collections.back)}</a>
                        </section>
                    }.into_any(),
                })}}
            </Transition>
        } />
    }
}

#[component]
fn CollectionView(
    detail: CollectionDetail,
    backpack: Result<crate::badges::BadgePage, crate::AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = detail.id;
    let held: Vec<i64> = detail.badges.iter().map(|b| b.id).collect();
    view! {
        <Title text=detail.name.clone() />
        <p class="breadcrumb"><a href="/collections">{t!(i18n, collections.back)}</a></p>
        <section class="panel">
            <h1>{detail.name.clone()}</h1>
            {(!detail.description.is_empty()).then(|| view! { <p class="prose">{detail.description.clone()}</p> })}
        </section>
        <Sharing detail=detail.clone() />
        <section class="panel" aria-labelledby="collection-badges">
            <h2 id="collection-badges" tabindex="-1">{t!(i18n, collections.badges_title)}</h2>
            {if detail.badges.is_empty() {
                view! { <p>{t!(i18n, collections.no_badges)}</p> }.into_any()
            } else {
                view! {
                    <OrderedBadges
                        id
                        badges=detail.badges.clone()
                        linkedin=detail.share.as_ref().map(|links| links.linkedin_add.clone()).unwrap_or_default()
                    />
                }.into_any()
            }}
        </section>
        <Europass texts=detail.europass.clone() />
        <section class="panel" aria-labelledby="add-badges">
            <h2 id="add-badges">{t!(i18n, collections.add_title)}</h2>
            <form method="GET" role="search" class="inline-search">
                <label for="add-q" class="visually-hidden">{t!(i18n, backpack.search)}</label>
                <input id="add-q" name="q" type="search" placeholder=move || t_string!(i18n, backpack.search).to_string() />
                <button type="submit" class="button button-secondary">{t!(i18n, backpack.apply)}</button>
            </form>
            {match backpack {
                Ok(page) => {
                    let addable: Vec<BadgeCard> = page.cards.into_iter().filter(|c| !held.contains(&c.id)).collect();
                    if addable.is_empty() {
                        view! { <p>{t!(i18n, collections.all_added)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="pick-list">
                                {addable.iter().enumerate().map(|(index, card)| {
                                    // After an add the focus goes to the next badge's button.
                                    let then = neighbours(&addable, index, "add");
                                    view! {
                                        <li>
                                            <BadgeImage src=card.image.clone() size=48 />
                                            <span class="pick-name">{card.name.clone()}<br /><small>{card.issuer.clone()}</small></span>
                                            <AddBadgeButton id badge_id=card.id name=card.name.clone() then />
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }
                Err(error) => view! { <ErrorMessage error /> }.into_any(),
            }}
        </section>
        <section class="panel" aria-labelledby="edit-collection">
            <h2 id="edit-collection">{t!(i18n, collections.edit_title)}</h2>
            <EditCollectionForm id name=detail.name.clone() description=detail.description.clone() />
            <p><a href=format!("/api/collections/{id}/export.zip") download="" rel="external">{t!(i18n, collections.download)}</a></p>
            <DeleteCollectionForm id />
        </section>
    }
}

/// Adds one badge of the backpack to the collection.
#[island]
fn AddBadgeButton(id: i64, badge_id: i64, name: String, then: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let set_badge = ServerAction::<SetCollectionBadge>::new();
    reload_on_success(set_badge);
    view! {
        <ActionForm action=set_badge attr:class="inline-form">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="badge_id" value=badge_id />
            <input type="hidden" name="holds" value="true" />
            <FocusAfter ids=then.to_vec() />
            <button type="submit" class="button button-small" id=format!("add-{badge_id}") on:click=move |_| remember_focus(&then)>
                {t!(i18n, collections.add)}<span class="visually-hidden">" : "{name}</span>
            </button>
        </ActionForm>
        {action_error(set_badge)}
    }
}

#[island]
fn EditCollectionForm(id: i64, name: String, description: String) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateCollection>::new();
    reload_on_success(update);
    view! {
        <ActionForm action=update>
            <input type="hidden" name="id" value=id />
            <CollectionFields name description />
            <button type="submit" class="button button-secondary">{t!(i18n, collections.save)}</button>
        </ActionForm>
        {action_error(update)}
    }
}

/// Publishes (or unpublishes) the collection; the page then shows its new state.
#[island]
fn PublishButton(id: i64, publish: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<PublishCollection>::new();
    reload_on_success(action);
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="publish" value=publish.to_string() />
            {if publish {
                view! { <button type="submit" class="button">{t!(i18n, collections.publish)}</button> }.into_any()
            } else {
                view! { <button type="submit" class="button button-secondary">{t!(i18n, collections.unpublish)}</button> }.into_any()
            }}
        </ActionForm>
        {action_error(action)}
    }
}

/// Private or public, the link, and the switch between the two.
#[component]
fn Sharing(detail: CollectionDetail) -> impl IntoView {
    let i18n = use_i18n();
    let id = detail.id;
    view! {
        <section class="panel sharing" aria-labelledby="sharing">
            <h2 id="sharing">{t!(i18n, collections.sharing_title)}</h2>
            {match (detail.share_url.clone(), detail.published_at.clone()) {
                (Some(url), Some(when)) => {
                    view! {
                        <p><span class="chip chip-ok">{t!(i18n, collections.public_since, when = move || when.clone())}</span></p>
                        <p>{t!(i18n, collections.public_text)}</p>
                        <CopyLink url=url.clone() />
                        <p><a href=url rel="external" target="_blank">{t!(i18n, collections.open_public)}</a></p>
                        {detail.share.clone().map(|links| view! { <PaperLink href=links.pdf what=Shared::Collection /> })}
                        <IndexingSwitch id allowed=detail.allow_indexing />
                        {detail.share.clone().map(|links| view! { <ShareOptions links what=Shared::Collection /> })}
                        <PublishButton id publish=false />
                    }.into_any()
                }
                _ => view! {
                    <p><span class="chip chip-wait">{t!(i18n, collections.private)}</span></p>
                    <p>{t!(i18n, collections.private_text)}</p>
                    <p class="hint">{t!(i18n, paper.private_hint)}</p>
                    <PublishButton id publish=true />
                }.into_any(),
            }}
        </section>
    }
}

/// Search engines may list the public page only if the learner says so.
#[island]
fn IndexingSwitch(id: i64, allowed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let indexing = ServerAction::<SetCollectionIndexing>::new();
    view! {
        <p class="switch">
            <input type="checkbox" id="allow-indexing" checked=allowed on:change=move |ev| {
                indexing.dispatch(SetCollectionIndexing { id, allow: event_target_checked(&ev) });
            } />
            <label for="allow-indexing">{t!(i18n, collections.indexing)}</label>
            <br /><small class="hint">{t!(i18n, collections.indexing_hint)}</small>
        </p>
        {action_error(indexing)}
    }
}

/// The collection's badges in order: move buttons for keyboards, drag and drop for
/// pointers. Every change loads the page again, in the new order.
#[island]
fn OrderedBadges(id: i64, badges: Vec<BadgeCard>, linkedin: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let move_badge = ServerAction::<MoveCollectionBadge>::new();
    let reorder = ServerAction::<ReorderCollection>::new();
    let remove = ServerAction::<SetCollectionBadge>::new();
    reload_on_success(move_badge);
    reload_on_success(reorder);
    reload_on_success(remove);
    let count = badges.len();
    let order: Vec<i64> = badges.iter().map(|b| b.id).collect();
    let cards = badges.clone();
    let dragged = RwSignal::new(None::<i64>);
    let drop_on = move |target: i64| {
        let Some(moving) = dragged.get_untracked() else {
            return;
        };
        dragged.set(None);
        if moving == target {
            return;
        }
        let mut order = order.clone();
        order.retain(|b| *b != moving);
        let at = order.iter().position(|b| *b == target).unwrap_or(order.len());
        order.insert(at, moving);
        reorder.dispatch(ReorderCollection { id, order });
    };
    view! {
        <ol class="ordered-badges">
            {badges.iter().enumerate().map(|(index, card)| {
                let card = card.clone();
                let badge_id = card.id;
                let name = card.name.clone();
                let drop_on = drop_on.clone();
                // After a move the focus stays on the badge's arrow (or its other one, at
                // an end); after a removal it goes to the next badge's button.
                let mover = move |up: bool, label: String, disabled: bool| {
                    let (this, other) = if up { ("up", "down") } else { ("down", "up") };
                    let then = [format!("{this}-{badge_id}"), format!("{other}-{badge_id}")];
                    view! {
                        <ActionForm action=move_badge attr:class="inline-form">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="badge_id" value=badge_id />
                            <input type="hidden" name="up" value=up.to_string() />
                            <FocusAfter ids=then.to_vec() />
                            <button type="submit" class="icon-button" id=then[0].clone() disabled=disabled aria-label=label on:click=move |_| remember_focus(&then)>
                                {if up { "↑" } else { "↓" }}
                            </button>
                        </ActionForm>
                    }
                };
                let after_removal = neighbours(&cards, index, "remove");
                let up_label = format!("{} : {}", t_string!(i18n, collections.move_up), name);
                let down_label = format!("{} : {}", t_string!(i18n, collections.move_down), name);
                view! {
                    <li
                        draggable="true"
                        on:dragstart=move |_| dragged.set(Some(badge_id))
                        on:dragover=|ev| ev.prevent_default()
                        on:drop=move |ev| { ev.prevent_default(); drop_on(badge_id) }
                    >
                        <span class="drag-handle" aria-hidden="true">"⠿"</span>
                        <BadgeImage src=card.image.clone() size=48 />
                        <span class="pick-name"><a href=format!("/badges/{badge_id}")>{card.name.clone()}</a><br /><small>{card.issuer.clone()}</small></span>
                        <StatusChip status=card.status />
                        {linkedin.iter().find(|(b, _)| *b == badge_id).map(|(_, url)| view! {
                            <a class="hint" href=url.clone() target="_blank" rel="noopener">{t!(i18n, share.linkedin_add)}</a>
                        })}
                        <span class="row-actions">
                            {mover(true, up_label, index == 0)}
                            {mover(false, down_label, index + 1 == count)}
                            <ActionForm action=remove attr:class="inline-form">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="badge_id" value=badge_id />
                                <input type="hidden" name="holds" value="false" />
                                <FocusAfter ids=after_removal.clone() />
                                <button type="submit" class="button button-small button-secondary" id=format!("remove-{badge_id}") on:click=move |_| remember_focus(&after_removal)>
                                    {t!(i18n, collections.remove)}<span class="visually-hidden">" : "{name.clone()}</span>
                                </button>
                            </ActionForm>
                        </span>
                    </li>
                }
            }).collect_view()}
        </ol>
        {action_error(move_badge)}
        {action_error(reorder)}
        {action_error(remove)}
    }
}

#[island]
fn DeleteCollectionForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteCollection>::new();
    let confirm = Confirmation::new();
    go_on_success(delete, |_| Some("/collections".to_owned()));
    view! {
        <Show
            when=move || confirm.asking.get()
            fallback=move || view! {
                <p><button type="button" class="button button-danger" node_ref=confirm.ask on:click=move |_| confirm.open()>
                    {t!(i18n, collections.delete)}
                </button></p>
            }
        >
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-delete-collection">
                <p id="confirm-delete-collection"><strong>{t!(i18n, collections.delete_confirm)}</strong></p>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button button-danger" node_ref=confirm.yes>{t!(i18n, collections.delete_yes)}</button>
                </ActionForm>
                " "
                <button type="button" class="button button-secondary" on:click=move |_| confirm.cancel()>
                    {t!(i18n, collections.delete_no)}
                </button>
            </div>
        </Show>
        {action_error(delete)}
    }
}

/// The ids of `kind`'s buttons of the badges after and before `index`, in that order: where
/// the focus goes when the badge at `index` leaves the list.
fn neighbours(cards: &[BadgeCard], index: usize, kind: &str) -> Vec<String> {
    let after = cards.iter().skip(index + 1);
    let before = cards.iter().take(index).rev();
    after
        .chain(before)
        .take(2)
        .map(|card| format!("{kind}-{}", card.id))
        .chain(["collection-badges".to_owned()])
        .collect()
}
