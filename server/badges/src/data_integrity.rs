//! W3C Data Integrity `DataIntegrityProof` with the `eddsa-rdfc-2022` cryptosuite:
//! RDFC-1.0 canonical forms of the proof options and of the document, hashed with SHA-256,
//! signed with Ed25519.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::jsonld::canonical_nquads;
use crate::keys::PublicKey;

/// Why a proof does not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("the proof is not a DataIntegrityProof with cryptosuite eddsa-rdfc-2022")]
    Unsupported,
    #[error("the proof has no {0}")]
    Missing(&'static str),
    #[error("the proof purpose is {0:?}, not assertionMethod")]
    Purpose(String),
    #[error("proofValue is not base58btc multibase")]
    BadProofValue,
    #[error(transparent)]
    JsonLd(#[from] crate::jsonld::JsonLdError),
    #[error("the signature does not match the document")]
    BadSignature,
}

/// Whether `proof` is one this module verifies.
pub fn is_supported(proof: &Value) -> bool {
    proof.get("type").and_then(Value::as_str) == Some("DataIntegrityProof")
        && proof.get("cryptosuite").and_then(Value::as_str) == Some("eddsa-rdfc-2022")
}

/// The verification method the proof names.
pub fn verification_method(proof: &Value) -> Option<&str> {
    proof.get("verificationMethod").and_then(crate::json::id_of)
}

/// The bytes Ed25519 signs: SHA-256(canonical proof options) ‖ SHA-256(canonical document).
pub fn hash_data(document: &Value, proof: &Value) -> Result<Vec<u8>, ProofError> {
    if !is_supported(proof) {
        return Err(ProofError::Unsupported);
    }
    let mut unsecured = document.clone();
    if let Some(o) = unsecured.as_object_mut() {
        o.remove("proof");
    }
    let mut options = proof.clone();
    if let Some(o) = options.as_object_mut() {
        o.remove("proofValue");
        if let Some(ctx) = document.get("@context") {
            o.insert("@context".into(), ctx.clone());
        }
    }
    let proof_hash = Sha256::digest(canonical_nquads(&options)?.as_bytes());
    let doc_hash = Sha256::digest(canonical_nquads(&unsecured)?.as_bytes());
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&proof_hash);
    out.extend_from_slice(&doc_hash);
    Ok(out)
}

/// Verifies one `eddsa-rdfc-2022` proof of `document` with `key`.
pub fn verify(document: &Value, proof: &Value, key: &PublicKey) -> Result<(), ProofError> {
    if !is_supported(proof) {
        return Err(ProofError::Unsupported);
    }
    match proof.get("proofPurpose").and_then(Value::as_str) {
        Some("assertionMethod") => {}
        Some(p) => return Err(ProofError::Purpose(p.to_string())),
        None => return Err(ProofError::Missing("proofPurpose")),
    }
    let value = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or(ProofError::Missing("proofValue"))?;
    let (base, sig) = multibase::decode(value).map_err(|_| ProofError::BadProofValue)?;
    if base != multibase::Base::Base58Btc {
        return Err(ProofError::BadProofValue);
    }
    let data = hash_data(document, proof)?;
    key.verify_ed25519(&data, &sig)
        .map_err(|_| ProofError::BadSignature)
}
