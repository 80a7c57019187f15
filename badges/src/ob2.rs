//! Open Badges 2.0/2.1 verification (and 0.5/1.x once upgraded): hosted (the issuer's copy
//! is the only one that counts) or signed (JWS RS256 with a key bound to the issuer).

use serde_json::Value;

use crate::context::Ctx;
use crate::dates;
use crate::fetch::FetchKind;
use crate::json::{
    alignments_of, as_list, email_of, has_type, id_of, is_http_url, origin_of, same_origin, str_of, text_of,
};
use crate::jws::CompactJws;
use crate::keys::PublicKey;
use crate::limits::parse_json;
use crate::ob1;
use crate::recipient;
use crate::report::{BadgeInfo, CheckId, IssuerIdentity, IssuerInfo, Method, Report, Spec};
use crate::terms;

/// Verifies an unsigned assertion: it must be hosted by its issuer. `found_at` is the URL
/// the assertion was read from, if any (0.5 assertions have no id of their own).
pub(crate) async fn verify_json(ctx: &Ctx<'_>, r: &mut Report, v: Value, found_at: Option<&str>) {
    let v = terms::normalize(v);
    let Some(spec) = ob1::detect(&v) else {
        r.fail(CheckId::Structure, "not an Open Badges assertion");
        return;
    };
    r.spec = Some(spec);
    r.method = Some(Method::Hosted);
    let url = match spec {
        Spec::Ob05 => found_at.map(str::to_string),
        Spec::Ob1 => {
            if !v1_shape_holds(r, &v) {
                return;
            }
            let up = ob1::upgrade_v1(&v);
            if str_of(&up["verification"], "type") == Some("SignedBadge") {
                r.method = Some(Method::Signed);
                r.fail(
                    CheckId::Signature,
                    "a signed badge was given without its signature",
                );
                return;
            }
            up.get("id").and_then(Value::as_str).map(str::to_string)
        }
        _ => {
            let vtype = v
                .get("verification")
                .and_then(|x| str_of(x, "type"))
                .unwrap_or("hosted");
            if vtype.eq_ignore_ascii_case("signed") || vtype.eq_ignore_ascii_case("SignedBadge") {
                r.method = Some(Method::Signed);
                r.fail(
                    CheckId::Signature,
                    "a signed badge was given without its signature",
                );
                return;
            }
            v.get("id").and_then(Value::as_str).map(str::to_string)
        }
    };
    let Some(url) = url.filter(|u| is_http_url(u)) else {
        r.fail(
            CheckId::HostedFetch,
            "the assertion has no http(s) id to fetch it from",
        );
        return;
    };
    // Only the issuer's copy counts.
    let resp = match ctx.get(&url, FetchKind::Assertion).await {
        Ok(resp) => resp,
        Err(e) => {
            r.fail(CheckId::HostedFetch, format!("{url}: {e}"));
            return;
        }
    };
    if resp.status == 410 {
        r.pass(CheckId::HostedFetch);
        r.fail(CheckId::Revocation, format!("{url} answers HTTP 410 Gone"));
        return;
    }
    if !(200..300).contains(&resp.status) {
        r.fail(CheckId::HostedFetch, format!("{url}: HTTP {}", resp.status));
        return;
    }
    let fetched = match parse_json(&resp.body, ctx.limits()) {
        Ok(f) => terms::normalize(f),
        Err(e) => {
            r.fail(CheckId::HostedFetch, format!("{url}: {e}"));
            return;
        }
    };
    let assertion = match spec {
        Spec::Ob05 => ob1::upgrade_v05(&fetched, Some(&url)),
        Spec::Ob1 if !v1_shape_holds(r, &fetched) => return,
        Spec::Ob1 => ob1::upgrade_v1(&fetched),
        _ => fetched.clone(),
    };
    if spec != Spec::Ob05 && id_of(&assertion) != Some(url.as_str()) {
        r.fail(
            CheckId::HostedFetch,
            format!("the copy at {url} names itself {:?}", id_of(&assertion)),
        );
        return;
    }
    r.pass(CheckId::HostedFetch);
    if fetched.get("revoked").and_then(Value::as_bool) == Some(true) {
        r.fail(CheckId::Revocation, "the issuer's copy says \"revoked\": true");
        return;
    }
    verify_assertion(ctx, r, assertion, None).await;
}

