//! Password hashing (argon2id) and the password policy.
/// Why a new password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Weak {
    #[error("password too short")]
    TooShort,
    #[error("password too long")]
    TooLong,
    #[error("password too common")]
    TooCommon,
}
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 1000;

/// OWASP's argon2id recommendation: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Refuses short, over-long and easily guessed passwords (zxcvbn score below 2 of 4).
pub fn check_policy(password: &str, context: &[&str]) -> Result<(), Weak> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(Weak::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(Weak::TooLong);
    }
    let estimate = zxcvbn::zxcvbn(password, context);
    if (estimate.score() as u8) < 2 {
        return Err(Weak::TooCommon);
    }
    Ok(())
}

/// Hashes off the async runtime: argon2 is deliberately slow.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("failed to hash a password: {e}"))
    })
    .await?
}

/// True when `password` matches the stored PHC string.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("stored password hash is malformed: {e}"))?;
        Ok(hasher().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await?
}

/// A hash of a password nobody has, verified when the e-mail is unknown so that both
/// failures take the same time.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"decoy password never used", &salt)
            .expect("hashing a constant works")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_owasp_parameters() {
        let hash = hash("cheval agrafe pile correcte".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify("cheval agrafe pile correcte".into(), hash.clone())
            .await
            .unwrap());
        assert!(!verify("cheval agrafe pile correctE".into(), hash.clone())
            .await
            .unwrap());
        let again = super::hash("cheval agrafe pile correcte".into()).await.unwrap();
        assert_ne!(hash, again, "each hash has its own salt");
    }

    #[test]
    fn policy_refuses_short_common_and_huge_passwords() {
        assert_eq!(check_policy("court", &[]), Err(Weak::TooShort));
        assert_eq!(check_policy("password123", &[]), Err(Weak::TooCommon));
        assert_eq!(check_policy("azertyuiop", &[]), Err(Weak::TooCommon));
        assert_eq!(check_policy("1234567890", &[]), Err(Weak::TooCommon));
        assert_eq!(
            check_policy("marie.dupont@ecole.fr", &["marie.dupont@ecole.fr"]),
            Err(Weak::TooCommon)
        );
        assert_eq!(check_policy(&"x".repeat(1001), &[]), Err(Weak::TooLong));
        assert_eq!(check_policy("Mon vélo rouge a 3 roues", &[]), Ok(()));
    }
}
