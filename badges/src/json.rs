//! Small helpers to read loosely typed JSON-LD.

use serde_json::Value;

/// The id of a node given as a string or as an object with `id` (or `@id`).
pub(crate) fn id_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").or_else(|| o.get("@id")).and_then(Value::as_str),
        _ => None,
    }
}

pub(crate) fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// `type` (or `@type`) as a list.
pub(crate) fn types_of(v: &Value) -> Vec<&str> {
    match v.get("type").or_else(|| v.get("@type")) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

pub(crate) fn has_type(v: &Value, t: &str) -> bool {
    types_of(v)
        .iter()
        .any(|x| *x == t || x.rsplit(['/', '#', ':']).next() == Some(t))
}

/// A value or an array of values, as a list.
pub(crate) fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => vec![],
        Some(v) => vec![v],
    }
}

/// `@context` as a list of URLs (inline contexts are skipped).
pub(crate) fn contexts_of(v: &Value) -> Vec<&str> {
    as_list(v.get("@context"))
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

/// `scheme://host:port` of an http(s) URL.
pub(crate) fn origin_of(u: &str) -> Option<String> {
    let u = url::Url::parse(u).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    Some(u.origin().ascii_serialization())
}

pub(crate) fn same_origin(a: &str, b: &str) -> bool {
    matches!((origin_of(a), origin_of(b)), (Some(x), Some(y)) if x == y)
}

pub(crate) fn is_http_url(s: &str) -> bool {
    origin_of(s).is_some()
}

/// Text of a possibly language-mapped value (`"name": {"en": "…"}` or a list).
pub(crate) fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o
            .get("@value")
            .or_else(|| o.values().next())
            .and_then(Value::as_str)
            .map(str::to_string),
        Value::Array(a) => a.first().and_then(|x| text_of(Some(x))),
        _ => None,
    }
}

/// `alignment` of a BadgeClass (2.0) or an Achievement (3.0): both use the same keys.
pub(crate) fn alignments_of(v: Option<&Value>) -> Vec<crate::report::Alignment> {
    let text = |a: &Value, key: &str| text_of(a.get(key)).filter(|s| !s.trim().is_empty());
    as_list(v)
        .into_iter()
        .filter(|a| a.is_object())
        .map(|a| crate::report::Alignment {
            name: text(a, "targetName"),
            url: str_of(a, "targetUrl").map(str::to_string),
            description: text(a, "targetDescription"),
            framework: text(a, "targetFramework"),
            code: text(a, "targetCode"),
        })
        .filter(|a| a.name.is_some() || a.url.is_some())
        .collect()
}

/// The issuer's contact address, without a `mailto:` prefix.
pub(crate) fn email_of(issuer: &Value) -> Option<String> {
    let email = str_of(issuer, "email")?.trim();
    let email = email.strip_prefix("mailto:").unwrap_or(email);
    email.contains('@').then(|| email.to_string())
}