/// Verifies a signed badge (compact JWS).
pub(crate) async fn verify_signed(ctx: &Ctx<'_>, r: &mut Report, jws: CompactJws, payload: Value) {
    let payload = terms::normalize(payload);
    let Some(spec) = ob1::detect(&payload) else {
        r.fail(
            CheckId::Structure,
            "the signed payload is not an Open Badges assertion",
        );
        return;
    };
    r.spec = Some(spec);
    r.method = Some(Method::Signed);
    let assertion = match spec {
        Spec::Ob1 if !v1_shape_holds(r, &payload) => return,
        Spec::Ob1 => ob1::upgrade_v1(&payload),
        Spec::Ob2 => payload,
        _ => {
            r.fail(CheckId::Structure, "Open Badges 0.5 has no signed form");
            return;
        }
    };
    if jws.alg() != Some("RS256") {
        r.fail(
            CheckId::Signature,
            format!("algorithm {:?} is not RS256", jws.alg()),
        );
        return;
    }
    verify_assertion(ctx, r, assertion, Some(jws)).await;
}

/// Fails the structure check when a 1.x assertion is not of its version's shape.
fn v1_shape_holds(r: &mut Report, v: &Value) -> bool {
    let errors = ob1::v1_shape_errors(v);
    if !errors.is_empty() {
        r.fail(
            CheckId::Structure,
            format!(
                "not an Open Badges 1.x assertion: missing or malformed {}",
                errors.join(", ")
            ),
        );
    }
    errors.is_empty()
}

/// A document of the badge's (issuer, BadgeClass), its terms normalised.
async fn get_json(ctx: &Ctx<'_>, url: &str) -> Result<Value, String> {
    ctx.get_json(url).await.map(terms::normalize)
}

/// Resolves a BadgeClass or Issuer given inline or by URL.
async fn resolve_node(ctx: &Ctx<'_>, v: &Value, kind: &str) -> Result<Value, String> {
    match v {
        Value::String(u) if is_http_url(u) => {
            let doc = get_json(ctx, u).await?;
            let doc = ob1::upgrade_node(doc, u, kind);
            if id_of(&doc) != Some(u.as_str()) {
                return Err(format!("the document at {u} names itself {:?}", id_of(&doc)));
            }
            Ok(doc)
        }
        Value::Object(_) => Ok(v.clone()),
        _ => Err(format!("no {kind}")),
    }
}

fn key_listed(issuer: &Value, key_id: &str) -> bool {
    as_list(issuer.get("publicKey"))
        .into_iter()
        .any(|k| id_of(k) == Some(key_id))
}

