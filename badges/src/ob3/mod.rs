//! Open Badges 3.0 (`OpenBadgeCredential` / `AchievementCredential`): embedded
//! `eddsa-rdfc-2022` proofs and VC-JWT (RS256, ES256, EdDSA), issuer keys from `did:key`,
//! `did:web` and https profiles, validity dates and `credentialStatus`.
//!
//! [`proof`] verifies embedded proofs and [`jwt`] VC-JWTs; both resolve keys with
//! [`issuer_key`], then check what the credential says with [`credential`] (its
//! `credentialStatus` by [`status`]).

use serde_json::Value;

use crate::json::{contexts_of, has_type};
use crate::report::CheckId;

mod credential;
mod issuer_key;
mod jwt;
mod proof;
mod status;

pub(crate) use jwt::{jwt_credential, jwt_key, jwt_payload, verify_jwt};
pub(crate) use proof::{verify_json, verify_proofs};

/// Whether a JSON document (or JWT payload) is a Verifiable Credential.
pub(crate) fn is_credential(v: &Value) -> bool {
    has_type(v, "VerifiableCredential")
        || has_type(v, "OpenBadgeCredential")
        || has_type(v, "AchievementCredential")
        || v.get("vc").is_some_and(Value::is_object)
        || contexts_of(v)
            .iter()
            .any(|c| c.contains("www.w3.org/ns/credentials") || c.contains("www.w3.org/2018/credentials"))
}

/// A key failure: which check it fails and why.
pub(crate) type KeyFailure = (CheckId, String);
