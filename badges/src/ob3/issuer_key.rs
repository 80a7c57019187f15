//! Issuer keys: the key a verification method (or a JWT `kid`) names, resolved from
//! `did:key`, `did:web` or an https document, and bound to the credential's issuer.

use serde_json::Value;

use super::KeyFailure;
use crate::context::{without_fragment, Ctx};
use crate::json::{as_list, id_of, is_http_url, same_origin, str_of};
use crate::keys::PublicKey;
use crate::report::CheckId;

/// The https URL of a `did:web` DID document.
fn did_web_url(did: &str) -> Option<String> {
    let rest = did.strip_prefix("did:web:")?;
    let mut parts = rest.split(':');
    let host = parts.next()?.replace("%3A", ":").replace("%3a", ":");
    if host.is_empty() || host.contains('/') {
        return None;
    }
    let path: Vec<String> = parts.map(|p| p.replace("%2F", "/")).collect();
    Some(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
}

/// Absolute id of a verification method listed in `doc` (ids may be `#fragment`s).
fn absolute(doc_id: &str, id: &str) -> String {
    if id.starts_with('#') {
        format!("{doc_id}{id}")
    } else {
        id.to_string()
    }
}

/// Every verification method a controller document publishes, with whether it is listed
/// for `assertionMethod`.
fn methods_of(doc: &Value) -> Vec<(String, Value, bool)> {
    let doc_id = id_of(doc).unwrap_or_default();
    let asserting: Vec<String> = as_list(doc.get("assertionMethod"))
        .into_iter()
        .filter_map(|m| id_of(m).map(|i| absolute(doc_id, i)))
        .collect();
    let mut out = Vec::new();
    for key in ["verificationMethod", "assertionMethod", "publicKey"] {
        for m in as_list(doc.get(key)) {
            if let (Some(id), true) = (id_of(m), m.is_object()) {
                let id = absolute(doc_id, id);
                let listed = asserting.contains(&id) || key != "verificationMethod";
                out.push((id, m.clone(), listed));
            }
        }
    }
    out
}

/// Resolves `vm` to a key and checks it is controlled by `issuer_id`.
pub(super) async fn issuer_key(ctx: &Ctx<'_>, issuer_id: &str, vm: &str) -> Result<PublicKey, KeyFailure> {
    let vm = absolute(issuer_id, vm);
    let did = without_fragment(&vm).to_string();
    if let Some(mb) = did.strip_prefix("did:key:") {
        let key = PublicKey::from_multibase(mb).map_err(|e| (CheckId::Signature, e.to_string()))?;
        if did != issuer_id {
            return Err((CheckId::KeyIssuer, format!("{did} is not the issuer {issuer_id}")));
        }
        return Ok(key);
    }
    if did.starts_with("did:web:") {
        let url = did_web_url(&did).ok_or((CheckId::Signature, format!("bad did:web {did}")))?;
        let doc = ctx.get_json(&url).await.map_err(|e| (CheckId::Signature, e))?;
        if id_of(&doc) != Some(did.as_str()) {
            return Err((
                CheckId::Signature,
                format!("{url} is not the DID document of {did}"),
            ));
        }
        let (_, m, listed) = methods_of(&doc)
            .into_iter()
            .find(|(id, _, _)| *id == vm)
            .ok_or((CheckId::Signature, format!("{vm} is not in {did}")))?;
        let key = PublicKey::from_document(&m).map_err(|e| (CheckId::Signature, e.to_string()))?;
        if did != issuer_id || !listed {
            return Err((
                CheckId::KeyIssuer,
                format!("{vm} is not an assertion method of the issuer {issuer_id}"),
            ));
        }
        return Ok(key);
    }
    if is_http_url(&vm) {
        let doc = ctx.get_json(&vm).await.map_err(|e| (CheckId::Signature, e))?;
        // A `kid` may dereference to a JWK, or to a JWK Set holding it (OB 3.0 §VC-JWT):
        // such a key names no controller, so it counts only if the issuer publishes the
        // same key (compared by key material, what an RFC 7638 thumbprint compares).
        if let Some(jwk) = jwk_in(&doc, &vm) {
            let key = PublicKey::from_jwk(jwk).map_err(|e| (CheckId::Signature, e.to_string()))?;
            if !published_keys(ctx, issuer_id).await.contains(&key) {
                return Err((
                    CheckId::KeyIssuer,
                    format!("the key at {vm} is not published by the issuer {issuer_id}"),
                ));
            }
            return Ok(key);
        }
        // Either the key document itself, or a profile listing it.
        let entry = if id_of(&doc) == Some(vm.as_str()) {
            Some(doc.clone())
        } else {
            methods_of(&doc)
                .into_iter()
                .find(|(id, _, _)| *id == vm)
                .map(|(_, m, _)| m)
        };
        let entry = entry.ok_or((CheckId::Signature, format!("{vm} has no key")))?;
        let key = PublicKey::from_document(&entry).map_err(|e| (CheckId::Signature, e.to_string()))?;
        let controller = str_of(&entry, "controller").or(str_of(&entry, "owner"));
        let self_declared =
            (controller == Some(issuer_id) || id_of(&doc) == Some(issuer_id)) && same_origin(&vm, issuer_id);
        let listed_by_issuer = if self_declared || !is_http_url(issuer_id) {
            false
        } else {
            match ctx.get_json(issuer_id).await {
                Ok(profile) => methods_of(&profile)
                    .iter()
                    .any(|(id, _, listed)| *id == vm && *listed),
                Err(_) => false,
            }
        };
        if !(self_declared || listed_by_issuer) {
            return Err((
                CheckId::KeyIssuer,
                format!("{vm} is not published by the issuer {issuer_id}"),
            ));
        }
        return Ok(key);
    }
    Err((
        CheckId::Signature,
        format!("unsupported verification method {vm}"),
    ))
}

/// The JWK a fetched `kid` document is (a bare JWK), or holds (a JWK Set: the key whose
/// `kid` is the URL or its fragment, or its only key).
fn jwk_in<'a>(doc: &'a Value, kid: &str) -> Option<&'a Value> {
    if doc.get("kty").is_some() {
        return Some(doc);
    }
    let keys = doc.get("keys")?.as_array()?;
    let fragment = kid.split_once('#').map(|(_, f)| f);
    keys.iter()
        .find(|k| {
            let id = str_of(k, "kid");
            id == Some(kid) || (fragment.is_some() && id == fragment)
        })
        .or(if keys.len() == 1 { keys.first() } else { None })
}

/// The keys `issuer_id` publishes for assertions (to accept a key carried in a JWT
/// header only if the issuer publishes the same key).
pub(super) async fn published_keys(ctx: &Ctx<'_>, issuer_id: &str) -> Vec<PublicKey> {
    if let Some(mb) = issuer_id.strip_prefix("did:key:") {
        return PublicKey::from_multibase(mb).into_iter().collect();
    }
    let url = if issuer_id.starts_with("did:web:") {
        did_web_url(issuer_id)
    } else if is_http_url(issuer_id) {
        Some(issuer_id.to_string())
    } else {
        None
    };
    let Some(url) = url else { return vec![] };
    let Ok(doc) = ctx.get_json(&url).await else {
        return vec![];
    };
    methods_of(&doc)
        .into_iter()
        .filter(|(_, _, listed)| *listed)
        .filter_map(|(_, m, _)| PublicKey::from_document(&m).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_urls() {
        assert_eq!(
            did_web_url("did:web:example.com").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com%3A8443:issuers:1").unwrap(),
            "https://example.com:8443/issuers/1/did.json"
        );
        assert!(did_web_url("did:web:").is_none());
    }
}
