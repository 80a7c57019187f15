//! Codes and refresh tokens exchanged for access tokens, rotated, replayed (which ends the
//! grant), revoked; and a bearer token read back as the access it gives.
use super::*;

/// What the token endpoint answers (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub scope: String,
}

/// Why the token endpoint refuses (RFC 6749 §5.2 codes).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("invalid_grant: {0}")]
    InvalidGrant(&'static str),
    #[error("invalid_scope: {0}")]
    InvalidScope(&'static str),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Exchanges a code for tokens: once only, before it expires, by the client it was issued
/// to, with the same redirect URI and the PKCE verifier of its challenge. A code presented
/// again is a sign it was stolen: every token issued from it is revoked (RFC 6749 §4.1.2).
pub async fn exchange_code(
    db: &DatabaseConnection,
    client: &Client,
    code: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<Tokens, TokenError> {
    let txn = db.begin().await?;
    let found = code_entity::Entity::find()
        .filter(code_entity::Column::CodeSha256.eq(sha256_hex(code.as_bytes())))
        .one(&txn)
        .await?
        .ok_or(TokenError::InvalidGrant("unknown or already used code"))?;
    // Marking it used first makes the code single-use even against a concurrent exchange:
    // only one transaction changes the row.
    let marked = code_entity::Entity::update_many()
        .col_expr(code_entity::Column::UsedAt, Expr::value(Utc::now()))
        .filter(code_entity::Column::Id.eq(found.id))
        .filter(code_entity::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        token_entity::Entity::delete_many()
            .filter(token_entity::Column::CodeId.eq(found.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::warn!(
            grant_id = found.grant_id,
            "an authorization code was replayed: its tokens are revoked"
        );
        return Err(TokenError::InvalidGrant("unknown or already used code"));
    }
    let grant = grant_entity::Entity::find_by_id(found.grant_id)
        .one(&txn)
        .await?
        .filter(|grant| grant.client_id == client.id);
    let refused = if grant.is_none() {
        Some("this code was issued to another client")
    } else if found.expires_at < Utc::now() {
        Some("the code has expired")
    } else if redirect_uri != Some(found.redirect_uri.as_str()) {
        Some("redirect_uri differs from the authorization request's")
    } else if !verifier.is_some_and(|v| pkce_matches(v, &found.code_challenge)) {
        Some("code_verifier does not match the code_challenge")
    } else {
        None
    };
    let (Some(grant), None) = (grant, refused) else {
        // The code is spent either way: commit that, then refuse.
        txn.commit().await?;
        return Err(TokenError::InvalidGrant(refused.unwrap_or_default()));
    };
    let tokens = issue(&txn, &grant, &found.scope, Some(found.id)).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// Refresh-token rotation: the presented token is spent and a new pair is issued, for the
/// same scopes or fewer. A spent refresh token presented again means one of the two holders
/// is not the platform: the whole grant ends (RFC 6819 §5.2.2.3), and the learner is asked
/// again when the platform reconnects.
pub async fn refresh(
    db: &DatabaseConnection,
    client: &Client,
    refresh_token: &str,
    scope: Option<&str>,
) -> Result<Tokens, TokenError> {
    const SPENT: TokenError = TokenError::InvalidGrant("unknown, revoked or already used refresh token");
    let txn = db.begin().await?;
    let found = find_token(&txn, refresh_token)
        .await?
        .filter(|token| token.kind == REFRESH)
        .ok_or(SPENT)?;
    let grant = grant_entity::Entity::find_by_id(found.grant_id)
        .one(&txn)
        .await?
        .filter(|grant| grant.client_id == client.id)
        .ok_or(TokenError::InvalidGrant(
            "this refresh token was issued to another client",
        ))?;
    if found.rotated_at.is_some() {
        if passwords::is_password_client(client) {
            // A platform password's grant is the password itself: the site signs in again
            // with it, so only the tokens go.
            token_entity::Entity::delete_many()
                .filter(token_entity::Column::GrantId.eq(grant.id))
                .exec(&txn)
                .await?;
        } else {
            end_grant(&txn, grant.id).await?;
        }
        txn.commit().await?;
        tracing::warn!(
            grant_id = grant.id,
            "a rotated refresh token was replayed: the grant is ended"
        );
        return Err(SPENT);
    }
    if found.expires_at < Utc::now() {
        return Err(TokenError::InvalidGrant("the refresh token has expired"));
    }
    let had: Vec<&str> = found.scope.split_whitespace().collect();
    let scope = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) if asked.split_whitespace().all(|s| had.contains(&s)) => asked.to_owned(),
        Some(_) => return Err(TokenError::InvalidScope("more scopes than the learner granted")),
        None => found.scope.clone(),
    };
    let rotated = token_entity::Entity::update_many()
        .col_expr(token_entity::Column::RotatedAt, Expr::value(Utc::now()))
        .filter(token_entity::Column::Id.eq(found.id))
        .filter(token_entity::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        return Err(SPENT);
    }
    let tokens = issue(&txn, &grant, &scope, found.code_id).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// A grant, its codes and every token, gone at once.
pub(super) async fn end_grant(db: &impl ConnectionTrait, grant_id: i64) -> Result<(), DbErr> {
    token_entity::Entity::delete_many()
        .filter(token_entity::Column::GrantId.eq(grant_id))
        .exec(db)
        .await?;
    code_entity::Entity::delete_many()
        .filter(code_entity::Column::GrantId.eq(grant_id))
        .exec(db)
        .await?;
    grant_entity::Entity::delete_by_id(grant_id).exec(db).await?;
    Ok(())
}

/// How long a rotated refresh token is remembered, to recognise its replay.
const ROTATED_KEPT: Duration = Duration::days(30);

/// A new access and refresh token pair for a grant; `code_id` is the authorization code
/// its chain started from (none for a platform password's sign-in).
pub(super) async fn issue(
    db: &impl ConnectionTrait,
    grant: &Grant,
    scope: &str,
    code_id: Option<i64>,
) -> Result<Tokens, DbErr> {
    let now = Utc::now();
    token_entity::Entity::delete_many()
        .filter(token_entity::Column::GrantId.eq(grant.id))
        .filter(
            Condition::any()
                .add(token_entity::Column::ExpiresAt.lt(now))
                .add(token_entity::Column::RotatedAt.lt(now - ROTATED_KEPT)),
        )
        .exec(db)
        .await?;
    let access_token = random_token(32);
    let refresh_token = random_token(32);
    for (token, kind, lifetime) in [
        (&access_token, ACCESS, ACCESS_TOKEN_LIFETIME),
        (&refresh_token, REFRESH, REFRESH_TOKEN_LIFETIME),
    ] {
        token_entity::ActiveModel {
            token_sha256: Set(sha256_hex(token.as_bytes())),
            grant_id: Set(grant.id),
            kind: Set(kind.to_owned()),
            scope: Set(scope.to_owned()),
            expires_at: Set(now + lifetime),
            created_at: Set(now),
            code_id: Set(code_id),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(Tokens {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME.num_seconds(),
        refresh_token,
        scope: scope.to_owned(),
    })
}

pub(super) async fn find_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<token_entity::Model>, DbErr> {
    token_entity::Entity::find()
        .filter(token_entity::Column::TokenSha256.eq(sha256_hex(token.as_bytes())))
        .one(db)
        .await
}

/// RFC 7009: revoking a refresh token ends the whole grant's tokens; an access token goes
/// alone. Unknown tokens, or another client's, change nothing (and the answer is the same).
pub async fn revoke(db: &DatabaseConnection, client: &Client, token: &str) -> Result<(), DbErr> {
    let Some(found) = find_token(db, token).await? else {
        return Ok(());
    };
    let grant = grant_entity::Entity::find_by_id(found.grant_id).one(db).await?;
    if grant.is_none_or(|grant| grant.client_id != client.id) {
        return Ok(());
    }
    if found.kind == REFRESH {
        token_entity::Entity::delete_many()
            .filter(token_entity::Column::GrantId.eq(found.grant_id))
            .exec(db)
            .await?;
    } else {
        token_entity::Entity::delete_by_id(found.id).exec(db).await?;
    }
    Ok(())
}

/// Who an API call acts for: the learner and platform behind a live access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub user_id: i64,
    pub client_id: i64,
    pub scopes: Vec<String>,
}

impl Access {
    pub fn allows(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The access a bearer token gives, if it is a live access token.
pub async fn authenticate(db: &DatabaseConnection, bearer: &str) -> Result<Option<Access>, DbErr> {
    let now = Utc::now();
    let Some(token) = find_token(db, bearer)
        .await?
        .filter(|token| token.kind == ACCESS && token.expires_at > now)
    else {
        return Ok(None);
    };
    let Some(grant) = grant_entity::Entity::find_by_id(token.grant_id).one(db).await? else {
        return Ok(None);
    };
    grant_entity::Entity::update_many()
        .col_expr(grant_entity::Column::LastUsedAt, Expr::value(now))
        .filter(grant_entity::Column::Id.eq(grant.id))
        .exec(db)
        .await?;
    Ok(Some(Access {
        user_id: grant.user_id,
        client_id: grant.client_id,
        scopes: token.scope.split_whitespace().map(str::to_owned).collect(),
    }))
}