async fn verify_assertion(ctx: &Ctx<'_>, r: &mut Report, a: Value, jws: Option<CompactJws>) {
    // Structure.
    let mut missing: Vec<&str> = ["recipient", "badge", "verification", "issuedOn"]
        .into_iter()
        .filter(|k| a.get(*k).is_none_or(Value::is_null))
        .collect();
    if jws.is_none() && a.get("id").is_none() {
        missing.push("id");
    }
    if !has_type(&a, "Assertion") {
        missing.push("type Assertion");
    }
    if missing.is_empty() {
        r.pass(CheckId::Structure);
    } else {
        r.fail(CheckId::Structure, format!("missing {}", missing.join(", ")));
    }
    r.badge.id = id_of(&a).map(str::to_string);

    // BadgeClass, then its issuer.
    let badge = match resolve_node(ctx, a.get("badge").unwrap_or(&Value::Null), "BadgeClass").await {
        Ok(b) => b,
        Err(e) => {
            r.fail(CheckId::BadgeClass, e);
            return;
        }
    };
    let mut bmissing: Vec<&str> = ["name", "description", "issuer"]
        .into_iter()
        .filter(|k| badge.get(*k).is_none_or(Value::is_null))
        .collect();
    if r.spec == Some(Spec::Ob2) && !has_type(&badge, "BadgeClass") {
        bmissing.push("type BadgeClass");
    }
    if bmissing.is_empty() {
        r.pass(CheckId::BadgeClass);
    } else {
        r.fail(CheckId::BadgeClass, format!("missing {}", bmissing.join(", ")));
    }
    let issuer_ref = badge.get("issuer").cloned().unwrap_or(Value::Null);
    let mut issuer = match resolve_node(ctx, &issuer_ref, "Issuer").await {
        Ok(i) => i,
        Err(e) => {
            r.fail(CheckId::Issuer, e);
            return;
        }
    };
    // An embedded issuer says what it likes about itself: keys, policy and revocation list
    // come from the issuer's own document when it has an http(s) id.
    if issuer_ref.is_object() {
        if let Some(iid) = id_of(&issuer).filter(|i| is_http_url(i)).map(str::to_string) {
            if jws.is_some() || r.spec != Some(Spec::Ob05) {
                match get_json(ctx, &iid).await {
                    Ok(doc) => issuer = ob1::upgrade_node(doc, &iid, "Issuer"),
                    Err(e) if jws.is_some() => {
                        r.fail(CheckId::Issuer, e);
                        return;
                    }
                    Err(_) => {}
                }
            }
        }
    }
    let issuer_id = id_of(&issuer).map(str::to_string);
    let issuer_name = text_of(issuer.get("name"));
    match (&issuer_id, &issuer_name) {
        (Some(_), Some(_)) => r.pass(CheckId::Issuer),
        _ => r.fail(CheckId::Issuer, "the issuer has no id or no name"),
    };
    fill_info(r, &a, &badge, &issuer);
    let issuer_id = issuer_id.unwrap_or_default();

    match &jws {
        None => {
            // Hosted: the assertion must live where the issuer allows.
            let aid = id_of(&a).unwrap_or_default().to_string();
            let policy = issuer.get("verification");
            let starts: Vec<&str> = as_list(policy.and_then(|p| p.get("startsWith")))
                .into_iter()
                .filter_map(Value::as_str)
                .collect();
            let origins: Vec<&str> = as_list(policy.and_then(|p| p.get("allowedOrigins")))
                .into_iter()
                .filter_map(Value::as_str)
                .collect();
            let host = url::Url::parse(&aid).ok().and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                })
            });
            let has_policy = !starts.is_empty() || !origins.is_empty();
            let home = if is_http_url(&issuer_id) {
                issuer_id.clone()
            } else {
                str_of(&issuer, "url").unwrap_or_default().to_string()
            };
            let ok = if has_policy {
                starts.iter().any(|s| aid.starts_with(s))
                    || origins.iter().any(|o| Some(o.to_string()) == host)
            } else {
                same_origin(&aid, &home)
            };
            if ok {
                r.pass(CheckId::HostedOrigin);
            } else if has_policy {
                r.fail(
                    CheckId::HostedOrigin,
                    format!("{aid} is outside the issuer's verification policy"),
                );
            } else {
                r.fail(
                    CheckId::HostedOrigin,
                    format!(
                        "{aid} is not on the issuer's origin {}",
                        origin_of(&home).unwrap_or_default()
                    ),
                );
            }
            r.pass(CheckId::Revocation);
        }
        Some(jws) => {
            verify_signature(ctx, r, jws, &a, &issuer, &issuer_id).await;
            check_revocation_list(ctx, r, &a, &issuer).await;
        }
    }

    check_dates(ctx, r, &a);
    let legacy_salt = a.get("salt").and_then(Value::as_str);
    let stated = recipient::from_ob2(a.get("recipient").unwrap_or(&Value::Null), legacy_salt);
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
    if r.badge.criteria.is_some() || r.badge.criteria_narrative.is_some() {
        r.pass(CheckId::Criteria);
    } else {
        r.fail(CheckId::Criteria, "the BadgeClass has no criteria");
    }
    if r.badge.image.is_some() {
        r.pass(CheckId::Image);
    } else {
        r.fail(CheckId::Image, "the BadgeClass has no image");
    }
}

