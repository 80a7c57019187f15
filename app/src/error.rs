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
    #[error("the issuer offers no newer version of this badge")]
    NoRenewal,
    #[error("the account's address is not confirmed yet")]
    AccountNotConfirmed,
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
    #[error("the password reset link is unknown, already used or expired")]
    InvalidResetLink,
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
    #[error("the request is not what this form sends")]
    BadRequest,
    #[error("the request is too large")]
    TooLarge,
    #[error("no badge was chosen, given or pasted")]
    NothingToImport,
    #[error("internal error")]
    Internal,
    #[error("request could not be sent or read: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, the only such errors are requests that could not be read as the
    /// function's arguments (a string for an id, a missing field, a body over the cap):
    /// the client's mistake, answered 400 (or 413) with a plain message, never a 500.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        {
            let error = match &value {
                ServerFnErrorErr::Args(text) | ServerFnErrorErr::Deserialization(text)
                    if text.contains("length limit exceeded") =>
                {
                    AppError::TooLarge
                }
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
                | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
                _ => AppError::Transport(value.to_string()),
            };
            if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(status) = http::StatusCode::from_u16(error.status()) {
                    options.set_status(status);
                }
            }
            error
        }
        #[cfg(not(feature = "ssr"))]
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::domain::Invalid> for AppError {
    fn from(invalid: crate::domain::Invalid) -> Self {
        use crate::domain::Invalid;
        match invalid {
            Invalid::Email => Self::InvalidEmail,
            Invalid::DisplayName => Self::InvalidDisplayName,
            Invalid::Language => Self::UnknownLanguage,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::password::Weak> for AppError {
    fn from(weak: crate::server::password::Weak) -> Self {
        use crate::server::password::Weak;
        match weak {
            Weak::TooShort => Self::PasswordTooShort,
            Weak::TooLong => Self::PasswordTooLong,
            Weak::TooCommon => Self::PasswordTooCommon,
        }
    }
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::RateLimited => 429,
            Self::NotLoggedIn => 401,
            Self::Forbidden | Self::AccountNotConfirmed => 403,
            Self::WrongCredentials | Self::WrongPassword => 401,
            Self::EmailTaken | Self::EmailAlreadyYours | Self::EmailAlreadyVerified | Self::HandleTaken => {
                409
            }
            Self::NotFound => 404,
            Self::InvalidLink | Self::InvalidResetLink => 410,
            Self::MailNotSent => 502,
            Self::Internal => 500,
            Self::Transport(_) | Self::BadRequest => 400,
            Self::TooLarge => 413,
            _ => 422,
        }
    }
}

impl AppError {
    /// The error a page's `?error=` names (see `request::back_to`), if it is one of ours
    /// with no data: anything else a link carries is ignored, only our messages show.
    pub fn from_code(code: Option<String>) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code?)).ok()
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
        AppError::AccountNotConfirmed => t_string!(i18n, errors.account_not_confirmed).to_string(),
        AppError::NoRenewal => t_string!(i18n, errors.no_renewal).to_string(),
        AppError::RateLimited => t_string!(i18n, errors.rate_limited).to_string(),
        AppError::NotLoggedIn => t_string!(i18n, errors.not_logged_in).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::UnknownLanguage => t_string!(i18n, errors.unknown_language).to_string(),
        AppError::EmailAlreadyYours => t_string!(i18n, errors.email_already_yours).to_string(),
        AppError::EmailAlreadyVerified => t_string!(i18n, errors.email_already_verified).to_string(),
        AppError::EmailNotVerified => t_string!(i18n, errors.email_not_verified).to_string(),
        AppError::PrimaryEmailCannotBeRemoved => t_string!(i18n, errors.primary_email).to_string(),
        AppError::InvalidLink => t_string!(i18n, errors.invalid_link).to_string(),
        AppError::InvalidResetLink => t_string!(i18n, errors.invalid_reset_link).to_string(),
        AppError::MailNotSent => t_string!(i18n, errors.mail_not_sent).to_string(),
        AppError::InvalidCollectionName => t_string!(i18n, errors.invalid_collection_name).to_string(),
        AppError::InvalidHandle => t_string!(i18n, errors.invalid_handle).to_string(),
        AppError::HandleTaken => t_string!(i18n, errors.handle_taken).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::BadRequest => t_string!(i18n, errors.bad_request).to_string(),
        AppError::TooLarge => t_string!(i18n, errors.too_large).to_string(),
        AppError::NothingToImport => t_string!(i18n, errors.nothing_to_import).to_string(),
        AppError::Internal | AppError::Transport(_) => t_string!(i18n, errors.internal).to_string(),
    };
    view! { <p class="alert alert-error" role="alert">{text}</p> }
}
