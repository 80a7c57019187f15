//! Legacy Open Badges 0.5, 1.0 and 1.1, upgraded to the 2.0 shape before verification.

use serde_json::{json, Map, Value};

use crate::json::{contexts_of, str_of};
use crate::report::Spec;

/// Which version an Open Badges 0.5–2.x assertion follows.
pub(crate) fn detect(v: &Value) -> Option<Spec> {
    let ctx = contexts_of(v);
    if ctx
        .iter()
        .any(|c| c.contains("w3id.org/openbadges/v2") || c.contains("openbadgespec.org/v2"))
    {
        return Some(Spec::Ob2);
    }
    if ctx.iter().any(|c| c.contains("w3id.org/openbadges/v1")) || v.get("verify").is_some() {
        return Some(Spec::Ob1);
    }
    if v.get("verification").is_some() {
        return Some(Spec::Ob2);
    }
    let badge = v.get("badge")?;
    if badge.is_object() && badge.get("issuer").and_then(|i| i.get("origin")).is_some() {
        return Some(Spec::Ob05);
    }
    None
}

/// What a 1.0/1.1 assertion lacks of its own version's shape, checked before it is
/// upgraded: the 1.0 specification requires `uid`, `recipient` as an IdentityObject
/// (`identity`, `type`, `hashed`: a bare address is the 0.5 form), `badge` (its URL),
/// `verify` with `type` and `url`, and `issuedOn`.
pub(crate) fn v1_shape_errors(v: &Value) -> Vec<&'static str> {
    let mut errors = Vec::new();
    if !v.get("uid").is_some_and(|u| u.is_string() || u.is_number()) {
        errors.push("uid");
    }
    let recipient = v.get("recipient").unwrap_or(&Value::Null);
    if !(recipient.get("identity").is_some_and(Value::is_string)
        && recipient.get("type").is_some_and(Value::is_string)
        && recipient.get("hashed").is_some_and(Value::is_boolean))
    {
        errors.push("recipient (an object with identity, type and hashed)");
    }
    if !v.get("badge").is_some_and(|b| b.is_string() || b.is_object()) {
        errors.push("badge");
    }
    let verify = v
        .get("verification")
        .or_else(|| v.get("verify"))
        .unwrap_or(&Value::Null);
    if !(verify.get("type").is_some_and(Value::is_string) && verify.get("url").is_some_and(Value::is_string))
    {
        errors.push("verify (type and url)");
    }
    if v.get("issuedOn").is_none_or(Value::is_null) {
        errors.push("issuedOn");
    }
    errors
}

fn resolve(base: &str, rel: Option<&Value>) -> Option<Value> {
    let s = rel?.as_str()?;
    match url::Url::parse(base).and_then(|b| b.join(s)) {
        Ok(u) => Some(Value::String(u.to_string())),
        Err(_) => Some(Value::String(s.to_string())),
    }
}

/// Upgrades a 1.0/1.1 assertion to the 2.0 shape.
pub(crate) fn upgrade_v1(v: &Value) -> Value {
    let mut out = Map::new();
    // 1.1 documents come here with their terms normalised (`verify` is `verification`,
    // `hosted` is `HostedBadge`); 1.0 ones, without a context, as they were written.
    let verify = v
        .get("verification")
        .or_else(|| v.get("verify"))
        .cloned()
        .unwrap_or(Value::Null);
    let signed =
        str_of(&verify, "type").is_some_and(|t| t.eq_ignore_ascii_case("signed") || t == "SignedBadge");
    let vurl = str_of(&verify, "url").map(str::to_string);
    let id = match v.get("id").and_then(Value::as_str) {
        Some(id) if id.starts_with("http") => Some(id.to_string()),
        _ if !signed => vurl.clone(),
        _ => None,
    };
    out.insert("@context".into(), json!("https://w3id.org/openbadges/v2"));
    out.insert("type".into(), json!("Assertion"));
    if let Some(id) = id {
        out.insert("id".into(), json!(id));
    }
    if let Some(uid) = v.get("uid") {
        out.insert("uid".into(), uid.clone());
    }
    let recipient = match v.get("recipient") {
        Some(Value::String(s)) => json!({
            "type": "email",
            "hashed": s.contains('$'),
            "salt": v.get("salt").cloned().unwrap_or(Value::Null),
            "identity": s,
        }),
        Some(r) => r.clone(),
        None => Value::Null,
    };
    out.insert("recipient".into(), recipient);
    if let Some(b) = v.get("badge") {
        out.insert("badge".into(), b.clone());
    }
    let verification = if signed {
        json!({"type": "SignedBadge", "creator": vurl})
    } else {
        json!({"type": "HostedBadge"})
    };
    out.insert("verification".into(), verification);
    for k in ["issuedOn", "expires", "evidence", "image", "narrative"] {
        if let Some(x) = v.get(k) {
            out.insert(k.into(), x.clone());
        }
    }
    Value::Object(out)
}

