//! Asking the learner's leave: the platform's request checked (client, redirect, scopes,
//! PKCE), then the grant and its single-use code once the learner approves.
use super::*;

/// An authorization request that passed every check and waits for the learner's answer.
/// It is kept in the learner's session, so the consent form carries only its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAuthorization {
    pub id: String,
    pub client_id: i64,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: String,
}

/// Session key of the pending authorization.
pub const PENDING_KEY: &str = "oauth_pending";

/// The query of `GET /o/authorize` (RFC 6749 §4.1.1, RFC 7636 §4.3).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizationQuery {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// Why an authorization request is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthorizationError {
    /// Unknown client or a redirect URI it did not register: the learner is told, and
    /// nothing is sent to the URI (RFC 6749 §4.1.2.1), which could be anyone's.
    Untrusted(&'static str),
    /// Sent back to the client's redirect URI as `error` and `error_description`.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

/// Checks an authorization request against the registered client.
pub fn check_request(
    client: Option<&Client>,
    query: &AuthorizationQuery,
) -> Result<PendingAuthorization, AuthorizationError> {
    let client = client.ok_or(AuthorizationError::Untrusted("unknown_client"))?;
    let registered = client.redirect_uris();
    let redirect_uri = match query.redirect_uri.as_deref() {
        Some(uri) if registered.iter().any(|r| r == uri) => uri.to_owned(),
        // Optional only when exactly one is registered (RFC 6749 §3.1.2.3).
        None if registered.len() == 1 => registered[0].clone(),
        _ => return Err(AuthorizationError::Untrusted("redirect_uri_mismatch")),
    };
    let refuse = |error: &'static str, description: &str| AuthorizationError::Redirect {
        redirect_uri: redirect_uri.clone(),
        state: query.state.clone(),
        error,
        description: description.to_owned(),
    };
    if query.response_type.as_deref() != Some("code") {
        return Err(refuse("unsupported_response_type", "response_type must be code"));
    }
    let challenge = query.code_challenge.as_deref().unwrap_or_default();
    if query.code_challenge_method.as_deref() != Some("S256") || !is_s256_challenge(challenge) {
        return Err(refuse(
            "invalid_request",
            "PKCE is required: code_challenge (base64url SHA-256) with code_challenge_method S256",
        ));
    }
    let allowed = client.scopes();
    let scopes: Vec<String> = match query.scope.as_deref().map(str::trim) {
        None | Some("") => allowed.clone(),
        Some(asked) => asked.split_whitespace().map(str::to_owned).collect(),
    };
    if let Some(scope) = scopes.iter().find(|s| !allowed.contains(s)) {
        return Err(refuse(
            "invalid_scope",
            &format!("{scope} was not registered by this client"),
        ));
    }
    Ok(PendingAuthorization {
        id: random_token(16),
        client_id: client.id,
        redirect_uri,
        scopes: dedup(scopes),
        state: query.state.clone(),
        code_challenge: challenge.to_owned(),
    })
}

fn dedup(mut scopes: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|s| seen.insert(s.clone()));
    scopes
}

/// 43 base64url characters: what a SHA-256 digest encodes to.
pub(super) fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge, with a well-formed verifier.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

/// The learner said yes: the grant (created, or widened to these scopes) and a new code.
pub async fn approve(
    db: &DatabaseConnection,
    user_id: i64,
    pending: &PendingAuthorization,
) -> Result<String, DbErr> {
    let now = Utc::now();
    let scope = pending.scopes.join(" ");
    let txn = db.begin().await?;
    let existing = grant_entity::Entity::find()
        .filter(grant_entity::Column::UserId.eq(user_id))
        .filter(grant_entity::Column::ClientId.eq(pending.client_id))
        .one(&txn)
        .await?;
    let grant = match existing {
        Some(grant) => {
            let mut row: grant_entity::ActiveModel = grant.clone().into();
            row.scope = Set(union(&grant.scope, &scope));
            row.update(&txn).await?
        }
        None => {
            grant_entity::ActiveModel {
                client_id: Set(pending.client_id),
                user_id: Set(user_id),
                scope: Set(scope.clone()),
                created_at: Set(now),
                last_used_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    // Old codes of any grant are worthless: drop them while we are here.
    code_entity::Entity::delete_many()
        .filter(code_entity::Column::ExpiresAt.lt(now))
        .exec(&txn)
        .await?;
    let code = random_token(32);
    code_entity::ActiveModel {
        code_sha256: Set(sha256_hex(code.as_bytes())),
        grant_id: Set(grant.id),
        redirect_uri: Set(pending.redirect_uri.clone()),
        scope: Set(scope),
        code_challenge: Set(pending.code_challenge.clone()),
        expires_at: Set(now + CODE_LIFETIME),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(code)
}

fn union(a: &str, b: &str) -> String {
    dedup(
        a.split_whitespace()
            .chain(b.split_whitespace())
            .map(str::to_owned)
            .collect(),
    )
    .join(" ")
}
