//! Open Badges 3.0 (`OpenBadgeCredential` / `AchievementCredential`): embedded
//! `eddsa-rdfc-2022` proofs and VC-JWT (RS256, ES256, EdDSA), issuer keys from `did:key`,
//! `did:web` and https profiles, validity dates and `credentialStatus`.

use std::io::Read as _;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::context::{without_fragment, Ctx};
use crate::data_integrity;
use crate::dates;
use crate::json::{
    alignments_of, as_list, contexts_of, email_of, has_type, id_of, is_http_url, same_origin, str_of, text_of,
};
use crate::jws::{CompactJws, B64URL};
use crate::keys::PublicKey;
use crate::limits::parse_json;
use crate::recipient;
use crate::report::{BadgeInfo, CheckId, IssuerIdentity, IssuerInfo, Method, Report, Spec};

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

/// Most proofs verified on one document.
const MAX_PROOFS: usize = 4;

/// A key failure: which check it fails and why.
pub(crate) type KeyFailure = (CheckId, String);

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
async fn issuer_key(ctx: &Ctx<'_>, issuer_id: &str, vm: &str) -> Result<PublicKey, KeyFailure> {
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
async fn published_keys(ctx: &Ctx<'_>, issuer_id: &str) -> Vec<PublicKey> {
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

async fn verify_common(ctx: &Ctx<'_>, r: &mut Report, cred: &Value, issuer_id: &str) {
    let subject = as_list(cred.get("credentialSubject"))
        .into_iter()
        .next()
        .cloned()
        .unwrap_or(Value::Null);
    let achievement = subject.get("achievement").cloned().unwrap_or(Value::Null);
    let mut missing = Vec::new();
    if !has_type(cred, "VerifiableCredential") {
        missing.push("type VerifiableCredential");
    }
    if !(has_type(cred, "OpenBadgeCredential") || has_type(cred, "AchievementCredential")) {
        missing.push("type OpenBadgeCredential");
    }
    if !subject.is_object() {
        missing.push("credentialSubject");
    }
    if !contexts_of(cred).iter().any(|c| c.contains("credentials")) {
        missing.push("@context");
    }
    if missing.is_empty() {
        r.pass(CheckId::Structure);
    } else {
        r.fail(CheckId::Structure, format!("missing {}", missing.join(", ")));
    }
    if achievement.is_object() && text_of(achievement.get("name")).is_some() {
        r.pass(CheckId::BadgeClass);
    } else {
        r.fail(
            CheckId::BadgeClass,
            "credentialSubject.achievement with a name is missing",
        );
    }
    let issuer = cred.get("issuer").cloned().unwrap_or(Value::Null);
    if issuer_id.is_empty() {
        r.fail(CheckId::Issuer, "the credential has no issuer id");
    } else {
        r.pass(CheckId::Issuer);
    }
    let valid_from = cred.get("validFrom").or(cred.get("issuanceDate"));
    let valid_until = cred.get("validUntil").or(cred.get("expirationDate"));
    match valid_from.and_then(dates::parse) {
        Some(d) if d <= ctx.now + chrono::Duration::seconds(dates::CLOCK_SKEW_SECONDS) => {
            r.pass(CheckId::IssuedOn)
        }
        Some(d) => r.fail(CheckId::IssuedOn, format!("valid from {d}, in the future")),
        None => r.fail(
            CheckId::IssuedOn,
            "validFrom/issuanceDate is missing or not a date",
        ),
    };
    if r.get(CheckId::Expiry).is_none() {
        match valid_until {
            None | Some(Value::Null) => r.pass(CheckId::Expiry),
            Some(v) => match dates::parse(v) {
                Some(d) if d > ctx.now => r.pass(CheckId::Expiry),
                Some(d) => r.fail(CheckId::Expiry, format!("valid until {d}")),
                None => r.fail(CheckId::Expiry, "validUntil is not a date"),
            },
        };
    }
    check_status(ctx, r, cred, issuer_id).await;
    crate::schema::check(r, cred);
    let stated = recipient::from_ob3(&subject);
    r.recipient.stated_email = recipient::plain_email(&stated);
    r.recipient.stated = stated.clone();
    if !ctx.opts.recipients.is_empty() {
        match recipient::find_match(&stated, &ctx.opts.recipients) {
            Some(m) => {
                r.recipient.matched = true;
                r.recipient.identity = Some(m);
                r.pass(CheckId::Recipient);
            }
            None => {
                r.fail(CheckId::Recipient, "no identity matched");
            }
        }
    }
    let criteria = achievement.get("criteria");
    let criteria_url = criteria.and_then(id_of).map(str::to_string);
    let narrative = criteria.and_then(|c| text_of(c.get("narrative")));
    let image = achievement
        .get("image")
        .and_then(id_of)
        .or(cred.get("image").and_then(id_of))
        .map(str::to_string);
    r.badge = BadgeInfo {
        id: id_of(cred).map(str::to_string),
        name: text_of(achievement.get("name")).or(text_of(cred.get("name"))),
        description: text_of(achievement.get("description")).or(text_of(cred.get("description"))),
        image,
        criteria: criteria_url,
        criteria_narrative: narrative,
        issuer: IssuerInfo {
            id: (!issuer_id.is_empty()).then(|| issuer_id.to_string()),
            name: text_of(issuer.get("name")),
            url: str_of(&issuer, "url").map(str::to_string),
            email: email_of(&issuer),
            identity: IssuerIdentity::of(issuer_id),
        },
        issued_on: valid_from.and_then(dates::parse).map(|d| d.to_rfc3339()),
        expires: valid_until.and_then(dates::parse).map(|d| d.to_rfc3339()),
        evidence: as_list(cred.get("evidence"))
            .into_iter()
            .filter_map(|e| id_of(e).map(str::to_string))
            .collect(),
        tags: as_list(achievement.get("tag"))
            .into_iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        alignments: alignments_of(achievement.get("alignment")),
        endorsements: Vec::new(),
        refresh: as_list(cred.get("refreshService"))
            .into_iter()
            .find(|service| str_of(service, "type") == Some("1EdTechCredentialRefresh"))
            .and_then(id_of)
            .filter(|url| is_http_url(url))
            .map(str::to_string),
    };
    if r.badge.criteria.is_some() || r.badge.criteria_narrative.is_some() {
        r.pass(CheckId::Criteria);
    } else {
        r.fail(CheckId::Criteria, "the achievement has no criteria");
    }
    // OB 3.0 makes an achievement's image optional (1EdTech's own sample has none): one
    // without is not refused, and no check claims a picture it does not have.
    if r.badge.image.is_some() {
        r.pass(CheckId::Image);
    }
}

/// Bit `index` of a gzip-compressed, base64url (optionally multibase `u`) bitstring.
fn status_bit(encoded: &str, index: usize, cap: usize) -> Result<bool, String> {
    let b64 = encoded.strip_prefix('u').unwrap_or(encoded);
    let gz = B64URL
        .decode(b64)
        .map_err(|_| "encodedList is not base64url".to_string())?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .take(cap as u64 + 1)
        .read_to_end(&mut bits)
        .map_err(|_| "encodedList is not gzip".to_string())?;
    if bits.len() > cap {
        return Err(format!("the status list inflates past {cap} bytes"));
    }
    let byte = bits
        .get(index / 8)
        .ok_or_else(|| format!("index {index} is outside the status list"))?;
    Ok(byte >> (7 - (index % 8)) & 1 == 1)
}

async fn check_status(ctx: &Ctx<'_>, r: &mut Report, cred: &Value, issuer_id: &str) {
    let entries = as_list(cred.get("credentialStatus"));
    let cred_id = id_of(cred);
    for entry in entries {
        let kind = str_of(entry, "type").unwrap_or_default();
        match kind {
            "1EdTechRevocationList" => {
                let Some(url) = id_of(entry) else {
                    r.fail(CheckId::Revocation, "credentialStatus has no id");
                    return;
                };
                let list = match ctx.get_json(url).await {
                    Ok(l) => l,
                    Err(e) => {
                        r.fail(CheckId::Revocation, format!("revocation list unavailable: {e}"));
                        return;
                    }
                };
                let revoked = as_list(list.get("revokedCredentials")).into_iter().find(|e| {
                    cred_id.is_some()
                        && id_of(e) == cred_id
                        && e.get("revoked").and_then(Value::as_bool) != Some(false)
                });
                if let Some(e) = revoked {
                    let reason = str_of(e, "revocationReason").unwrap_or("no reason given");
                    r.fail(CheckId::Revocation, format!("listed as revoked: {reason}"));
                    return;
                }
            }
            "BitstringStatusListEntry" | "StatusList2021Entry" => {
                let purpose = str_of(entry, "statusPurpose").unwrap_or("revocation");
                let index = match entry.get("statusListIndex") {
                    Some(Value::String(s)) => s.parse::<usize>().ok(),
                    Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
                    _ => None,
                };
                let (Some(index), Some(url)) = (index, str_of(entry, "statusListCredential")) else {
                    r.fail(CheckId::Revocation, "credentialStatus is incomplete");
                    return;
                };
                let list = match ctx.get_json(url).await {
                    Ok(l) => l,
                    Err(e) => {
                        r.fail(CheckId::Revocation, format!("status list unavailable: {e}"));
                        return;
                    }
                };
                // The list must be the issuer's own, signed by it.
                if list.get("issuer").and_then(id_of) != Some(issuer_id) {
                    r.fail(CheckId::Revocation, "the status list is not the issuer's");
                    return;
                }
                if let Err((_, d)) = verify_proofs(ctx, &list, issuer_id).await {
                    r.fail(CheckId::Revocation, format!("the status list is not signed: {d}"));
                    return;
                }
                let encoded = as_list(list.get("credentialSubject"))
                    .into_iter()
                    .find_map(|s| str_of(s, "encodedList"));
                let Some(encoded) = encoded else {
                    r.fail(CheckId::Revocation, "the status list has no encodedList");
                    return;
                };
                match status_bit(encoded, index, ctx.limits().max_inflated_text) {
                    Ok(false) => {}
                    Ok(true) if purpose == "revocation" || purpose == "suspension" => {
                        r.fail(
                            CheckId::Revocation,
                            format!("status list bit {index} is set ({purpose})"),
                        );
                        return;
                    }
                    Ok(true) => {}
                    Err(e) => {
                        r.fail(CheckId::Revocation, e);
                        return;
                    }
                }
            }
            other => {
                r.fail(
                    CheckId::Revocation,
                    format!("unsupported credentialStatus type {other:?}"),
                );
                return;
            }
        }
    }
    r.pass(CheckId::Revocation);
}

/// Parses a JWT payload as JSON under the caps.
pub(crate) fn jwt_payload(jws: &CompactJws, ctx: &Ctx<'_>) -> Option<Value> {
    parse_json(&jws.payload, ctx.limits()).ok()
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

    #[test]
    fn status_bits_are_read_left_to_right() {
        use std::io::Write as _;
        let mut bits = vec![0u8; 16];
        bits[1] = 0b0100_0000; // index 9
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&bits).unwrap();
        let enc = format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gz.finish().unwrap())
        );
        assert_eq!(status_bit(&enc, 9, 1024), Ok(true));
        assert_eq!(status_bit(&enc, 8, 1024), Ok(false));
        assert!(status_bit(&enc, 9, 8).is_err());
        assert!(status_bit(&enc, 1000, 1024).is_err());
    }
}
