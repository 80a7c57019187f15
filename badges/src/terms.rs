//! Open Badges 1.1 and 2.0 documents read by meaning, not by spelling. A JSON-LD term is
//! whatever its context says it is: Moodle writes `verify`, which the 2.0 context defines
//! as another name of `verification`; others write compact IRIs (`obi:verify`), full IRIs,
//! `@id` for `id`, `hosted` for `HostedBadge`, or add terms of their own in an inline
//! context. `normalize` rewrites every key, and every `type` value, to the one 2.0 term
//! the checks read, using the bundled contexts (`jsonld::CONTEXTS`) and nothing fetched.
//! Documents without an Open Badges 1.1/2.0 context (1.0, 0.5) are left as they are.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::jsonld::CONTEXTS;

/// The contexts that define the Open Badges terms, by every URL documents use for them.
const V2_URLS: &[&str] = &[
    "https://w3id.org/openbadges/v2",
    "http://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
];
const V1_URLS: &[&str] = &["https://w3id.org/openbadges/v1", "http://w3id.org/openbadges/v1"];

/// Where one IRI has several terms in the 2.0 context, the one the checks read.
const PREFERRED: &[&str] = &["verification", "revoked", "HostedBadge", "SignedBadge"];

/// Term definitions: term → IRI (or keyword), as a context defines them; and, for the
/// bundled contexts alone, each term's 2.0 name worked out once (a document's own inline
/// context clears it: its keys go the long way).
#[derive(Clone, Default)]
struct Terms(HashMap<String, String>, HashMap<String, String>);

impl Terms {
    /// Adds the definitions of a context value (a URL of a bundled context, an inline
    /// object, or an array of both), later ones over earlier ones. Other URLs add nothing.
    fn add(&mut self, context: &Value) {
        match context {
            Value::String(url) => {
                let url = url.trim_end_matches('/');
                if let Some((_, text)) = CONTEXTS.iter().find(|(u, _)| *u == url) {
                    if let Ok(doc) = serde_json::from_str::<Value>(text) {
                        if let Some(inner) = doc.get("@context") {
                            self.add(inner);
                        }
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.add(item)),
            Value::Object(defs) => {
                self.1.clear();
                let raw: Vec<(String, String)> = defs
                    .iter()
                    .filter(|(term, _)| !term.starts_with('@'))
                    .filter_map(|(term, def)| {
                        let id = match def {
                            Value::String(id) => Some(id.as_str()),
                            Value::Object(o) => o.get("@id").and_then(Value::as_str),
                            _ => None,
                        };
                        id.map(|id| (term.clone(), id.to_owned()))
                    })
                    .collect();
                self.0.extend(raw.iter().cloned());
                // Expanded once all are known: a definition may use a prefix defined after it.
                for (term, _) in raw {
                    if let Some(iri) = self.expand(&term) {
                        self.0.insert(term, iri);
                    }
                }
            }
            _ => {}
        }
    }

    /// The IRI (or keyword) a key or a type value stands for, if the context says.
    fn expand(&self, name: &str) -> Option<String> {
        let mut name = name.to_owned();
        for _ in 0..8 {
            if name.starts_with('@') {
                return Some(name);
            }
            if let Some(def) = self.0.get(&name) {
                if *def == name {
                    return Some(name);
                }
                name = def.clone();
                continue;
            }
            let (prefix, suffix) = name.split_once(':')?;
            if suffix.starts_with("//") || !self.0.contains_key(prefix) {
                // An absolute IRI (https://…, urn:…) stands for itself.
                return Some(name);
            }
            name = format!("{}{suffix}", self.0[prefix]);
        }
        None
    }
}

/// The 2.0 context's terms, and its one term for each IRI (`PREFERRED` where it has two).
struct Vocabulary {
    v2: Terms,
    v1: Terms,
    term_of: HashMap<String, String>,
    /// Every 2.0 name of `term_of`.
    terms: std::collections::HashSet<String>,
}

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    let mut v2 = Terms::default();
    v2.add(&Value::String(V2_URLS[0].into()));
    let mut v1 = Terms::default();
    v1.add(&Value::String(V1_URLS[0].into()));
    let mut term_of: HashMap<String, String> = HashMap::new();
    for terms in [&v1, &v2] {
        for term in terms.0.keys() {
            let Some(iri) = terms.expand(term) else { continue };
            let keep = match term_of.get(&iri) {
                None => true,
                Some(current) => {
                    PREFERRED.contains(&term.as_str())
                        || (!PREFERRED.contains(&current.as_str()) && v2.0.contains_key(term))
                }
            };
            if keep {
                term_of.insert(iri, term.clone());
            }
        }
    }
    // Keywords keep their plain 2.0 names.
    term_of.insert("@id".into(), "id".into());
    term_of.insert("@type".into(), "type".into());
    let terms: std::collections::HashSet<String> = term_of.values().cloned().collect();
    let mut vocabulary = Vocabulary {
        v2,
        v1,
        term_of,
        terms,
    };
    let names_of = |base: &Terms, vocabulary: &Vocabulary| -> HashMap<String, String> {
        base.0
            .keys()
            .map(|term| (term.clone(), canonical(term, base, vocabulary).into_owned()))
            .collect()
    };
    let v2_names = names_of(&vocabulary.v2, &vocabulary);
    let v1_names = names_of(&vocabulary.v1, &vocabulary);
    vocabulary.v2.1 = v2_names;
    vocabulary.v1.1 = v1_names;
    vocabulary
});

