//! Platform passwords: how a site that speaks Badgr's API (Moodle's default "OBv2.0"
//! backpack) signs in for a learner. Such a site asks for an address and a password, never
//! goes through a consent page, and keeps what it is given; so the learner gives it a
//! password made for it alone, shown once, that opens nothing but this site's connection.
//!
//! Each password is an OAuth client of its own (grant types `password refresh_token`,
//! no redirect URI) with one grant, the learner's: it is listed with the connected
//! platforms, its tokens are the usual ones, and disconnecting it ends them at once.
use super::*;
use crate::{domain::Email, emails, oauth_clients, password, users};

/// What a platform password may do, as scopes on its grant.
pub const SEND_BADGES: &str = "rw:backpack";
pub const READ_PROFILE: &str = "r:profile";
/// Collections it may list: only the published ones, or all of them.
pub const PUBLISHED_COLLECTIONS: &str = "besace:collections.published";
pub const ALL_COLLECTIONS: &str = "besace:collections.all";

const GRANT_TYPES: &str = "password refresh_token";

/// Which of the learner's collections the site may list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    Published,
    All,
}

impl Listing {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "published" => Some(Self::Published),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    fn scope(self) -> &'static str {
        match self {
            Self::Published => PUBLISHED_COLLECTIONS,
            Self::All => ALL_COLLECTIONS,
        }
    }

    /// The listing an access carries (none: the token is not a platform password's).
    pub fn of(access: &Access) -> Option<Self> {
        if access.allows(ALL_COLLECTIONS) {
            Some(Self::All)
        } else if access.allows(PUBLISHED_COLLECTIONS) {
            Some(Self::Published)
        } else {
            None
        }
    }
}

/// The name a learner gives the site: 1 to 80 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteName(String);

impl SiteName {
    pub fn parse(raw: &str) -> Option<Self> {
        let name = raw.trim();
        let count = name.chars().count();
        ((1..=80).contains(&count) && !name.chars().any(char::is_control)).then(|| Self(name.to_owned()))
    }
}

/// A new platform password: shown to the learner this once, stored only as a digest.
pub struct Created {
    pub grant_id: i64,
    pub password: String,
}

/// Letters and digits nobody confuses when copying them by hand (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Four groups of four: 16 characters of a 31-letter alphabet, about 79 bits.
fn new_password() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is hashed: the password without the dashes or spaces a learner may add or drop
/// when copying it, in lower case.
fn digest(password: &str) -> String {
    let normal: String = password
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    sha256_hex(normal.as_bytes())
}

