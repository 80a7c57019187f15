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

/// Terms of proof options that the VCDM 2.0 context defines as protected.
const V2_PROOF_TERMS: &[&str] = &[
    "id",
    "type",
    "cryptosuite",
    "created",
    "expires",
    "verificationMethod",
    "proofPurpose",
    "domain",
    "challenge",
    "nonce",
    "previousProof",
];

/// The context for the proof options: the document's. When the document's first context is
/// VCDM 2.0 and the options use only the terms it defines as `@protected`, later contexts
/// cannot change what those terms mean (JSON-LD forbids redefining protected terms), so
/// the VCDM 2.0 context alone gives the same RDF, at half the processing cost.
fn proof_options_context(document: &Value, options: &serde_json::Map<String, Value>) -> Option<Value> {
    let ctx = document.get("@context")?;
    let first = match ctx {
        Value::Array(a) => a.first(),
        v => Some(v),
    };
    let v2 = "https://www.w3.org/ns/credentials/v2";
    if first.and_then(Value::as_str) == Some(v2)
        && options.keys().all(|k| V2_PROOF_TERMS.contains(&k.as_str()))
    {
        Some(Value::String(v2.into()))
    } else {
        Some(ctx.clone())
    }
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
        if let Some(ctx) = proof_options_context(document, o) {
            o.insert("@context".into(), ctx);
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
