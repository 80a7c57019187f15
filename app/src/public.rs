//! The pages anyone with a gallery link sees: whole HTML documents rendered on the server,
//! readable without JavaScript and with no wasm to download, with the tags that make a
//! link unfold in mail clients, X and LinkedIn. Badge text is the issuer's: the views
//! escape it, and only http(s) links are rendered. No e-mail address ever appears here.
use crate::badges::{http_link, AlignmentLine, BadgeDetail, Status};
use crate::i18n::Locale;
use leptos::prelude::*;
use leptos_i18n::td_string;

mod print;
use print::PaperKind;

/// One badge of a public gallery.
#[derive(Clone, Debug)]
pub struct GalleryBadge {
    pub href: String,
    pub image: Option<String>,
    pub name: String,
    pub issuer: String,
    pub issued_on: Option<chrono::DateTime<chrono::Utc>>,
    pub status: Status,
    pub issuer_standing: crate::badges::IssuerStanding,
    /// When Besace last checked it.
    pub verified_at: chrono::DateTime<chrono::Utc>,
}

/// What a public gallery shows.
#[derive(Clone, Debug)]
pub struct Gallery {
    pub owner: String,
    pub title: String,
    pub description: String,
    /// Absolute URL of this page.
    pub url: String,
    /// Absolute URL of the picture link previews show.
    pub preview_image: Option<String>,
    pub allow_indexing: bool,
    /// Absolute URLs of the oEmbed and JSON documents about this gallery.
    pub oembed_url: String,
    pub json_url: String,
    /// Its portfolio PDF (a path on this site).
    pub pdf: String,
    /// A QR code of `url`, printed with the page.
    pub qr_svg: String,
    pub badges: Vec<GalleryBadge>,
}

/// A published collection on a public profile.
#[derive(Clone, Debug)]
pub struct ProfileCollection {
    pub name: String,
    pub description: String,
    pub href: String,
    pub badge_count: u64,
    pub image: Option<String>,
}

/// What a learner's public profile shows.
#[derive(Clone, Debug)]
pub struct Profile {
    pub owner: String,
    pub url: String,
    pub collections: Vec<ProfileCollection>,
    /// Every badge, when the learner shows the whole backpack.
    pub badges: Vec<GalleryBadge>,
}

/// One badge seen from a public gallery.
#[derive(Clone, Debug)]
pub struct PublicBadge {
    pub owner: String,
    /// The gallery it is seen from (title, link), unless the badge is shared on its own.
    pub gallery: Option<(String, String)>,
    pub url: String,
    /// Token-scoped, relative and absolute.
    pub image: Option<String>,
    pub preview_image: Option<String>,
    pub allow_indexing: bool,
    pub detail: BadgeDetail,
    /// The issuer's own public copy (a hosted Open Badges 2.0 assertion), if it keeps one.
    pub assertion_url: Option<String>,
    /// Its certificate PDF (a path on this site).
    pub certificate: String,
    /// A QR code of `url`, printed with the page.
    pub qr_svg: String,
}

/// Head tags shared by the public pages.
struct Head {
    title: String,
    description: String,
    url: String,
    image: Option<String>,
    allow_indexing: bool,
    /// (media type, absolute URL) of machine-readable versions of the page.
    alternates: Vec<(&'static str, String)>,
}

/// The page's `lang`: `fr` or `en`.
pub(crate) fn lang_code(locale: Locale) -> &'static str {
    match locale {
        Locale::fr => "fr",
        _ => "en",
    }
}