/// The 2.0 name of `key` under `terms` (borrowed when it is `key` itself or known).
fn canonical<'a>(key: &'a str, terms: &'a Terms, vocabulary: &'a Vocabulary) -> Cow<'a, str> {
    if key == "@context" {
        return Cow::Borrowed(key);
    }
    if let Some(name) = terms.1.get(key) {
        return Cow::Borrowed(name);
    }
    match terms.expand(key) {
        Some(iri) => match vocabulary.term_of.get(&iri) {
            Some(term) => Cow::Borrowed(term),
            // A term of the checks' vocabulary redefined to mean something else must not
            // be read as that term: it goes by its IRI.
            None if vocabulary.terms.contains(key) => Cow::Owned(iri),
            None => Cow::Borrowed(key),
        },
        None => Cow::Borrowed(key),
    }
}

fn mentions(context: &Value, urls: &[&str]) -> bool {
    match context {
        Value::String(url) => urls.contains(&url.trim_end_matches('/')),
        Value::Array(items) => items.iter().any(|item| mentions(item, urls)),
        _ => false,
    }
}

/// `doc` with every key and `type` value spelled as the 2.0 context's own term for it,
/// when its `@context` is Open Badges 1.1 or 2.0; otherwise `doc` unchanged.
pub(crate) fn normalize(doc: Value) -> Value {
    let Some(context) = doc.get("@context") else {
        return doc;
    };
    let vocabulary = &*VOCABULARY;
    let base = if mentions(context, V2_URLS) {
        &vocabulary.v2
    } else if mentions(context, V1_URLS) {
        &vocabulary.v1
    } else {
        return doc;
    };
    // Most documents already use the 2.0 terms: then nothing is rebuilt.
    if !needs_rewrite(&doc, base, vocabulary) {
        return doc;
    }
    rewrite(doc, base, vocabulary)
}

/// Whether any key or `type` value below `value` is not spelled as its 2.0 term (an inline
/// context anywhere counts as a change, to be read the long way).
fn needs_rewrite(value: &Value, terms: &Terms, vocabulary: &Vocabulary) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|item| needs_rewrite(item, terms, vocabulary)),
        Value::Object(node) => node.iter().any(|(key, value)| match key.as_str() {
            "@context" => !value.is_string(),
            "type" => as_names(value).any(|name| {
                terms
                    .expand(name)
                    .and_then(|iri| vocabulary.term_of.get(&iri))
                    .is_some_and(|term| term != name)
            }),
            _ => canonical(key, terms, vocabulary) != key.as_str() || needs_rewrite(value, terms, vocabulary),
        }),
        _ => false,
    }
}

fn as_names(value: &Value) -> impl Iterator<Item = &str> {
    let items: Vec<&str> = match value {
        Value::String(name) => vec![name.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    items.into_iter()
}

fn rewrite(value: Value, terms: &Terms, vocabulary: &Vocabulary) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| rewrite(item, terms, vocabulary))
                .collect(),
        ),
        Value::Object(node) => Value::Object(rewrite_node(node, terms, vocabulary)),
        other => other,
    }
}

fn rewrite_node(node: Map<String, Value>, terms: &Terms, vocabulary: &Vocabulary) -> Map<String, Value> {
    // A node's own inline context adds to (or redefines) the terms for it and below it.
    let scoped;
    let terms = match node.get("@context") {
        Some(context @ (Value::Object(_) | Value::Array(_))) => {
            let mut more = terms.clone();
            more.add(context);
            scoped = more;
            &scoped
        }
        _ => terms,
    };
    // Each key with its 2.0 name when that is another spelling (most keys already are).
    let mut named: Vec<(Option<String>, String, Value)> = node
        .into_iter()
        .map(|(key, value)| {
            let renamed = match canonical(&key, terms, vocabulary) {
                name if name == key.as_str() => None,
                name => Some(name.into_owned()),
            };
            (renamed, key, value)
        })
        .collect();
    // Keys already spelled as the 2.0 term go first: where a document has both spellings
    // (`verification` and `verify`), the term itself wins.
    named.sort_by_key(|(renamed, _, _)| renamed.is_some());
    let mut out = Map::new();
    for (renamed, key, value) in named {
        let name = renamed.unwrap_or(key);
        if out.contains_key(&name) {
            continue;
        }
        let value = match name.as_str() {
            // A context is definitions, not terms to read.
            "@context" => value,
            "type" => rewrite_types(value, terms, vocabulary),
            _ => rewrite(value, terms, vocabulary),
        };
        out.insert(name, value);
    }
    out
}

