//! The one error type server functions return. Its variants are what a user may be told;
//! the details of unexpected failures stay in the server log.
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("invalid e-mail address")]
    InvalidEmail,
    #[error("invalid display name")]
    InvalidDisplayName,
    #[error("password too short")]
    PasswordTooShort,
    #[error("password too common")]
    PasswordTooCommon,
    #[error("password too long")]
    PasswordTooLong,
    #[error("e-mail address already registered")]
    EmailTaken,
    #[error("wrong e-mail or password")]
    WrongCredentials,
    #[error("wrong current password")]
    WrongPassword,
    #[error("too many attempts")]
    RateLimited,
    #[error("not logged in")]
    NotLoggedIn,
    #[error("request refused (cross-site or malformed)")]
    Forbidden,
    #[error("unknown language")]
    UnknownLanguage,
    #[error("this address is already in the account")]
    EmailAlreadyYours,
    #[error("this address is already verified")]
    EmailAlreadyVerified,
    #[error("only a verified address can become primary")]
    EmailNotVerified,
    #[error("the primary address cannot be removed")]
    PrimaryEmailCannotBeRemoved,
    #[error("the link is unknown, already used or expired")]
    InvalidLink,
    #[error("the mail could not be sent")]
    MailNotSent,
    #[error("a collection needs a name (at most 100 characters; description at most 2000)")]
    InvalidCollectionName,
    #[error("a handle has 3 to 30 lower-case letters, digits or hyphens")]
    InvalidHandle,
    #[error("another learner uses this handle")]
    HandleTaken,
    #[error("not found")]
    NotFound,
    #[error("internal error")]
    Internal,
    #[error("request could not be sent or read: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::RateLimited => 429,
            Self::NotLoggedIn => 401,
            Self::Forbidden => 403,
            Self::WrongCredentials | Self::WrongPassword => 401,
            Self::EmailTaken | Self::EmailAlreadyYours | Self::EmailAlreadyVerified | Self::HandleTaken => {
                409
            }
            Self::NotFound => 404,
            Self::InvalidLink => 410,
            Self::MailNotSent => 502,
            Self::Internal => 500,
            Self::Transport(_) => 400,
            _ => 422,
        }
    }
}

/// Shows an error in the user's language, announced to screen readers.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match &error {
        AppError::InvalidEmail => t_string!(i18n, errors.invalid_email).to_string(),
        AppError::InvalidDisplayName => t_string!(i18n, errors.invalid_display_name).to_string(),
        AppError::PasswordTooShort => t_string!(i18n, errors.password_too_short).to_string(),
        AppError::PasswordTooCommon => t_string!(i18n, errors.password_too_common).to_string(),
        AppError::PasswordTooLong => t_string!(i18n, errors.password_too_long).to_string(),
        AppError::EmailTaken => t_string!(i18n, errors.email_taken).to_string(),
        AppError::WrongCredentials => t_string!(i18n, errors.wrong_credentials).to_string(),
        AppError::WrongPassword => t_string!(i18n, errors.wrong_password).to_string(),
        AppError::RateLimited => t_string!(i18n, errors.rate_limited).to_string(),
        AppError::NotLoggedIn => t_string!(i18n, errors.not_logged_in).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::UnknownLanguage => t_string!(i18n, errors.unknown_language).to_string(),
        AppError::EmailAlreadyYours => t_string!(i18n, errors.email_already_yours).to_string(),
        AppError::EmailAlreadyVerified => t_string!(i18n, errors.email_already_verified).to_string(),
        AppError::EmailNotVerified => t_string!(i18n, errors.email_not_verified).to_string(),
        AppError::PrimaryEmailCannotBeRemoved => t_string!(i18n, errors.primary_email).to_string(),
        AppError::InvalidLink => t_string!(i18n, errors.invalid_link).to_string(),
        AppError::MailNotSent => t_string!(i18n, errors.mail_not_sent).to_string(),
        AppError::InvalidCollectionName => t_string!(i18n, errors.invalid_collection_name).to_string(),
        AppError::InvalidHandle => t_string!(i18n, errors.invalid_handle).to_string(),
        AppError::HandleTaken => t_string!(i18n, errors.handle_taken).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Internal | AppError::Transport(_) => t_string!(i18n, errors.internal).to_string(),
    };
    view! { <p class="alert alert-error" role="alert">{text}</p> }
}
