//! The learner's e-mail addresses: list, add, verify by a mailed link, make primary, remove.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One address as the settings page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress {
    pub id: i64,
    pub email: String,
    pub primary: bool,
    pub verified: bool,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::domain::Language;
    use crate::error::AppError;
    use crate::i18n::Locale;
    use crate::server::{
        emails::{self, EmailError, UserEmail},
        mail::Mail,
        notices::Notice,
        request::*,
        users::User,
        AppState,
    };
    use leptos_i18n::td_string;

    impl From<EmailError> for AppError {
        fn from(err: EmailError) -> Self {
            match err {
                EmailError::AlreadyYours => AppError::EmailAlreadyYours,
                EmailError::TakenElsewhere => AppError::EmailTaken,
                EmailError::NotFound => AppError::NotFound,
                EmailError::PrimaryCannotBeRemoved => AppError::PrimaryEmailCannotBeRemoved,
                EmailError::NotVerified => AppError::EmailNotVerified,
                EmailError::InvalidLink => AppError::InvalidLink,
                EmailError::Db(err) => internal(err),
            }
        }
    }

    /// Sets the status of the response and returns the error, for `?` in server functions.
    pub fn refuse<T>(err: EmailError) -> Result<T, AppError> {
        fail(AppError::from(err))
    }

    pub(crate) fn locale_of(user: &User) -> Locale {
        match user.locale.as_deref().and_then(|l| Language::parse(l).ok()) {
            Some(Language::Fr) => Locale::fr,
            _ => Locale::en,
        }
    }

    async fn send(mail: Mail, user: &User) -> Result<(), AppError> {
        state().mailer.send(mail).await.map_err(|err| {
            tracing::error!(error = ?err, user_id = user.id, "mail not sent");
            AppError::MailNotSent
        })
    }

    /// A fresh single-use link for `address` (only its digest is stored).
    async fn new_link(address: &UserEmail) -> Result<String, AppError> {
        let state = state();
        let token = emails::new_link_token(&state.db, address.id)
            .await
            .map_err(internal)?;
        Ok(format!("{}/verify-email?token={token}", state.public_url))
    }

    /// Mails a fresh verification link for `address`, in the learner's language.
    pub async fn send_verification_link(user: &User, address: &UserEmail) -> Result<(), AppError> {
        let link = new_link(address).await?;
        let locale = locale_of(user);
        let name = user.display_name.as_str();
        let email = address.email.as_str();
        let mail = Mail {
            to: address.email.clone(),
            subject: td_string!(locale, mail.verify_subject).to_string(),
            body: td_string!(locale, mail.verify_body, name, email, link = link.as_str()).to_string(),
        };
        send(mail, user).await
    }

    /// Mails the link that finishes a sign-up; it brings the learner back to `next`.
    pub async fn send_sign_up_link(
        user: &User,
        address: &UserEmail,
        next: Option<&str>,
    ) -> Result<(), AppError> {
        let mut link = new_link(address).await?;
        if let Some(next) = next {
            link.push_str("&next=");
            link.extend(url::form_urlencoded::byte_serialize(next.as_bytes()));
        }
        let locale = locale_of(user);
        let name = user.display_name.as_str();
        let mail = Mail {
            to: address.email.clone(),
            subject: td_string!(locale, mail.signup_subject).to_string(),
            body: td_string!(locale, mail.signup_body, name, link = link.as_str()).to_string(),
        };
        send(mail, user).await
    }

    /// How this process sends the learners' notices (`core::notices`): each in its own
    /// task, in the learner's language, with a link to the page it is about.
    pub fn notice_sender(state: &AppState) -> impl Fn(Notice) + Send + Sync + 'static {
        let (db, mailer, base) = (state.db.clone(), state.mailer.clone(), state.public_url.clone());
        move |notice| {
            let (db, mailer, base) = (db.clone(), mailer.clone(), base.clone());
            tokio::spawn(async move {
                let Notice::InboxReceived { user_id, client_id } = notice;
                let found = async {
                    let user = crate::server::users::find(&db, user_id).await?;
                    let client = crate::server::oauth_clients::find_by_id(&db, client_id).await?;
                    Ok::<_, sea_orm::DbErr>(user.zip(client))
                };
                let (user, client) = match found.await {
                    Ok(Some(found)) => found,
                    Ok(None) => return,
                    Err(err) => return tracing::error!(error = %err, user_id, "inbox notice not sent"),
                };
                let locale = locale_of(&user);
                let link = format!("{base}/inbox");
                let (name, platform) = (user.display_name.as_str(), client.name.as_str());
                let mail = Mail {
                    to: user.email.clone(),
                    subject: td_string!(locale, mail.inbox_subject).to_string(),
                    body: td_string!(locale, mail.inbox_body, name, platform, link = link.as_str())
                        .to_string(),
                };
                if let Err(err) = mailer.send(mail).await {
                    tracing::error!(error = ?err, user_id, "inbox notice not sent");
                }
            });
        }
    }

    /// Tells an account's owner that someone signed up with their address (the sign-up
    /// page answers as for a new address, so only the mailbox learns the account exists).
    pub async fn send_account_exists(user: &User, language: Option<Language>) -> Result<(), AppError> {
        let state = state();
        let link = format!("{}/login", state.public_url);
        let locale = match language {
            Some(Language::Fr) => Locale::fr,
            Some(Language::En) => Locale::en,
            None => locale_of(user),
        };
        let name = user.display_name.as_str();
        let mail = Mail {
            to: user.email.clone(),
            subject: td_string!(locale, mail.exists_subject).to_string(),
            body: td_string!(locale, mail.exists_body, name, link = link.as_str()).to_string(),
        };
        send(mail, user).await
    }
}

