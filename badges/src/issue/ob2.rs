//! Open Badges 2.0: an issuer whose profile, key and badge classes are https documents,
//! and its assertions, hosted or signed with RS256.
use super::{hashed_identity, BadgeSpec};
use serde_json::{json, Value};
use sha2::Sha256;

const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// An Open Badges 2.0 issuer: its profile (`{base}/issuer.json`) and RSA key
/// (`{base}/key.json`) are documents at https URLs that verifiers fetch, so whoever serves
/// them must serve exactly what [`Self::profile`] and [`Self::key`] answer.
pub struct HostedIssuer {
    key: rsa::RsaPrivateKey,
    base: String,
}

/// Why an issuer key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IssuerKeyError {
    #[error("not a PKCS#8 PEM RSA private key: {0}")]
    BadKey(String),
    #[error("signing failed: {0}")]
    Signing(String),
}

impl HostedIssuer {
    /// `base` is the https origin (and path) the issuer's documents live under.
    pub fn new(private_key_pem: &str, base: &str) -> Result<Self, IssuerKeyError> {
        use rsa::pkcs8::DecodePrivateKey;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem)
            .map_err(|e| IssuerKeyError::BadKey(e.to_string()))?;
        Ok(Self {
            key,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    pub fn profile_url(&self) -> String {
        format!("{}/issuer.json", self.base)
    }

    pub fn key_url(&self) -> String {
        format!("{}/key.json", self.base)
    }

    /// The Issuer profile, listing the signing key.
    pub fn profile(&self, badge: &BadgeSpec) -> Value {
        let mut profile = json!({
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": self.profile_url(),
            "name": badge.issuer_name,
            "url": badge.issuer_url,
            "publicKey": self.key_url()
        });
        if let Some(email) = badge.issuer_email {
            profile["email"] = json!(email);
        }
        profile
    }

    /// The CryptographicKey document: the public half, in PEM.
    pub fn key(&self) -> Result<Value, IssuerKeyError> {
        use rsa::pkcs8::{EncodePublicKey, LineEnding};
        let pem = self
            .key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| IssuerKeyError::BadKey(e.to_string()))?;
        Ok(json!({
            "@context": OB2_CONTEXT,
            "type": "CryptographicKey",
            "id": self.key_url(),
            "owner": self.profile_url(),
            "publicKeyPem": pem
        }))
    }

    /// The BadgeClass, whose id (and URL) is the spec's `achievement_id`.
    pub fn badge_class(&self, badge: &BadgeSpec) -> Value {
        let mut class = json!({
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": badge.achievement_id,
            "name": badge.name,
            "description": badge.description,
            "image": badge.image_url,
            "criteria": { "narrative": badge.criteria },
            "issuer": self.profile_url(),
            "tags": badge.tags
        });
        if !badge.alignments.is_empty() {
            let alignments: Vec<Value> = badge
                .alignments
                .iter()
                .map(|t| {
                    json!({
                        "targetName": t.name,
                        "targetUrl": t.url,
                        "targetFramework": t.framework,
                        "targetCode": t.code
                    })
                })
                .collect();
            class["alignment"] = json!(alignments);
        }
        class
    }

    /// The Assertion: hosted at its own id (an https URL under `base`), or signed with
    /// this issuer's key (then see [`Self::sign`]).
    pub fn assertion(&self, badge: &BadgeSpec, signed: bool) -> Value {
        let recipient = match badge.salt {
            Some(salt) => json!({
                "type": "email",
                "hashed": true,
                "salt": salt,
                "identity": hashed_identity(badge.recipient_email, salt)
            }),
            None => json!({ "type": "email", "hashed": false, "identity": badge.recipient_email }),
        };
        let verification = if signed {
            json!({ "type": "signed", "creator": self.key_url() })
        } else {
            json!({ "type": "hosted" })
        };
        json!({
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": badge.id,
            "recipient": recipient,
            "badge": badge.achievement_id,
            "issuedOn": badge.valid_from,
            "verification": verification
        })
    }

    /// A compact JWS (RS256) of `assertion`: what a signed badge bakes.
    pub fn sign(&self, assertion: &Value) -> Result<String, IssuerKeyError> {
        use base64::Engine as _;
        use rsa::signature::{SignatureEncoding, Signer as _};
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(json!({ "alg": "RS256" }).to_string());
        let payload = b64.encode(assertion.to_string());
        let signing_input = format!("{header}.{payload}");
        let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone());
        let signature = signer
            .try_sign(signing_input.as_bytes())
            .map_err(|e| IssuerKeyError::Signing(e.to_string()))?;
        Ok(format!("{signing_input}.{}", b64.encode(signature.to_bytes())))
    }
}