/// Makes a platform password for the learner's site `name`.
pub async fn create(
    db: &DatabaseConnection,
    user_id: i64,
    name: SiteName,
    listing: Listing,
) -> Result<Created, DbErr> {
    let password = new_password();
    let now = Utc::now();
    let scope = [SEND_BADGES, READ_PROFILE, listing.scope()].join(" ");
    let txn = db.begin().await?;
    let client = oauth_clients::entity::ActiveModel {
        client_id: Set(random_token(16)),
        secret_sha256: Set(digest(&password)),
        name: Set(name.0),
        redirect_uris: Set("[]".to_owned()),
        scope: Set(scope.clone()),
        created_at: Set(now),
        grant_types: Set(GRANT_TYPES.to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let grant = grant_entity::ActiveModel {
        client_id: Set(client.id),
        user_id: Set(user_id),
        scope: Set(scope),
        created_at: Set(now),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Created {
        grant_id: grant.id,
        password,
    })
}

/// Whether a client is a platform password rather than a registered platform.
pub fn is_password_client(client: &Client) -> bool {
    client.may_use("password")
}

/// Why a sign-in with an address and a password gave no tokens.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// The learner typed their Besace password: the site must get a platform password.
    MainPassword,
    /// Unknown address, or a password that is neither.
    Wrong,
}

/// The resource owner password grant (RFC 6749 §4.3) as Badgr's clients use it: the
/// address is one of the learner's verified ones, the password one of their platform
/// passwords. Both failures take an argon2 check, so the answer's time says nothing.
pub async fn sign_in(
    db: &DatabaseConnection,
    address: &str,
    password_given: &str,
) -> Result<Result<Tokens, SignInRefusal>, DbErr> {
    let owner = match Email::parse(address) {
        Ok(email) => emails::verified_owner(db, &email).await?,
        Err(_) => None,
    };
    let wanted = digest(password_given);
    if let Some(user_id) = owner {
        // The one password client with this digest, and the learner's grant to it: two
        // queries, however many platforms the learner connected.
        let client = oauth_clients::entity::Entity::find()
            .filter(oauth_clients::entity::Column::SecretSha256.eq(wanted.as_str()))
            .filter(oauth_clients::entity::Column::GrantTypes.eq(GRANT_TYPES))
            .one(db)
            .await?;
        let grant = match client {
            Some(client) => {
                grant_entity::Entity::find()
                    .filter(grant_entity::Column::ClientId.eq(client.id))
                    .filter(grant_entity::Column::UserId.eq(user_id))
                    .one(db)
                    .await?
            }
            None => None,
        };
        if let Some(grant) = grant {
            let txn = db.begin().await?;
            let tokens = issue(&txn, &grant, &grant.scope, None).await?;
            txn.commit().await?;
            return Ok(Ok(tokens));
        }
    }
    let user = match owner {
        Some(user_id) => users::find(db, user_id).await?,
        None => None,
    };
    let stored = user.as_ref().map_or_else(
        || password::decoy_hash().to_owned(),
        |user| user.password_hash.clone(),
    );
    let is_main = password::verify(password_given.to_owned(), stored)
        .await
        .unwrap_or(false);
    Ok(Err(if is_main && user.is_some() {
        SignInRefusal::MainPassword
    } else {
        SignInRefusal::Wrong
    }))
}

/// A refresh with no client authentication, as Badgr's clients send it: allowed only for
/// the tokens of platform passwords (registered platforms authenticate).
pub async fn refresh_public(
    db: &DatabaseConnection,
    refresh_token: &str,
    scope: Option<&str>,
) -> Result<Tokens, TokenError> {
    let unknown = TokenError::InvalidGrant("unknown, revoked or already used refresh token");
    let Some(token) = find_token(db, refresh_token).await? else {
        return Err(unknown);
    };
    let Some(grant) = grant_entity::Entity::find_by_id(token.grant_id).one(db).await? else {
        return Err(unknown);
    };
    match oauth_clients::find_by_id(db, grant.client_id).await? {
        Some(client) if is_password_client(&client) => refresh(db, &client, refresh_token, scope).await,
        _ => Err(TokenError::InvalidGrant(
            "this refresh token belongs to a registered platform: authenticate as it",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_easy_to_copy_and_copies_still_match() {
        let password = new_password();
        assert_eq!(password.len(), 19);
        assert!(password.split('-').all(|group| group.len() == 4));
        assert!(password
            .chars()
            .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        assert_ne!(password, new_password());
        let retyped = password.replace('-', " ").to_uppercase();
        assert_eq!(digest(&retyped), digest(&password));
        assert_ne!(digest("abcd-efgh-jkmn-pqrs"), digest("abcd-efgh-jkmn-pqrt"));
    }

    #[test]
    fn site_names_are_checked() {
        assert!(SiteName::parse("  Moodle du GRETA  ").is_some_and(|n| n.0 == "Moodle du GRETA"));
        assert!(SiteName::parse("   ").is_none());
        assert!(SiteName::parse("a\u{7}b").is_none());
        assert!(SiteName::parse(&"é".repeat(80)).is_some());
        assert!(SiteName::parse(&"é".repeat(81)).is_none());
        assert_eq!(Listing::parse("all"), Some(Listing::All));
        assert_eq!(Listing::parse("everything"), None);
    }
}
