//! Credentials with an embedded `eddsa-rdfc-2022` Data Integrity proof.

use serde_json::Value;

use super::credential::verify_common;
use super::issuer_key::issuer_key;
use super::KeyFailure;
use crate::context::Ctx;
use crate::data_integrity;
use crate::json::{as_list, id_of};
use crate::report::{CheckId, Method, Report, Spec};

/// Most proofs verified on one document.
const MAX_PROOFS: usize = 4;

/// Verifies the `eddsa-rdfc-2022` proofs of `doc` issued by `issuer_id`.
pub(crate) async fn verify_proofs(ctx: &Ctx<'_>, doc: &Value, issuer_id: &str) -> Result<(), KeyFailure> {
    let proofs: Vec<&Value> = as_list(doc.get("proof"));
    if proofs.is_empty() {
        return Err((CheckId::Signature, "the credential has no proof".into()));
    }
    let supported: Vec<&Value> = proofs
        .into_iter()
        .filter(|p| data_integrity::is_supported(p))
        .collect();
    if supported.is_empty() {
        return Err((
            CheckId::Signature,
            "no DataIntegrityProof with cryptosuite eddsa-rdfc-2022".into(),
        ));
    }
    // Each proof costs two canonicalisations: a document cannot buy unbounded CPU.
    if supported.len() > MAX_PROOFS {
        return Err((CheckId::Signature, format!("more than {MAX_PROOFS} proofs")));
    }
    for p in supported {
        let vm = data_integrity::verification_method(p).ok_or((
            CheckId::Signature,
            "the proof names no verificationMethod".to_string(),
        ))?;
        let key = issuer_key(ctx, issuer_id, vm).await?;
        data_integrity::verify(doc, p, &key).map_err(|e| (CheckId::Signature, e.to_string()))?;
    }
    Ok(())
}

/// Verifies a credential with an embedded proof.
pub(crate) async fn verify_json(ctx: &Ctx<'_>, r: &mut Report, cred: Value) {
    r.spec = Some(Spec::Ob3);
    r.method = Some(Method::EddsaRdfc2022);
    let issuer_id = cred.get("issuer").and_then(id_of).unwrap_or_default().to_string();
    match verify_proofs(ctx, &cred, &issuer_id).await {
        Ok(()) => {
            r.pass(CheckId::Signature);
            r.pass(CheckId::KeyIssuer);
        }
        Err((CheckId::KeyIssuer, d)) => {
            r.pass(CheckId::Signature);
            r.fail(CheckId::KeyIssuer, d);
        }
        Err((id, d)) => {
            r.fail(id, d);
        }
    }
    verify_common(ctx, r, &cred, &issuer_id).await;
    r.badge.endorsements = crate::endorsements::collect(ctx, &cred).await;
}