/// Escapes text for an HTML attribute value or element content (for HTML written out by
/// hand: embed codes, signatures, the public pages' head).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<head>`: written out here because Open Graph needs `property` attributes, which the
/// view macro does not know on `<meta>`.
fn head_html(locale: Locale, head: &Head) -> String {
    let mut tags = vec![
        format!("<title>{} · Besace</title>", escape(&head.title)),
        format!(
            r#"<meta name="description" content="{}">"#,
            escape(&head.description)
        ),
        format!(
            r#"<meta name="robots" content="{}">"#,
            if head.allow_indexing {
                "index, follow"
            } else {
                "noindex, nofollow"
            }
        ),
        format!(r#"<link rel="canonical" href="{}">"#, escape(&head.url)),
        r#"<meta property="og:type" content="website">"#.to_owned(),
        r#"<meta property="og:site_name" content="Besace">"#.to_owned(),
        format!(
            r#"<meta property="og:locale" content="{}">"#,
            if lang_code(locale) == "fr" {
                "fr_FR"
            } else {
                "en_GB"
            }
        ),
        format!(r#"<meta property="og:title" content="{}">"#, escape(&head.title)),
        format!(
            r#"<meta property="og:description" content="{}">"#,
            escape(&head.description)
        ),
        format!(r#"<meta property="og:url" content="{}">"#, escape(&head.url)),
        format!(
            r#"<meta name="twitter:card" content="{}">"#,
            if head.image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            }
        ),
        format!(r#"<meta name="twitter:title" content="{}">"#, escape(&head.title)),
        format!(
            r#"<meta name="twitter:description" content="{}">"#,
            escape(&head.description)
        ),
    ];
    if let Some(image) = &head.image {
        tags.push(format!(
            r#"<meta property="og:image" content="{}">"#,
            escape(image)
        ));
        tags.push(format!(
            r#"<meta name="twitter:image" content="{}">"#,
            escape(image)
        ));
    }
    for (kind, href) in &head.alternates {
        tags.push(format!(
            r#"<link rel="alternate" type="{kind}" href="{}">"#,
            escape(href)
        ));
    }
    tags.join("")
}

fn document(locale: Locale, head: Head, body: impl IntoView + 'static) -> String {
    let body = view! {
        <header class="site-header">
            <div class="bar">
                <span class="brand"><img src="/favicon.svg" alt="" width="28" height="28" />" Besace"</span>
            </div>
        </header>
        <main id="main" class="public-main">{body}</main>
        <footer class="site-footer">
            <p>{td_string!(locale, gallery.about)}</p>
            <p>{td_string!(locale, gallery.made_with)}</p>
        </footer>
    };
    format!(
        r##"<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">{head}<link rel="stylesheet" href="/pkg/besace.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="manifest" href="/manifest.webmanifest"><meta name="theme-color" content="#2f5d50"></head><body class="public">{body}</body></html>"##,
        lang = lang_code(locale),
        head = head_html(locale, &head),
        body = body.to_html(),
    )
}

fn chip(locale: Locale, status: Status) -> impl IntoView {
    view! { <span class=status.chip_class()>{status.label(locale)}</span> }
}

fn picture(src: Option<String>, size: u32, lazy: bool) -> impl IntoView {
    let src = src.unwrap_or_else(|| "/badge-placeholder.svg".to_owned());
    let loading = if lazy { "lazy" } else { "eager" };
    view! { <img class="badge-image" src=src alt="" width=size height=size loading=loading decoding="async" /> }
}

/// How a public page gives dates: in its language, in Besace's default zone (the page is
/// cached for every reader, wherever they are).
fn reader(locale: Locale) -> crate::dates::Reader {
    let lang = match locale {
        Locale::fr => besace_badges::Lang::Fr,
        Locale::en => besace_badges::Lang::En,
    };
    crate::dates::Reader::new(lang, None)
}

/// A date or moment the server wrote in the reader's words, for machines too.
fn time(when: crate::wire::When) -> impl IntoView {
    view! { <time datetime=when.iso>{when.text}</time> }
}

/// An outside link: no referrer, no follow.
fn outside_link(url: String, text: String) -> impl IntoView {
    view! { <a href=url rel="noopener nofollow ugc">{text}</a> }
}

pub fn render_gallery(locale: Locale, gallery: Gallery) -> String {
    let owner = gallery.owner.clone();
    let url = gallery.url.clone();
    let head = Head {
        title: format!("{} — {}", gallery.title, owner),
        description: if gallery.description.is_empty() {
            td_string!(locale, gallery.shared_by, name = owner.as_str()).to_string()
        } else {
            gallery.description.clone()
        },
        url: gallery.url,
        image: gallery.preview_image,
        allow_indexing: gallery.allow_indexing,
        alternates: vec![
            ("application/json+oembed", gallery.oembed_url),
            ("application/json", gallery.json_url),
        ],
    };
    let empty = gallery.badges.is_empty();
    let summary = summary(locale, &gallery.badges);
    let cards = badge_cards(locale, gallery.badges);
    let body = view! {
        <section class="gallery-intro">
            <p class="gallery-owner">{td_string!(locale, gallery.title, name = owner.as_str()).to_string()}</p>
            <h1>{gallery.title}</h1>
            {(!gallery.description.is_empty()).then(|| view! { <p class="prose">{gallery.description}</p> })}
            {summary.map(|line| view! { <p class="gallery-summary">{line}</p> })}
            {(!empty).then(|| print::pdf_link(locale, gallery.pdf, PaperKind::Portfolio))}
        </section>
        {print::check_on_paper(locale, PaperKind::Portfolio, url, &gallery.qr_svg)}
        {if empty {
            view! { <p class="panel">{td_string!(locale, gallery.empty)}</p> }.into_any()
        } else {
            cards.into_any()
        }}
    };
    document(locale, head, body)
}

/// "Badges authentiques : 6 sur 6 · vérifiés par Besace le 1er décembre 2026": how many of
/// the page's badges are genuine, and the day of the oldest check among them.
fn summary(locale: Locale, badges: &[GalleryBadge]) -> Option<String> {
    let oldest = badges.iter().map(|badge| badge.verified_at).min()?;
    let genuine = badges
        .iter()
        .filter(|badge| badge.status == Status::Verified)
        .count();
    let total = badges.len();
    let when = reader(locale).day(oldest);
    Some(td_string!(locale, gallery.summary, genuine, total, when).to_string())
}

fn badge_cards(locale: Locale, badges: Vec<GalleryBadge>) -> impl IntoView {
    let cards = badges
        .into_iter()
        .enumerate()
        .map(|(index, badge)| {
            let issued = badge.issued_on.map(|at| reader(locale).day_when(at));
            view! {
                <li class="badge-card">
                    {picture(badge.image, 96, index >= 6)}
                    <h2 class="badge-name"><a href=badge.href>{badge.name}</a></h2>
                    <p class="badge-issuer">{badge.issuer}</p>
                    <p class=badge.issuer_standing.class()><small>{badge.issuer_standing.short(locale)}</small></p>
                    {issued.map(|when| view! { <p class="badge-date">{time(when)}</p> })}
                    {chip(locale, badge.status)}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="badge-grid">{cards}</ul> }
}

pub fn render_profile(locale: Locale, profile: Profile) -> String {
    let owner = profile.owner.clone();
    let title = td_string!(locale, profile.title, name = owner.as_str()).to_string();
    let head = Head {
        title: title.clone(),
        description: td_string!(locale, gallery.shared_by, name = owner.as_str()).to_string(),
        url: profile.url,
        image: None,
        allow_indexing: false,
        alternates: Vec::new(),
    };
    let empty = profile.collections.is_empty() && profile.badges.is_empty();
    let collections = (!profile.collections.is_empty()).then(|| {
        let items = profile
            .collections
            .into_iter()
            .map(|collection| {
                let count = collection.badge_count;
                view! {
                    <li class="panel collection-card profile-collection">
                        {picture(collection.image, 64, false)}
                        <div>
                            <h3><a href=collection.href>{collection.name}</a></h3>
                            {(!collection.description.is_empty()).then(|| view! { <p>{collection.description}</p> })}
                            <p class="hint">{td_string!(locale, collections.badge_count, count).to_string()}</p>
                        </div>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>{td_string!(locale, profile.collections)}</h2>
            <ul class="collection-list">{items}</ul>
        }
    });
    let badges = (!profile.badges.is_empty()).then(|| {
        view! {
            <h2>{td_string!(locale, profile.badges)}</h2>
            {badge_cards(locale, profile.badges)}
        }
    });
    let body = view! {
        <section class="gallery-intro"><h1>{title}</h1></section>
        {empty.then(|| view! { <p class="panel">{td_string!(locale, profile.empty)}</p> })}
        {collections}
        {badges}
    };
    document(locale, head, body)
}

pub fn render_badge(locale: Locale, page: PublicBadge) -> String {
    let detail = page.detail;
    let url = page.url.clone();
    let head = Head {
        title: format!("{} — {}", detail.name, page.owner),
        description: detail
            .description
            .clone()
            .unwrap_or_else(|| td_string!(locale, gallery.shared_by, name = page.owner.as_str()).to_string()),
        url: page.url,
        image: page.preview_image,
        allow_indexing: page.allow_indexing,
        alternates: Vec::new(),
    };
    let issuer = match detail.issuer_url.clone() {
        Some(url) => outside_link(url, detail.issuer_name.clone()).into_any(),
        None => view! { <strong>{detail.issuer_name.clone()}</strong> }.into_any(),
    };
    let checked_on = reader(locale).day_of(&detail.verified_at.iso).text;
    let verdict = detail.status.verdict(locale, &checked_on);
    let owner = page.owner.clone();
    let check_yourself = view! {
        <section class="panel" aria-labelledby="check-yourself">
            <h2 id="check-yourself">{td_string!(locale, gallery.check_title)}</h2>
            <p>{td_string!(locale, gallery.check_text)}</p>
            {match page.assertion_url.clone() {
                Some(url) => view! {
                    <p>{td_string!(locale, gallery.check_hosted)}</p>
                    <p class="hash">{outside_link(url.clone(), url)}</p>
                }.into_any(),
                None => view! {
                    <p>{td_string!(locale, gallery.check_file, name = owner.as_str()).to_string()}</p>
                }.into_any(),
            }}
            <p class="hint">{td_string!(locale, gallery.check_tools)}</p>
        </section>
    };
    let body = view! {
        {page.gallery.map(|(title, href)| view! {
            <p class="breadcrumb"><a href=href>{td_string!(locale, gallery.back)}</a>" · "{title}</p>
        })}
        {print::check_on_paper(locale, PaperKind::Certificate, url, &page.qr_svg)}
        <article class="panel badge-detail">
            <div class="badge-hero">
                {picture(page.image, 160, false)}
                <div>
                    <h1>{detail.name.clone()}</h1>
                    <p class="badge-recipient">{td_string!(locale, gallery.awarded_to, name = page.owner.as_str()).to_string()}</p>
                    <p class="badge-issuer">{td_string!(locale, badge.issued_by)} " " {issuer}</p>
                    <p class=detail.issuer_standing.class()>{detail.issuer_standing.explained(locale)}</p>
                    {chip(locale, detail.status)}
                </div>
            </div>
            <p class=format!("verdict verdict-{}", detail.status.as_str())>{verdict}</p>
            <p class="verification-note">{detail.status.explained(locale)}</p>
            {print::pdf_link(locale, page.certificate, PaperKind::Certificate)}
            {detail.description.clone().map(|text| view! { <p class="prose">{text}</p> })}
            <dl class="facts">
                {detail.issued_on.clone().map(|when| view! {
                    <dt>{td_string!(locale, badge.issued_on)}</dt><dd>{time(when)}</dd>
                })}
                {detail.expires.clone().map(|when| view! {
                    <dt>{td_string!(locale, badge.expires)}</dt><dd>{time(when)}</dd>
                })}
            </dl>
            {criteria(locale, detail.criteria_url.clone(), detail.criteria_narrative.clone())}
            {alignments(locale, detail.alignments.clone())}
            {crate::badges::endorsement_list(locale, detail.endorsements.clone(), true)}
            {(!detail.evidence.is_empty()).then(|| view! {
                <h2>{td_string!(locale, badge.evidence)}</h2>
                <ul>{detail.evidence.iter().cloned().map(|item| view! { <li>{link_or_text(item)}</li> }).collect_view()}</ul>
            })}
            {(!detail.tags.is_empty()).then(|| view! {
                <h2>{td_string!(locale, badge.tags)}</h2>
                <ul class="tags">{detail.tags.iter().cloned().map(|tag| view! { <li>{tag}</li> }).collect_view()}</ul>
            })}
        </article>
        {check_yourself}
    };
    document(locale, head, body)
}

fn criteria(locale: Locale, url: Option<String>, narrative: Option<String>) -> impl IntoView {
    (url.is_some() || narrative.is_some()).then(|| {
        view! {
            <h2>{td_string!(locale, badge.criteria)}</h2>
            {narrative.map(|text| view! { <p class="prose">{text}</p> })}
            {url.map(|url| view! { <p>{outside_link(url, td_string!(locale, badge.criteria_link).to_string())}</p> })}
        }
    })
}

fn alignments(locale: Locale, targets: Vec<AlignmentLine>) -> impl IntoView {
    (!targets.is_empty()).then(|| {
        view! {
            <h2>{td_string!(locale, badge.alignments)}</h2>
            <ul class="alignments">
                {targets.into_iter().map(|target| view! {
                    <li>
                        {match target.url {
                            Some(url) => outside_link(url, target.name).into_any(),
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

fn link_or_text(item: String) -> AnyView {
    match http_link(&item) {
        Some(url) => outside_link(url.clone(), url).into_any(),
        None => view! { <span>{item}</span> }.into_any(),
    }
}

/// The page a dead or wrong link answers (with a 404).
pub fn render_not_found(locale: Locale, url: String) -> String {
    let head = Head {
        title: td_string!(locale, gallery.not_found_title).to_string(),
        description: td_string!(locale, gallery.not_found_text).to_string(),
        url,
        image: None,
        allow_indexing: false,
        alternates: Vec::new(),
    };
    let body = view! {
        <section class="panel">
            <h1>{td_string!(locale, gallery.not_found_title)}</h1>
            <p>{td_string!(locale, gallery.not_found_text)}</p>
        </section>
    };
    document(locale, head, body)
}
