//! Open Badges 3.0: a `did:key` issuer signing credentials (embedded `eddsa-rdfc-2022`
//! proofs or VC-JWTs), and the unsigned credential it signs.
use super::{hashed_identity, BadgeSpec};
use crate::data_integrity::{hash_data, ProofError};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

/// An issuer whose identifier is its Ed25519 public key (`did:key`): verifiable offline.
pub struct DidKeyIssuer {
    key: SigningKey,
    did: String,
}

impl DidKeyIssuer {
    /// The same seed always gives the same issuer (demo data is reproducible).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        // Multicodec ed25519-pub (0xed 0x01) + key, base58btc: `did:key:z6Mk…`.
        let mut multicodec = vec![0xed, 0x01];
        multicodec.extend_from_slice(key.verifying_key().as_bytes());
        let did = format!(
            "did:key:{}",
            multibase::encode(multibase::Base::Base58Btc, multicodec)
        );
        Self { key, did }
    }

    pub fn did(&self) -> &str {
        &self.did
    }

    /// `did:key:z…#z…`: the key of a `did:key` is its own fragment.
    pub fn verification_method(&self) -> String {
        let fragment = self.did.trim_start_matches("did:key:");
        format!("{}#{fragment}", self.did)
    }

    /// `credential` as a VC-JWT (OB 3.0 §VC-JWT: the credential in the `vc` claim, with
    /// `iss`, `jti`, `nbf` and, when given, `exp`), signed EdDSA with this issuer's key.
    pub fn sign_jwt(&self, credential: &Value, not_before: i64, expires: Option<i64>) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": self.verification_method()});
        let mut claims = json!({
            "vc": credential,
            "iss": self.did,
            "jti": credential.get("id").cloned().unwrap_or(Value::Null),
            "nbf": not_before,
        });
        if let Some(expires) = expires {
            claims["exp"] = expires.into();
        }
        let input = format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        );
        let signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", b64.encode(signature.to_bytes()))
    }

    /// Adds an `eddsa-rdfc-2022` Data Integrity proof to `credential`, dated `created`.
    pub fn sign(&self, mut credential: Value, created: &str) -> Result<Value, ProofError> {
        let mut proof = json!({
            "type": "DataIntegrityProof",
            "created": created,
            "verificationMethod": self.verification_method(),
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
        });
        let signature = self.key.sign(&hash_data(&credential, &proof)?);
        proof["proofValue"] = Value::String(multibase::encode(
            multibase::Base::Base58Btc,
            signature.to_bytes(),
        ));
        credential["proof"] = proof;
        Ok(credential)
    }
}
/// An unsigned Open Badges 3.0 credential.
pub fn ob3_credential(issuer: &DidKeyIssuer, badge: &BadgeSpec) -> Value {
    let identifier = match badge.salt {
        Some(salt) => {
            json!({
                "type": "IdentityObject",
                "identityHash": hashed_identity(badge.recipient_email, salt),
                "identityType": "emailAddress",
                "hashed": true,
                "salt": salt
            })
        }
        None => json!({
            "type": "IdentityObject",
            "identityHash": badge.recipient_email,
            "identityType": "emailAddress",
            "hashed": false
        }),
    };
    let mut issuer_profile = json!({
        "id": issuer.did(),
        "type": ["Profile"],
        "name": badge.issuer_name,
        "url": badge.issuer_url
    });
    if let Some(email) = badge.issuer_email {
        issuer_profile["email"] = json!(email);
    }
    let alignments: Vec<Value> = badge
        .alignments
        .iter()
        .map(|t| {
            json!({
                "type": ["Alignment"],
                "targetName": t.name,
                "targetUrl": t.url,
                "targetFramework": t.framework,
                "targetCode": t.code
            })
        })
        .collect();
    let mut credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": badge.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile,
        "validFrom": badge.valid_from,
        "name": badge.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identifier],
            "achievement": {
                "id": badge.achievement_id,
                "type": ["Achievement"],
                "name": badge.name,
                "description": badge.description,
                "criteria": { "narrative": badge.criteria },
                "image": { "id": badge.image_url, "type": "Image" },
                "tag": badge.tags
            }
        }
    });
    if !alignments.is_empty() {
        credential["credentialSubject"]["achievement"]["alignment"] = json!(alignments);
    }
    credential
}
