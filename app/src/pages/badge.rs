//! One badge in full: what it says, how it was checked and when, and what the learner can
//! do with it (check again, share it on its own, download the original, delete).
use super::backpack::{BadgeImage, StatusChip};
use super::sharing::BadgeSharing;
use super::{action_error, go_on_success, reload_on_success, Confirmation, FocusAfter, RequireUser};
use crate::badges::{
    get_badge, http_link, AlignmentLine, BadgeDetail, DeleteBadge, Format, Proof, RenewBadge,
    VerifyBadgeAgain,
};
use crate::collections::{badge_collections, Membership, SetCollectionBadge};
use crate::error::ErrorMessage;
use crate::i18n::*;
use crate::sharing::{badge_link, SharedLink};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn BadgePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    // Outside RequireUser's Suspense (one made inside can hang server rendering).
    let badge = Resource::new(id, get_badge);
    let memberships = Resource::new(id, badge_collections);
    let link = Resource::new(id, badge_link);
    view! {
        <RequireUser children=move |_| view! {
            <Transition fallback=|| ()>
                {move || {
                    let memberships = memberships.get()?;
                    let link = link.get()?.ok().flatten();
                    badge.get().map(|result| match result {
                    Ok(detail) => view! { <BadgeView detail memberships link /> }.into_any(),
                    Err(error) => view! {
                        <Title text=move || t_string!(i18n, badge.not_found).to_string() />
                        <section class="panel">
                            <ErrorMessage error />
                            <a href="/backpack">{t!(i18n, badge.back)}</a>
                        </section>
                    }.into_any(),
                })}}
            </Transition>
        } />
    }
}

/// A date or moment the server wrote in the reader's words, for machines too.
#[component]
fn Time(when: crate::wire::When) -> impl IntoView {
    view! { <time datetime=when.iso>{when.text}</time> }
}

