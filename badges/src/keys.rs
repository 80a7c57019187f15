//! Public keys as issuers publish them (PEM, JWK, Multikey / did:key) and signature checks.

use base64::Engine as _;
use serde_json::Value;

use crate::jws::B64URL;

/// A verification key.
#[derive(Debug, Clone)]
pub enum PublicKey {
    Rsa(rsa::RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why a key could not be read or a signature failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("unsupported or malformed key: {0}")]
    BadKey(String),
    #[error("algorithm {alg} cannot be used with this key")]
    AlgMismatch { alg: String },
    #[error("unsupported algorithm {0}")]
    UnsupportedAlg(String),
    #[error("signature does not match")]
    BadSignature,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        use rsa::traits::PublicKeyParts;
        match (self, other) {
            (PublicKey::Rsa(a), PublicKey::Rsa(b)) => a.n() == b.n() && a.e() == b.e(),
            (PublicKey::P256(a), PublicKey::P256(b)) => a.to_encoded_point(true) == b.to_encoded_point(true),
            (PublicKey::Ed25519(a), PublicKey::Ed25519(b)) => a.as_bytes() == b.as_bytes(),
            _ => false,
        }
    }
}

fn b64u(v: &Value, field: &str) -> Result<Vec<u8>, KeyError> {
    let s = v
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| KeyError::BadKey(format!("JWK without {field}")))?;
    B64URL
        .decode(s)
        .map_err(|_| KeyError::BadKey(format!("JWK {field} is not base64url")))
}

