//! Sharing what is public: the ready-made links a published collection or a badge shared on
//! its own offers (mail, networks, embed, signature, QR code, LinkedIn's add-to-profile),
//! and sharing one badge by itself (`core::badge_shares`).
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where and how a public page can be shared (built on the server, in the learner's
/// language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLinks {
    /// The public page, and what to call it (the phone's own share sheet takes both).
    pub link: String,
    pub title: String,
    pub email: String,
    pub twitter: String,
    pub linkedin: String,
    pub facebook: String,
    /// An iframe for web pages and e-portfolios.
    pub embed: String,
    /// Badge thumbnails linking to their public views, for an e-mail signature.
    pub signature: String,
    pub qr_svg: String,
    pub qr_png: String,
    /// The machine-readable version, where there is one (a collection's).
    pub json: Option<String>,
    /// "Add to profile" links (LinkedIn certifications), per badge id.
    pub linkedin_add: Vec<(i64, String)>,
    /// The page on paper: a collection's portfolio, a badge's certificate.
    pub pdf: String,
}

/// A badge's own public link, while the learner shares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedLink {
    pub url: String,
    /// The day it was shared, in the reader's words.
    pub since: String,
    pub share: ShareLinks,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::i18n::Locale;
    use crate::public::escape;
    use crate::server::badges::BadgeSummary;
    use crate::server::users::User;
    use leptos_i18n::td_string;

    /// What is shared: its public link, the badges it shows and how to name it.
    pub struct Target<'a> {
        pub link: &'a str,
        pub title: &'a str,
        /// The mail's subject line.
        pub subject: String,
        pub json: Option<String>,
        /// Its PDF.
        pub pdf: String,
        /// Where each badge's public view is, by badge id.
        pub badge_page: &'a dyn Fn(i64) -> String,
    }

    fn encode(text: &str) -> String {
        url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
    }

    pub fn links(target: &Target, user: &User, badges: &[BadgeSummary], locale: Locale) -> ShareLinks {
        let link = target.link;
        let title = target.title;
        let body = td_string!(
            locale,
            share.mail_body,
            link = link,
            name = user.display_name.as_str()
        )
        .to_string();
        let post = td_string!(locale, share.post_text, title).to_string();
        // The snippets are HTML for other sites: every value in them is escaped, the
        // links too (they are ours, but the rule is simpler without exceptions).
        let html_link = escape(link);
        let thumbnails: String = badges
            .iter()
            .filter_map(|badge| {
                let version = badge.image_version()?;
                Some(format!(
                    r#"<a href="{page}"><img src="{html_link}/images/{id}/{version}" alt="{alt}" width="48" height="48" style="border:0;margin-right:4px"></a>"#,
                    page = escape(&(target.badge_page)(badge.id)),
                    id = badge.id,
                    alt = escape(&badge.name),
                ))
            })
            .collect();
        ShareLinks {
            link: link.to_owned(),
            title: title.to_owned(),
            email: format!(
                "mailto:?subject={}&body={}",
                encode(&target.subject).replace('+', "%20"),
                encode(&body).replace('+', "%20")
            ),
            twitter: format!(
                "https://twitter.com/intent/tweet?text={}&url={}",
                encode(&post),
                encode(link)
            ),
            linkedin: format!(
                "https://www.linkedin.com/sharing/share-offsite/?url={}",
                encode(link)
            ),
            facebook: format!("https://www.facebook.com/sharer/sharer.php?u={}", encode(link)),
            embed: format!(
                r#"<iframe src="{html_link}" width="640" height="720" style="border:0;max-width:100%" loading="lazy" title="{}"></iframe>"#,
                escape(title)
            ),
            signature: format!(
                r#"<p>{thumbnails}<br><a href="{html_link}">{}</a></p>"#,
                escape(title)
            ),
            qr_svg: format!("{link}/qr.svg"),
            qr_png: format!("{link}/qr.png"),
            json: target.json.clone(),
            pdf: target.pdf.clone(),
            linkedin_add: badges
                .iter()
                .map(|badge| {
                    (
                        badge.id,
                        linkedin_certification(&(target.badge_page)(badge.id), badge),
                    )
                })
                .collect(),
        }
    }

    /// LinkedIn's "add a licence or certification" form, filled in: the badge's name, its
    /// issuer, the month it was issued and the month it expires, and its public page.
    fn linkedin_certification(page: &str, badge: &BadgeSummary) -> String {
        let mut url = format!(
            "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name={}&organizationName={}&certUrl={}&certId={}",
            encode(&badge.name),
            encode(&badge.issuer_name),
            encode(page),
            badge.id
        );
        if let Some(issued) = badge.issued_on {
            url.push_str(&format!(
                "&issueYear={}&issueMonth={}",
                issued.format("%Y"),
                issued.format("%-m")
            ));
        }
        if let Some(expires) = badge.expires_at {
            url.push_str(&format!(
                "&expirationYear={}&expirationMonth={}",
                expires.format("%Y"),
                expires.format("%-m")
            ));
        }
        url
    }

    /// The badge's public link and what to do with it, while shared.
    pub async fn badge_link(
        state: &crate::server::AppState,
        user: &User,
        badge: &crate::server::badges::Badge,
        share: &crate::server::badge_shares::BadgeShare,
    ) -> SharedLink {
        let reader = crate::dates::reader().await;
        let locale = match reader.lang {
            besace_badges::Lang::Fr => Locale::fr,
            _ => Locale::en,
        };
        let url = format!("{}/s/{}", state.public_url, share.token);
        let summary = BadgeSummary::from(badge);
        let target = Target {
            link: &url,
            title: &badge.name,
            subject: td_string!(locale, share.badge_mail_subject, title = badge.name.as_str()).to_string(),
            json: None,
            pdf: format!("{url}/certificate.pdf"),
            badge_page: &|_| url.clone(),
        };
        SharedLink {
            share: links(&target, user, std::slice::from_ref(&summary), locale),
            since: reader.day(share.shared_at),
            url,
        }
    }
}

/// The badge's own public link, or `None` while it is private.
#[server(prefix = "/api", endpoint = "badge_link")]
pub async fn badge_link(id: i64) -> Result<Option<SharedLink>, AppError> {
    use crate::server::{badge_shares, badges, request::*};
    let state = state();
    let user = require_user().await?;
    let Some(badge) = badges::find_owned(&state.db, user.id, id)
        .await
        .map_err(internal)?
    else {
        return fail(AppError::NotFound);
    };
    let share = badge_shares::of_badge(&state.db, user.id, id)
        .await
        .map_err(internal)?;
    Ok(match share {
        Some(share) => Some(ssr::badge_link(&state, &user, &badge, &share).await),
        None => None,
    })
}

/// Shares the badge on its own under a new link (`share = true`: any earlier link dies),
/// or stops sharing it at once.
#[server(prefix = "/api", endpoint = "share_badge")]
pub async fn share_badge(id: i64, share: bool) -> Result<(), AppError> {
    use crate::server::{badge_shares, request::*};
    let state = state();
    let user = require_user().await?;
    let found = if share {
        badge_shares::share(&state.store, user.id, id)
            .await
            .map(|shared| shared.is_some())
    } else {
        badge_shares::unshare(&state.store, user.id, id)
            .await
            .map(|_| true)
    }
    .map_err(internal)?;
    if !found {
        return fail(AppError::NotFound);
    }
    tracing::info!(
        user_id = user.id,
        badge_id = id,
        share,
        "badge visibility changed"
    );
    Ok(())
}