#[server(prefix = "/api", endpoint = "emails")]
pub async fn list_emails() -> Result<Vec<EmailAddress>, AppError> {
    use crate::server::{emails, request::*};
    let state = state();
    let user = require_user().await?;
    let rows = emails::list(&state.db, user.id).await.map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|row| EmailAddress {
            id: row.id,
            email: row.email,
            primary: row.is_primary,
            verified: row.verified_at.is_some(),
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "add_email")]
pub async fn add_email(email: String) -> Result<(), AppError> {
    use self::ssr::*;
    use crate::{domain::Email, server::emails, server::request::*};
    let user = require_user().await?;
    check_mail_budget(&user).await?;
    let email = Email::parse(&email).or_else(fail)?;
    let address = match emails::add(&state().db, user.id, &email, false).await {
        Ok(address) => address,
        Err(err) => return refuse(err),
    };
    tracing::info!(user_id = user.id, address_id = address.id, "address added");
    send_verification_link(&user, &address).await.or_else(fail)
}

#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    use crate::server::{emails, request::*};
    let user = require_user().await?;
    check_mail_budget(&user).await?;
    let address = match emails::find_owned(&state().db, user.id, id).await {
        Ok(address) if address.verified_at.is_none() => address,
        Ok(_) => return fail(AppError::EmailAlreadyVerified),
        Err(err) => return refuse(err),
    };
    send_verification_link(&user, &address).await.or_else(fail)
}

#[server(prefix = "/api", endpoint = "remove_email")]
pub async fn remove_email(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    use crate::server::{emails, request::*};
    let user = require_user().await?;
    emails::remove(&state().db, user.id, id).await.or_else(refuse)?;
    tracing::info!(user_id = user.id, address_id = id, "address removed");
    Ok(())
}

#[server(prefix = "/api", endpoint = "make_primary_email")]
pub async fn make_primary_email(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    use crate::server::{emails, request::*};
    let user = require_user().await?;
    emails::make_primary(&state().db, user.id, id)
        .await
        .or_else(refuse)?;
    tracing::info!(user_id = user.id, address_id = id, "primary address changed");
    Ok(())
}

/// Uses the link of a verification mail (the page's button posts it, so that a mail
/// scanner opening the link uses nothing); works without being logged in, since the token
/// itself proves the learner reads that mailbox. The link mailed at sign-up also logs this
/// browser in, and then goes on to `next` or the backpack. Answers the verified address.
#[server(prefix = "/api", endpoint = "confirm_email")]
pub async fn confirm_email(token: String, next: Option<String>) -> Result<String, AppError> {
    use self::ssr::*;
    use crate::server::{held_badges, request::*, users};
    let state = state();
    check_ip_budget().await?;
    let (confirmed, arrived) =
        held_badges::confirm_address(&state.store, state.fetcher.as_ref(), &token, chrono::Utc::now())
            .await
            .or_else(refuse)?;
    let address = confirmed.address;
    // Badges that waited for this address are in the backpack now: the page says so.
    let told = match arrived {
        0 => "/verify-email?confirmed".to_owned(),
        count => format!("/verify-email?confirmed&arrived={count}"),
    };
    tracing::info!(
        user_id = address.user_id,
        address_id = address.id,
        "address verified"
    );
    if confirmed.completes_sign_up {
        let user = users::find(&state.db, address.user_id)
            .await
            .map_err(internal)?
            .ok_or(AppError::InvalidLink)?;
        log_in(&session().await?, &user).await?;
        tracing::info!(user_id = user.id, "account confirmed");
        if arrived > 0 {
            leptos_axum::redirect(&told);
        } else {
            leptos_axum::redirect(&crate::account::after_login(next.as_deref()));
        }
    } else {
        leptos_axum::redirect(&told);
    }
    Ok(address.email)
}