impl PublicKey {
    /// Reads a PEM public key (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        use rsa::pkcs1::DecodeRsaPublicKey;
        use rsa::pkcs8::DecodePublicKey;
        let pem = pem.trim();
        if let Ok(k) = rsa::RsaPublicKey::from_public_key_pem(pem) {
            return Ok(PublicKey::Rsa(k));
        }
        if let Ok(k) = rsa::RsaPublicKey::from_pkcs1_pem(pem) {
            return Ok(PublicKey::Rsa(k));
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::P256(k));
        }
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::Ed25519(k));
        }
        Err(KeyError::BadKey("unreadable PEM public key".into()))
    }

    /// Reads a public JWK (RSA, EC P-256 or OKP Ed25519).
    pub fn from_jwk(jwk: &Value) -> Result<Self, KeyError> {
        match jwk.get("kty").and_then(Value::as_str) {
            Some("RSA") => {
                let n = rsa::BigUint::from_bytes_be(&b64u(jwk, "n")?);
                let e = rsa::BigUint::from_bytes_be(&b64u(jwk, "e")?);
                rsa::RsaPublicKey::new(n, e)
                    .map(PublicKey::Rsa)
                    .map_err(|e| KeyError::BadKey(e.to_string()))
            }
            Some("EC") if jwk.get("crv").and_then(Value::as_str) == Some("P-256") => {
                let bad = |_| KeyError::BadKey("bad P-256 coordinates".into());
                let x: [u8; 32] = b64u(jwk, "x")?.try_into().map_err(bad)?;
                let y: [u8; 32] = b64u(jwk, "y")?.try_into().map_err(bad)?;
                let point = p256::EncodedPoint::from_affine_coordinates(
                    &p256::FieldBytes::from(x),
                    &p256::FieldBytes::from(y),
                    false,
                );
                p256::ecdsa::VerifyingKey::from_encoded_point(&point)
                    .map(PublicKey::P256)
                    .map_err(|_| KeyError::BadKey("P-256 point not on the curve".into()))
            }
            Some("OKP") if jwk.get("crv").and_then(Value::as_str) == Some("Ed25519") => {
                let x: [u8; 32] = b64u(jwk, "x")?
                    .try_into()
                    .map_err(|_| KeyError::BadKey("Ed25519 key is not 32 bytes".into()))?;
                ed25519_dalek::VerifyingKey::from_bytes(&x)
                    .map(PublicKey::Ed25519)
                    .map_err(|e| KeyError::BadKey(e.to_string()))
            }
            other => Err(KeyError::BadKey(format!("unsupported JWK type {other:?}"))),
        }
    }

    /// Reads a Multikey `publicKeyMultibase` (base58btc, multicodec ed25519-pub or
    /// p256-pub), which is also the method-specific id of a `did:key`.
    pub fn from_multibase(mb: &str) -> Result<Self, KeyError> {
        let (base, bytes) =
            multibase::decode(mb).map_err(|_| KeyError::BadKey("bad multibase key".into()))?;
        if base != multibase::Base::Base58Btc {
            return Err(KeyError::BadKey("multibase key is not base58btc".into()));
        }
        match bytes.as_slice() {
            [0xed, 0x01, rest @ ..] => {
                let k: [u8; 32] = rest
                    .try_into()
                    .map_err(|_| KeyError::BadKey("Ed25519 key is not 32 bytes".into()))?;
                ed25519_dalek::VerifyingKey::from_bytes(&k)
                    .map(PublicKey::Ed25519)
                    .map_err(|e| KeyError::BadKey(e.to_string()))
            }
            [0x80, 0x24, rest @ ..] => p256::ecdsa::VerifyingKey::from_sec1_bytes(rest)
                .map(PublicKey::P256)
                .map_err(|_| KeyError::BadKey("bad P-256 multikey".into())),
            _ => Err(KeyError::BadKey("unsupported multicodec key type".into())),
        }
    }

    /// Reads whichever key form a verification method or key document carries.
    pub fn from_document(doc: &Value) -> Result<Self, KeyError> {
        if let Some(mb) = doc.get("publicKeyMultibase").and_then(Value::as_str) {
            return Self::from_multibase(mb);
        }
        if let Some(jwk) = doc.get("publicKeyJwk") {
            return Self::from_jwk(jwk);
        }
        if let Some(pem) = doc.get("publicKeyPem").and_then(Value::as_str) {
            return Self::from_pem(pem);
        }
        Err(KeyError::BadKey("no public key in the document".into()))
    }

    /// Verifies a JOSE signature (`alg` RS256, ES256 or EdDSA) over `msg`.
    pub fn verify_jose(&self, alg: &str, msg: &[u8], sig: &[u8]) -> Result<(), KeyError> {
        match (alg, self) {
            ("RS256", PublicKey::Rsa(k)) => {
                use rsa::traits::PublicKeyParts;
                if k.size() >= 256 {
                    // ring's RSA is ~10x faster than the pure-Rust bignum (docs/PERFORMANCE.md:
                    // 0.4 ms per signed OB 2.0 badge).
                    let (n, e) = (k.n().to_bytes_be(), k.e().to_bytes_be());
                    ring::signature::RsaPublicKeyComponents { n: &n, e: &e }
                        .verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, msg, sig)
                        .map_err(|_| KeyError::BadSignature)
                } else {
                    // Legacy keys under 2048 bits (some Open Badges 1.x issuers).
                    use rsa::signature::Verifier;
                    let vk = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone());
                    let s = rsa::pkcs1v15::Signature::try_from(sig).map_err(|_| KeyError::BadSignature)?;
                    vk.verify(msg, &s).map_err(|_| KeyError::BadSignature)
                }
            }
            ("ES256", PublicKey::P256(k)) => {
                use p256::ecdsa::signature::Verifier;
                let s = p256::ecdsa::Signature::from_slice(sig).map_err(|_| KeyError::BadSignature)?;
                k.verify(msg, &s).map_err(|_| KeyError::BadSignature)
            }
            ("EdDSA" | "Ed25519", PublicKey::Ed25519(k)) => self.verify_ed25519_with(k, msg, sig),
            ("RS256" | "ES256" | "EdDSA" | "Ed25519", _) => {
                Err(KeyError::AlgMismatch { alg: alg.to_string() })
            }
            _ => Err(KeyError::UnsupportedAlg(alg.to_string())),
        }
    }

    /// Verifies a raw Ed25519 signature (Data Integrity `eddsa-*` suites).
    pub fn verify_ed25519(&self, msg: &[u8], sig: &[u8]) -> Result<(), KeyError> {
        match self {
            PublicKey::Ed25519(k) => self.verify_ed25519_with(k, msg, sig),
            _ => Err(KeyError::AlgMismatch {
                alg: "Ed25519".into(),
            }),
        }
    }

    fn verify_ed25519_with(
        &self,
        k: &ed25519_dalek::VerifyingKey,
        msg: &[u8],
        sig: &[u8],
    ) -> Result<(), KeyError> {
        let s = ed25519_dalek::Signature::from_slice(sig).map_err(|_| KeyError::BadSignature)?;
        k.verify_strict(msg, &s).map_err(|_| KeyError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_key_multibase_reads_ed25519_and_rejects_other_bases() {
        // did:key test vector from the did:key specification.
        let k = PublicKey::from_multibase("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp").unwrap();
        assert!(matches!(k, PublicKey::Ed25519(_)));
        assert!(PublicKey::from_multibase("f00").is_err());
        assert!(PublicKey::from_multibase("z1111").is_err());
    }

    #[test]
    fn jwk_errors_are_reported_not_panicked() {
        let bad = serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"});
        assert!(PublicKey::from_jwk(&bad).is_err());
        let bad = serde_json::json!({"kty": "oct", "k": "AA"});
        assert!(PublicKey::from_jwk(&bad).is_err());
        assert!(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    }
}
