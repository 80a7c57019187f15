//! VC-JWT: a credential signed as a compact JWS (RS256, ES256, EdDSA).

use serde_json::{json, Value};

use super::credential::verify_common;
use super::issuer_key::{issuer_key, published_keys};
use super::KeyFailure;
use crate::context::Ctx;
use crate::dates;
use crate::json::{id_of, str_of};
use crate::jws::CompactJws;
use crate::keys::PublicKey;
use crate::limits::parse_json;
use crate::report::{CheckId, Method, Report, Spec};

/// The credential a VC-JWT carries (its `vc` claim, or the payload itself), with the JWT
/// claims (`iss`, `jti`, `nbf`, `exp`) filled in where the credential does not say.
pub(crate) fn jwt_credential(payload: &Value) -> Value {
    let mut cred = match payload.get("vc") {
        Some(vc @ Value::Object(_)) => vc.clone(),
        _ => payload.clone(),
    };
    let iss = str_of(payload, "iss").map(str::to_string);
    if let Some(o) = cred.as_object_mut() {
        if let Some(iss) = &iss {
            o.entry("issuer").or_insert_with(|| json!(iss));
        }
        if let Some(jti) = payload.get("jti") {
            o.entry("id").or_insert_with(|| jti.clone());
        }
        if let Some(nbf) = payload.get("nbf").and_then(dates::parse) {
            o.entry("issuanceDate").or_insert_with(|| json!(nbf.to_rfc3339()));
        }
        if let Some(exp) = payload.get("exp").and_then(dates::parse) {
            o.entry("expirationDate")
                .or_insert_with(|| json!(exp.to_rfc3339()));
        }
    }
    cred
}

/// The key that signed `jws` for `issuer_id`: named by `kid`, carried in the header (and
/// published by the issuer), or the issuer's own `did:key`; bound to the issuer.
pub(crate) async fn jwt_key(
    ctx: &Ctx<'_>,
    jws: &CompactJws,
    issuer_id: &str,
) -> Result<PublicKey, KeyFailure> {
    match (jws.kid(), jws.header.get("jwk")) {
        (Some(kid), _) => issuer_key(ctx, issuer_id, kid).await,
        (None, Some(jwk)) => match PublicKey::from_jwk(jwk) {
            Ok(k) => {
                if published_keys(ctx, issuer_id).await.contains(&k) {
                    Ok(k)
                } else {
                    // Still check the signature, so the report says which part failed.
                    match jws.verify(&k) {
                        Ok(()) => Err((
                            CheckId::KeyIssuer,
                            format!("the key in the JWT header is not published by {issuer_id}"),
                        )),
                        Err(e) => Err((CheckId::Signature, e.to_string())),
                    }
                }
            }
            Err(e) => Err((CheckId::Signature, e.to_string())),
        },
        (None, None) if issuer_id.starts_with("did:key:") => issuer_key(ctx, issuer_id, issuer_id).await,
        (None, None) => Err((CheckId::Signature, "the JWT names no key (kid)".to_string())),
    }
}

/// Verifies a VC-JWT (VCDM 1.1 `vc` claim, or a VCDM 2.0 credential as payload).
pub(crate) async fn verify_jwt(ctx: &Ctx<'_>, r: &mut Report, jws: CompactJws, payload: Value) {
    r.spec = Some(Spec::Ob3);
    r.method = Some(Method::VcJwt);
    let cred = jwt_credential(&payload);
    let iss = str_of(&payload, "iss").map(str::to_string);
    let issuer_id = cred.get("issuer").and_then(id_of).unwrap_or_default().to_string();
    let mut claims_ok = true;
    if iss.as_deref().is_some_and(|i| i != issuer_id) {
        r.fail(CheckId::Structure, "the JWT iss is not the credential's issuer");
        claims_ok = false;
    }
    let alg = jws.alg().unwrap_or("none");
    if !matches!(alg, "RS256" | "ES256" | "EdDSA") {
        r.fail(CheckId::Signature, format!("unsupported JWT algorithm {alg}"));
    } else {
        let key = jwt_key(ctx, &jws, &issuer_id).await;
        match key {
            Ok(k) => {
                match jws.verify(&k) {
                    Ok(()) => r.pass(CheckId::Signature),
                    Err(e) => r.fail(CheckId::Signature, e.to_string()),
                };
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
    }
    if let Some(exp) = payload.get("exp").and_then(dates::parse) {
        if exp <= ctx.now {
            r.fail(CheckId::Expiry, format!("the JWT expired on {exp}"));
        }
    }
    verify_common(ctx, r, &cred, &issuer_id).await;
    r.badge.endorsements = crate::endorsements::collect(ctx, &cred).await;
    if !claims_ok {
        r.fail(CheckId::Structure, "the JWT iss is not the credential's issuer");
    }
}

/// Parses a JWT payload as JSON under the caps.
pub(crate) fn jwt_payload(jws: &CompactJws, ctx: &Ctx<'_>) -> Option<Value> {
    parse_json(&jws.payload, ctx.limits()).ok()
}