fn rewrite_types(value: Value, terms: &Terms, vocabulary: &Vocabulary) -> Value {
    match value {
        Value::String(name) => Value::String(
            terms
                .expand(&name)
                .and_then(|iri| vocabulary.term_of.get(&iri).cloned())
                .unwrap_or(name),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| rewrite_types(item, terms, vocabulary))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_iri_with_two_terms_has_a_preferred_one() {
        let v = &*VOCABULARY;
        let mut by_iri: HashMap<String, Vec<&str>> = HashMap::new();
        for term in v.v2.0.keys() {
            if let Some(iri) = v.v2.expand(term) {
                by_iri.entry(iri).or_default().push(term);
            }
        }
        for (iri, names) in by_iri
            .into_iter()
            .filter(|(i, n)| n.len() > 1 && !i.starts_with('@'))
        {
            assert!(
                names.iter().any(|n| PREFERRED.contains(n)),
                "{iri} has {names:?} and none is preferred"
            );
            assert!(PREFERRED.contains(&v.term_of[&iri].as_str()));
        }
    }

    #[test]
    fn aliases_compact_and_full_iris_become_the_2_0_terms() {
        let doc = json!({
            "@context": "https://w3id.org/openbadges/v2",
            "@type": "obi:Assertion",
            "@id": "https://issuer.example/a/1",
            "verify": {"type": "hosted", "url": "https://issuer.example/a/1"},
            "obi:issueDate": "2024-01-01",
            "http://schema.org/description": "Fait",
            "badge": {"type": "https://w3id.org/openbadges#BadgeClass", "schema:name": "B"},
            "alignments": [{"targetName": "Moodle writes the plural, no term of the context"}]
        });
        let n = normalize(doc);
        assert_eq!(n["type"], "Assertion");
        assert_eq!(n["id"], "https://issuer.example/a/1");
        assert_eq!(n["verification"]["type"], "HostedBadge");
        assert_eq!(n["verification"]["url"], "https://issuer.example/a/1");
        assert_eq!(n["issuedOn"], "2024-01-01");
        assert_eq!(n["description"], "Fait");
        assert_eq!(n["badge"]["type"], "BadgeClass");
        assert_eq!(n["badge"]["name"], "B");
        assert!(n.get("verify").is_none() && n.get("alignments").is_some());
    }

    #[test]
    fn the_term_itself_wins_over_an_alias_and_redefinitions_are_not_misread() {
        let both = normalize(json!({
            "@context": "https://w3id.org/openbadges/v2",
            "verify": {"type": "signed"},
            "verification": {"type": "hosted"}
        }));
        assert_eq!(both["verification"]["type"], "HostedBadge");
        // An inline context that makes `verification` mean something else.
        let redefined = normalize(json!({
            "@context": ["https://w3id.org/openbadges/v2", {"verification": "https://evil.example/v"}],
            "verification": {"type": "hosted"}
        }));
        assert!(redefined.get("verification").is_none(), "{redefined}");
        assert_eq!(
            redefined["@context"][1]["verification"], "https://evil.example/v",
            "contexts stay as written"
        );
        assert!(redefined.get("https://evil.example/v").is_some());
        // Extensions' terms stay as written.
        let extended = normalize(json!({
            "@context": ["https://w3id.org/openbadges/v2", "https://w3id.org/openbadges/extensions/exampleExtension/context.json"],
            "extensions:exampleExtension": {"exampleProperty": 1}
        }));
        assert_eq!(extended["extensions:exampleExtension"]["exampleProperty"], 1);
    }

    #[test]
    fn one_one_documents_use_the_one_one_context_and_others_are_untouched() {
        let v11 = normalize(json!({
            "@context": "https://w3id.org/openbadges/v1",
            "verify": {"type": "hosted", "url": "https://issuer.example/a.json"},
            "type": "IssuerOrg"
        }));
        assert_eq!(v11["verification"]["type"], "HostedBadge");
        assert_eq!(v11["type"], "Issuer");
        let v10 = json!({"verify": {"type": "hosted"}});
        assert_eq!(normalize(v10.clone()), v10);
    }
}