#[component]
fn BadgeView(
    detail: BadgeDetail,
    memberships: Result<Vec<Membership>, crate::AppError>,
    link: Option<SharedLink>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = detail.name.clone();
    let id = detail.id;
    let verified_at = detail.verified_at.text.clone();
    let verdict = detail.status.verdict(i18n.get_locale_untracked(), &verified_at);
    view! {
        <Title text=name.clone() />
        <p class="breadcrumb"><a href="/backpack">{t!(i18n, badge.back)}</a></p>
        <article class="panel badge-detail">
            <div class="badge-hero">
                <BadgeImage src=detail.image.clone() size=160 />
                <div>
                    <h1>{detail.name.clone()}</h1>
                    <p class="badge-issuer">
                        {t!(i18n, badge.issued_by)} " "
                        {match detail.issuer_url.clone() {
                            Some(url) => view! { <a href=url rel="noopener nofollow ugc" target="_blank">{detail.issuer_name.clone()}</a> }.into_any(),
                            None => view! { <strong>{detail.issuer_name.clone()}</strong> }.into_any(),
                        }}
                    </p>
                    {
                        let standing = detail.issuer_standing.clone();
                        let class = standing.class();
                        view! { <p class=class>{move || standing.explained(i18n.get_locale())}</p> }
                    }
                    <StatusChip status=detail.status />
                </div>
            </div>
            // For people first: what the last check found, in one line; the details wait below.
            <p class=format!("verdict verdict-{}", detail.status.as_str())>{verdict}</p>
            {detail.description.clone().map(|text| view! { <p class="prose">{text}</p> })}
            <dl class="facts">
                {detail.issued_on.clone().map(|when| view! {
                    <dt>{t!(i18n, badge.issued_on)}</dt><dd><Time when /></dd>
                })}
                {detail.expires.clone().map(|when| view! {
                    <dt>{t!(i18n, badge.expires)}</dt><dd><Time when /></dd>
                })}
                {detail.recipient.clone().map(|to| view! { <dt>{t!(i18n, badge.issued_to)}</dt><dd>{to}</dd> })}
                {detail.issuer_email.clone().map(|email| view! { <dt>{t!(i18n, badge.issuer_email)}</dt><dd>{email}</dd> })}
                <dt>{t!(i18n, badge.received)}</dt><dd><Time when=detail.received_at.clone() /></dd>
            </dl>
            <Criteria url=detail.criteria_url.clone() narrative=detail.criteria_narrative.clone() />
            {(!detail.evidence.is_empty()).then(|| view! {
                <h2>{t!(i18n, badge.evidence)}</h2>
                <ul>{detail.evidence.iter().cloned().map(|item| view! { <li>{link_or_text(item)}</li> }).collect_view()}</ul>
            })}
            <Alignments targets=detail.alignments.clone() />
            {crate::badges::endorsement_list(i18n.get_locale_untracked(), detail.endorsements.clone(), false)}
            {(!detail.tags.is_empty()).then(|| view! {
                <h2>{t!(i18n, badge.tags)}</h2>
                <ul class="tags">{detail.tags.iter().cloned().map(|tag| view! { <li>{tag}</li> }).collect_view()}</ul>
            })}
        </article>
        <section class="panel" id="checks" aria-labelledby="checks-title">
            <h2 id="checks-title">{t!(i18n, badge.checks_title)}</h2>
            <p>{t!(i18n, badge.checked_at, when = move || verified_at.clone())}</p>
            <VerifyAgain id />
            {detail.renewable.then(|| view! {
                <h3>{t!(i18n, badge.renew_title)}</h3>
                <p>{t!(i18n, badge.renew_text)}</p>
                <RenewBadgeForm id />
            })}
            <details class="technical">
                <summary>{t!(i18n, badge.technical)}</summary>
                <ul class="checks">
                    {detail.checks.iter().cloned().map(|check| view! {
                        <li class=if check.ok { "check-ok" } else { "check-bad" }>
                            <span aria-hidden="true">{if check.ok { "✓" } else { "✗" }}</span>
                            " "
                            <span class="visually-hidden">{if check.ok { t_string!(i18n, badge.check_passed) } else { t_string!(i18n, badge.check_failed) }}</span>
                            {check.message}
                        </li>
                    }).collect_view()}
                </ul>
                <dl class="facts">
                    <dt>{t!(i18n, badge.format)}</dt>
                    <dd>{format_name(detail.spec, detail.method)}</dd>
                    <dt>{t!(i18n, badge.sha256)}</dt>
                    <dd><code class="hash">{detail.original_sha256.clone()}</code></dd>
                </dl>
                <h3>{t!(i18n, badge.history)}</h3>
                <ul class="history">
                    {detail.history.iter().cloned().map(|line| view! {
                        <li>
                            <Time when=line.checked_at /> " — " <StatusChip status=line.status />
                            {line.replaced_by.map(|platform| view! {
                                <br />{t!(i18n, badge.replaced_by)} " " <strong>{platform}</strong>
                            })}
                            {line.renewed.then(|| view! { <br />{t!(i18n, badge.renewed)} })}
                            {line.previous_name.map(|name| view! {
                                " · " {t!(i18n, badge.previous_name)} " " {name}
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        </section>
        <BadgeSharing id link />
        <section class="panel" aria-labelledby="in-collections">
            <h2 id="in-collections">{t!(i18n, collections.in_collections)}</h2>
            {match memberships {
                Ok(list) if list.is_empty() => view! {
                    <p>{t!(i18n, collections.none_yet)} " " <a href="/collections">{t!(i18n, collections.create_one)}</a></p>
                }.into_any(),
                Ok(list) => view! { <InCollections badge_id=id memberships=list /> }.into_any(),
                Err(error) => view! { <ErrorMessage error /> }.into_any(),
            }}
        </section>
        <section class="panel" aria-labelledby="keep-title">
            <h2 id="keep-title">{t!(i18n, badge.keep_title)}</h2>
            <p>
                <a class="button button-secondary" href=detail.original_url.clone() download="" rel="external">
                    {t!(i18n, badge.download)}
                </a>
            </p>
        </section>
        <section class="panel danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">{t!(i18n, badge.delete_title)}</h2>
            <p>{t!(i18n, badge.delete_text)}</p>
            <DeleteBadgeForm id />
        </section>
    }
}

fn format_name(spec: Format, method: Option<Proof>) -> String {
    match method {
        Some(method) => format!("{} ({})", spec.name(), method.name()),
        None => spec.name().to_owned(),
    }
}

/// An http(s) URL becomes a link (to an outside page: no referrer, no follow); anything else
/// stays text.
fn link_or_text(item: String) -> AnyView {
    match http_link(&item) {
        Some(url) => {
            let text = url.clone();
            view! { <a href=url rel="noopener nofollow ugc" target="_blank">{text}</a> }.into_any()
        }
        None => view! { <span class="prose">{item}</span> }.into_any(),
    }
}

#[component]
fn Alignments(targets: Vec<AlignmentLine>) -> impl IntoView {
    let i18n = use_i18n();
    (!targets.is_empty()).then(|| {
        view! {
            <h2>{t!(i18n, badge.alignments)}</h2>
            <ul class="alignments">
                {targets.into_iter().map(|target| view! {
                    <li>
                        {match target.url {
                            Some(url) => view! { <a href=url rel="noopener nofollow ugc" target="_blank">{target.name}</a> }.into_any(),
                            None => view! { <strong>{target.name}</strong> }.into_any(),
                        }}
                        {target.reference.map(|reference| view! { " " <small>{reference}</small> })}
                        {target.description.map(|text| view! { <br /><span>{text}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn Criteria(url: Option<String>, narrative: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    (url.is_some() || narrative.is_some()).then(|| {
        view! {
            <h2>{t!(i18n, badge.criteria)}</h2>
            // The narrative is Markdown from the issuer: shown as plain text, never as HTML.
            {narrative.map(|text| view! { <p class="prose">{text}</p> })}
            {url.map(|url| view! {
                <p><a href=url rel="noopener nofollow ugc" target="_blank">{t!(i18n, badge.criteria_link)}</a></p>
            })}
        }
    })
}

/// Checks the badge again; the page shows the new result.
#[island]
fn VerifyAgain(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifyBadgeAgain>::new();
    reload_on_success(verify);
    view! {
        <ActionForm action=verify>
            <input type="hidden" name="id" value=id />
            <FocusAfter ids=vec!["checks".to_owned()] />
            <button type="submit" class="button button-secondary" disabled=move || verify.pending().get()>
                {t!(i18n, badge.verify_again)}
            </button>
        </ActionForm>
        {action_error(verify)}
    }
}

/// "Get the renewed badge": asks the issuer's refresh service; the page then shows the
/// badge as it now is, or says that nothing newer is offered.
#[island]
fn RenewBadgeForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let renew = ServerAction::<RenewBadge>::new();
    reload_on_success(renew);
    view! {
        <ActionForm action=renew>
            <input type="hidden" name="id" value=id />
            <FocusAfter ids=vec!["checks".to_owned()] />
            <button type="submit" class="button" disabled=move || renew.pending().get()>
                {t!(i18n, badge.renew)}
            </button>
        </ActionForm>
        {action_error(renew)}
    }
}

/// The learner's collections, each with a box ticked when it holds this badge: a tick
/// changes the collection at once.
#[island]
fn InCollections(badge_id: i64, memberships: Vec<Membership>) -> impl IntoView {
    let set_badge = ServerAction::<SetCollectionBadge>::new();
    view! {
                        <ul class="memberships">
                            {memberships.into_iter().map(|line| {
                                let input_id = format!("in-collection-{}", line.id);
                                let collection_id = line.id;
                                let open = line.name.clone();
                                view! {
                                    <li>
                                        <input type="checkbox" id=input_id.clone() checked=line.holds on:change=move |ev| {
                                            set_badge.dispatch(SetCollectionBadge { id: collection_id, badge_id, holds: event_target_checked(&ev) });
                                        } />
                                        <label for=input_id>{line.name}</label>
                                        " " <a href=format!("/collections/{collection_id}") class="hint" aria-label=open>"→"</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
        {action_error(set_badge)}
    }
}

/// Delete asks once more, in the page (no browser dialog), then goes back to the backpack.
#[island]
fn DeleteBadgeForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteBadge>::new();
    let confirm = Confirmation::new();
    go_on_success(delete, |_| Some("/backpack".to_owned()));
    view! {
        <Show
            when=move || confirm.asking.get()
            fallback=move || view! {
                <button type="button" class="button button-danger" node_ref=confirm.ask on:click=move |_| confirm.open()>
                    {t!(i18n, badge.delete)}
                </button>
            }
        >
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-delete">
                <p id="confirm-delete"><strong>{t!(i18n, badge.delete_confirm)}</strong></p>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button button-danger" node_ref=confirm.yes>{t!(i18n, badge.delete_yes)}</button>
                </ActionForm>
                " "
                <button type="button" class="button button-secondary" on:click=move |_| confirm.cancel()>
                    {t!(i18n, badge.delete_no)}
                </button>
            </div>
        </Show>
        {action_error(delete)}
    }
}