/// Fetches a key: a CryptographicKey document, or (1.x) the PEM itself.
async fn load_key(ctx: &Ctx<'_>, url: &str) -> Result<(PublicKey, Option<Value>), String> {
    let resp = match ctx.get(url, FetchKind::Json).await {
        Ok(resp) if (200..300).contains(&resp.status) => resp,
        Ok(resp) => return Err(format!("{url}: HTTP {}", resp.status)),
        Err(e) => return Err(format!("{url}: {e}")),
    };
    match parse_json(&resp.body, ctx.limits()).map(terms::normalize) {
        Ok(doc) => match str_of(&doc, "publicKeyPem") {
            Some(pem) => PublicKey::from_pem(pem)
                .map(|k| (k, Some(doc.clone())))
                .map_err(|e| format!("{url}: {e}")),
            None => Err(format!("{url}: no publicKeyPem")),
        },
        Err(_) => std::str::from_utf8(&resp.body)
            .map_err(|_| format!("{url}: not a key"))
            .and_then(|pem| PublicKey::from_pem(pem).map_err(|e| format!("{url}: {e}")))
            .map(|k| (k, None)),
    }
}

async fn verify_signature(
    ctx: &Ctx<'_>,
    r: &mut Report,
    jws: &CompactJws,
    a: &Value,
    issuer: &Value,
    issuer_id: &str,
) {
    // The key named by verification.creator; without it, the keys the issuer lists.
    let candidates: Vec<String> = match a
        .get("verification")
        .and_then(|v| v.get("creator"))
        .and_then(id_of)
    {
        Some(c) => vec![c.to_string()],
        None if is_http_url(issuer_id) => as_list(issuer.get("publicKey"))
            .into_iter()
            .filter_map(id_of)
            .map(str::to_string)
            .collect(),
        None => vec![],
    };
    if candidates.is_empty() {
        r.fail(
            CheckId::Signature,
            "no key: verification.creator is missing and the issuer lists none",
        );
        return;
    }
    let mut last_error = String::new();
    let mut verified = None;
    for creator in &candidates {
        match load_key(ctx, creator).await {
            Ok((key, doc)) => match jws.verify(&key) {
                Ok(()) => {
                    verified = Some((creator.clone(), doc));
                    break;
                }
                Err(e) => last_error = e.to_string(),
            },
            Err(e) => last_error = e,
        }
    }
    let Some((creator, key_doc)) = verified else {
        r.fail(CheckId::Signature, last_error);
        return;
    };
    r.pass(CheckId::Signature);
    // The key must be the issuer's: listed in the issuer's own profile, or owned by the
    // issuer and published on the issuer's origin.
    let key_id = key_doc
        .as_ref()
        .and_then(id_of)
        .unwrap_or(creator.as_str())
        .to_string();
    let owner = key_doc.as_ref().and_then(|d| str_of(d, "owner"));
    // The issuer's own document (fetched from its http(s) id) is what vouches for the key.
    let bound = is_http_url(issuer_id)
        && (key_listed(issuer, &key_id)
            || key_listed(issuer, &creator)
            || (owner == Some(issuer_id) && same_origin(&creator, issuer_id))
            || (key_doc.is_none() && same_origin(&creator, issuer_id))
            || (key_doc.is_none() && str_of(issuer, "url").is_some_and(|u| same_origin(&creator, u))));
    if bound {
        r.pass(CheckId::KeyIssuer);
    } else {
        r.fail(
            CheckId::KeyIssuer,
            format!("{key_id} is not listed by issuer {issuer_id}"),
        );
    }
}