/// Upgrades a 1.0 BadgeClass or Issuer document fetched from `url` (they had no `id`).
pub(crate) fn upgrade_node(mut v: Value, url: &str, kind: &str) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.entry("id").or_insert_with(|| json!(url));
        o.entry("type").or_insert_with(|| json!(kind));
    }
    v
}

/// Upgrades a 0.5 assertion found at `url` (0.5 assertions carry no id of their own).
pub(crate) fn upgrade_v05(v: &Value, url: Option<&str>) -> Value {
    let badge = v.get("badge").cloned().unwrap_or(Value::Null);
    let issuer = badge.get("issuer").cloned().unwrap_or(Value::Null);
    let origin = str_of(&issuer, "origin").unwrap_or("").to_string();
    let issuer2 = json!({
        "id": origin,
        "type": "Issuer",
        "name": issuer.get("name").cloned().unwrap_or(Value::Null),
        "url": origin,
        "email": issuer.get("contact").cloned().unwrap_or(Value::Null),
        "description": issuer.get("org").cloned().unwrap_or(Value::Null),
    });
    let badge2 = json!({
        "type": "BadgeClass",
        "name": badge.get("name").cloned().unwrap_or(Value::Null),
        "description": badge.get("description").cloned().unwrap_or(Value::Null),
        "image": resolve(&origin, badge.get("image")).unwrap_or(Value::Null),
        "criteria": resolve(&origin, badge.get("criteria")).unwrap_or(Value::Null),
        "issuer": issuer2,
    });
    let recipient = v.get("recipient").and_then(Value::as_str).unwrap_or("");
    json!({
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": url,
        "recipient": {
            "type": "email",
            "hashed": recipient.contains('$'),
            "salt": v.get("salt").cloned().unwrap_or(Value::Null),
            "identity": recipient,
        },
        "badge": badge2,
        "verification": {"type": "HostedBadge"},
        "issuedOn": v.get("issued_on").cloned().unwrap_or(Value::Null),
        "expires": v.get("expires").cloned().unwrap_or(Value::Null),
        "evidence": v.get("evidence").cloned().unwrap_or(Value::Null),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_version() {
        assert_eq!(
            detect(&json!({"@context": "https://w3id.org/openbadges/v2"})),
            Some(Spec::Ob2)
        );
        assert_eq!(
            detect(&json!({"@context": "https://w3id.org/openbadges/v1"})),
            Some(Spec::Ob1)
        );
        assert_eq!(
            detect(&json!({"uid": "1", "verify": {"type": "hosted"}})),
            Some(Spec::Ob1)
        );
        assert_eq!(
            detect(&json!({"recipient": "a@b.c", "badge": {"issuer": {"origin": "https://x"}}})),
            Some(Spec::Ob05)
        );
        assert_eq!(detect(&json!({"hello": 1})), None);
    }

    #[test]
    fn v05_upgrade_resolves_relative_urls_against_the_origin() {
        let v = json!({"recipient": "a@b.c", "badge": {"name": "N", "image": "/i.png", "criteria": "/c",
                       "issuer": {"origin": "https://issuer.example", "name": "I"}}, "issued_on": "2012-01-01"});
        let u = upgrade_v05(&v, Some("https://issuer.example/a.json"));
        assert_eq!(u["badge"]["image"], "https://issuer.example/i.png");
        assert_eq!(u["badge"]["issuer"]["id"], "https://issuer.example");
        assert_eq!(u["id"], "https://issuer.example/a.json");
    }
}