async fn check_revocation_list(ctx: &Ctx<'_>, r: &mut Report, a: &Value, issuer: &Value) {
    let Some(list_url) = issuer.get("revocationList").and_then(id_of) else {
        r.pass(CheckId::Revocation);
        return;
    };
    let list = match ctx.get_status_list(list_url).await.map(terms::normalize) {
        Ok(l) => l,
        Err(e) => {
            r.fail(CheckId::Revocation, format!("revocation list unavailable: {e}"));
            return;
        }
    };
    let aid = id_of(a);
    let uid = a.get("uid").and_then(Value::as_str);
    // `revokedAssertions` in the spec's examples: the context's other name of `revoked`.
    let revoked = as_list(list.get("revoked"))
        .into_iter()
        .find(|e| {
            let eid = id_of(e);
            let euid = e.get("uid").and_then(Value::as_str);
            (eid.is_some() && (eid == aid || eid == uid)) || (euid.is_some() && euid == uid)
        })
        .map(|e| str_of(e, "revocationReason").unwrap_or("no reason given"))
        // 1.0 revocation lists map a uid to its reason.
        .or_else(|| {
            uid.and_then(|u| list.get(u))
                .map(|v| v.as_str().unwrap_or("no reason given"))
        });
    match revoked {
        Some(reason) => r.fail(CheckId::Revocation, format!("listed as revoked: {reason}")),
        None => r.pass(CheckId::Revocation),
    };
}

fn check_dates(ctx: &Ctx<'_>, r: &mut Report, a: &Value) {
    match a.get("issuedOn").and_then(dates::parse) {
        Some(d) if d <= ctx.now + chrono::Duration::seconds(dates::CLOCK_SKEW_SECONDS) => {
            r.pass(CheckId::IssuedOn)
        }
        Some(d) => r.fail(CheckId::IssuedOn, format!("issued on {d}, in the future")),
        None => r.fail(CheckId::IssuedOn, "issuedOn is missing or not a date"),
    };
    match a.get("expires") {
        None | Some(Value::Null) => r.pass(CheckId::Expiry),
        Some(v) => match dates::parse(v) {
            Some(d) if d > ctx.now => r.pass(CheckId::Expiry),
            Some(d) => r.fail(CheckId::Expiry, format!("expired on {d}")),
            None => r.fail(CheckId::Expiry, "expires is not a date"),
        },
    };
}

fn fill_info(r: &mut Report, a: &Value, badge: &Value, issuer: &Value) {
    let criteria = badge.get("criteria");
    let (criteria_url, narrative) = match criteria {
        Some(Value::String(s)) => (Some(s.clone()), None),
        Some(c @ Value::Object(_)) => (id_of(c).map(str::to_string), text_of(c.get("narrative"))),
        _ => (None, None),
    };
    let evidence = as_list(a.get("evidence"))
        .into_iter()
        .filter_map(|e| id_of(e).map(str::to_string))
        .collect();
    let tags = as_list(badge.get("tags"))
        .into_iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    r.badge = BadgeInfo {
        id: id_of(a).map(str::to_string),
        name: text_of(badge.get("name")),
        description: text_of(badge.get("description")),
        image: badge.get("image").and_then(id_of).map(str::to_string),
        criteria: criteria_url,
        criteria_narrative: narrative,
        issuer: IssuerInfo {
            id: id_of(issuer).map(str::to_string),
            name: text_of(issuer.get("name")),
            url: str_of(issuer, "url").map(str::to_string),
            email: email_of(issuer),
            // 0.5 issuers have no id: their origin, where the assertion is hosted.
            identity: IssuerIdentity::of(id_of(issuer).unwrap_or_default()),
        },
        issued_on: a.get("issuedOn").and_then(dates::parse).map(|d| d.to_rfc3339()),
        expires: a.get("expires").and_then(dates::parse).map(|d| d.to_rfc3339()),
        evidence,
        tags,
        alignments: alignments_of(badge.get("alignment")),
        endorsements: Vec::new(),
        refresh: None,
    };
}
