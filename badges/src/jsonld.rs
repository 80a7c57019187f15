//! JSON-LD expansion and RDFC-1.0 canonicalisation (sophia), with a document loader that
//! serves only the contexts bundled in `contexts/`: nothing is ever fetched.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, LazyLock, Mutex};
use std::task::{Context, Poll, Waker};

use json_ld::syntax::TryFromJson as _;
use json_ld::{Expand as _, Process as _, RdfQuads as _};
use json_syntax::Parse as _;
use locspan::Location;
use sophia_api::source::QuadSource as _;
use sophia_inmem::dataset::LightDataset;
use sophia_iri::Iri;
use sophia_jsonld::vocabulary::{ArcBnode, ArcVoc};
use sophia_jsonld::{JsonLdOptions, JsonLdParser, RdfTerm};

type ArcIri = Iri<Arc<str>>;

/// The bundled contexts: (URL, file contents).
pub const CONTEXTS: &[(&str, &str)] = &[
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("../contexts/credentials-v2.jsonld"),
    ),
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("../contexts/credentials-v1.jsonld"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!("../contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("../contexts/data-integrity-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("../contexts/multikey-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/did/v1",
        include_str!("../contexts/did-v1.jsonld"),
    ),
    (
        "https://w3id.org/openbadges/v2",
        include_str!("../contexts/openbadges-v2.json"),
    ),
    (
        "https://w3id.org/openbadges/v1",
        include_str!("../contexts/openbadges-v1.json"),
    ),
    (
        "https://w3id.org/openbadges/legacy-v1",
        include_str!("../contexts/openbadges-legacy-v1.json"),
    ),
];

type Doc = locspan::Meta<json_syntax::Value<Location<ArcIri>>, Location<ArcIri>>;

/// Serves the bundled contexts, parsed once and shared: cloning the loader is cheap.
#[derive(Clone)]
struct BundledLoader(Arc<HashMap<&'static str, Doc>>);

/// A context that is not bundled: it is never fetched.
#[derive(Debug)]
struct NotBundled(String);

impl std::fmt::Display for NotBundled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "context {} is not bundled and is never fetched", self.0)
    }
}

impl json_ld::Loader<ArcIri, Location<ArcIri>> for BundledLoader {
    type Output = json_syntax::Value<Location<ArcIri>>;
    type Error = NotBundled;

    fn load_with<'a>(
        &'a mut self,
        _vocabulary: &'a mut (impl Sync + Send + rdf_types::IriVocabularyMut<Iri = ArcIri>),
        url: ArcIri,
    ) -> json_ld::future::BoxFuture<
        'a,
        json_ld::LoadingResult<ArcIri, Location<ArcIri>, Self::Output, Self::Error>,
    >
    where
        ArcIri: 'a,
    {
        let result = match self.0.get(url.as_str()) {
            Some(doc) => Ok(json_ld::RemoteDocument::new(Some(url), None, doc.clone())),
            None => Err(NotBundled(url.as_str().to_string())),
        };
        Box::pin(std::future::ready(result))
    }
}

static LOADER: LazyLock<BundledLoader> = LazyLock::new(|| {
    let mut docs = HashMap::new();
    for (url, text) in CONTEXTS {
        let iri: ArcIri = Iri::new(Arc::from(*url)).expect("bundled context URL is an IRI");
        let doc = json_syntax::Value::parse_str(text, |span| Location::new(iri.clone(), span))
            .expect("bundled context is valid JSON");
        docs.insert(*url, doc);
    }
    BundledLoader(Arc::new(docs))
});

/// Why a document could not be canonicalised.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JsonLdError {
    #[error("JSON-LD expansion failed: {0}")]
    Expand(String),
    #[error("RDF canonicalisation failed: {0}")]
    Canonicalise(String),
}

/// Drives a future that never waits (the loader is in memory) to completion.
fn run_now<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

type Meta = Location<ArcIri>;
type ActiveContext = json_ld::Context<ArcIri, ArcBnode, json_ld::syntax::context::Value<Meta>, Meta>;

fn base_iri() -> ArcIri {
    Iri::new_unchecked(Arc::from("x-string://"))
}

fn parse_meta_json(text: &str) -> Result<locspan::Meta<json_syntax::Value<Meta>, Meta>, JsonLdError> {
    let base = base_iri();
    json_syntax::Value::parse_str(text, |span| Location::new(base.clone(), span))
        .map_err(|e| JsonLdError::Expand(format!("{e:?}")))
}

/// Processed active contexts, keyed by the document's `@context` (only lists of bundled
/// context URLs are cached, so the cache is small and bounded).
static ACTIVE_CONTEXTS: LazyLock<Mutex<HashMap<String, Arc<ActiveContext>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn is_bundled_list(ctx: &serde_json::Value) -> bool {
    let bundled = |v: &serde_json::Value| {
        v.as_str()
            .is_some_and(|u| CONTEXTS.iter().any(|(url, _)| *url == u))
    };
    match ctx {
        serde_json::Value::Array(a) => !a.is_empty() && a.len() <= 4 && a.iter().all(bundled),
        v => bundled(v),
    }
}

/// The active context after processing `ctx` from an empty one (JSON-LD context
/// processing, cached: it is the same for every credential using the same contexts).
fn active_context(ctx: &serde_json::Value) -> Result<Arc<ActiveContext>, JsonLdError> {
    let key = ctx.to_string();
    if let Some(c) = ACTIVE_CONTEXTS.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(c);
    }
    let json = parse_meta_json(&key)?;
    let local = json_ld::syntax::context::Value::try_from_json(json)
        .map_err(|e| JsonLdError::Expand(format!("{e:?}")))?;
    let mut vocab = ArcVoc {};
    let mut loader = LOADER.clone();
    let initial = ActiveContext::new(Some(base_iri()));
    let processed = run_now(local.process_full(
        &mut vocab,
        &initial,
        &mut loader,
        Some(base_iri()),
        json_ld::context_processing::Options::default(),
        (),
    ))
    .ok_or_else(|| JsonLdError::Expand("a context was not available".into()))?
    .map_err(|e| JsonLdError::Expand(format!("{e:?}")))?;
    let active = Arc::new(processed.into_processed());
    if let Ok(mut m) = ACTIVE_CONTEXTS.lock() {
        if m.len() < 16 {
            m.insert(key, active.clone());
        }
    }
    Ok(active)
}

/// Expands `doc` (its `@context` removed) from an already processed active context: the
/// same as expanding it with its `@context`, without processing the contexts again.
fn dataset_with_context(
    doc: &serde_json::Value,
    active: &ActiveContext,
) -> Result<LightDataset, JsonLdError> {
    use sophia_api::dataset::MutableDataset as _;
    let mut body = doc.clone();
    if let Some(o) = body.as_object_mut() {
        o.remove("@context");
    }
    let json = parse_meta_json(&body.to_string())?;
    let mut vocab = ArcVoc {};
    let mut loader = LOADER.clone();
    let base = base_iri();
    let expanded = run_now(json.expand_full(
        &mut vocab,
        active.clone(),
        Some(&base),
        &mut loader,
        json_ld::expansion::Options::default().unordered(),
        (),
    ))
    .ok_or_else(|| JsonLdError::Expand("a context was not available".into()))?
    .map_err(|e| JsonLdError::Expand(format!("{e:?}")))?;
    let locspan::Meta(mut expanded, _) = expanded;
    let gen_loc = Location::new(
        Iri::new_unchecked(Arc::from("x-bnode-gen://")),
        locspan::Span::default(),
    );
    let mut generator = rdf_types::generator::Blank::new().with_metadata(gen_loc);
    expanded.relabel_and_canonicalize_with(&mut vocab, &mut generator);
    let mut dataset = LightDataset::new();
    for rdf_types::Quad(s, p, o, g) in expanded
        .rdf_quads_full(&mut vocab, &mut generator, None, false)
        .cloned()
    {
        dataset
            .insert(
                RdfTerm::from(s),
                RdfTerm::from(p),
                RdfTerm::from(o),
                g.map(RdfTerm::from),
            )
            .map_err(|e| JsonLdError::Expand(e.to_string()))?;
    }
    Ok(dataset)
}

/// The dataset of `doc` through sophia's parser (any `@context`, bundled ones only).
fn dataset_uncached(doc: &serde_json::Value) -> Result<LightDataset, JsonLdError> {
    let text = doc.to_string();
    let options = JsonLdOptions::new().with_document_loader(LOADER.clone());
    let parser = JsonLdParser::new_with_options(options);
    let source = run_now(parser.async_parse_str(&text))
        .ok_or_else(|| JsonLdError::Expand("a context was not available".into()))?;
    source
        .collect_quads()
        .map_err(|e| JsonLdError::Expand(e.to_string()))
}

/// Most `@context` entries (URLs or inline objects) a document may carry, all `@context`
/// keys counted: each one costs a context processing, so a document listing the same
/// context thousands of times would otherwise buy seconds of CPU.
pub const MAX_CONTEXT_ENTRIES: usize = 16;

fn context_entries(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(o) => o
            .iter()
            .map(|(k, x)| {
                let own = match (k.as_str(), x) {
                    ("@context", serde_json::Value::Array(a)) => a.len(),
                    ("@context", _) => 1,
                    _ => 0,
                };
                own + context_entries(x)
            })
            .sum(),
        serde_json::Value::Array(a) => a.iter().map(context_entries).sum(),
        _ => 0,
    }
}

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document.
pub fn canonical_nquads(doc: &serde_json::Value) -> Result<String, JsonLdError> {
    if context_entries(doc) > MAX_CONTEXT_ENTRIES {
        return Err(JsonLdError::Expand(format!(
            "more than {MAX_CONTEXT_ENTRIES} @context entries"
        )));
    }
    let dataset = match doc.get("@context") {
        Some(ctx) if is_bundled_list(ctx) => dataset_with_context(doc, active_context(ctx)?.as_ref())?,
        _ => dataset_uncached(doc)?,
    };
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&dataset, &mut out)
        .map_err(|e| JsonLdError::Canonicalise(e.to_string()))?;
    String::from_utf8(out).map_err(|e| JsonLdError::Canonicalise(e.to_string()))
}

/// The canonical N-Quads without the context cache (to test that both agree).
#[doc(hidden)]
pub fn canonical_nquads_uncached(doc: &serde_json::Value) -> Result<String, JsonLdError> {
    let dataset = dataset_uncached(doc)?;
    let mut out = Vec::new();
    sophia_c14n::rdfc10::normalize(&dataset, &mut out)
        .map_err(|e| JsonLdError::Canonicalise(e.to_string()))?;
    String::from_utf8(out).map_err(|e| JsonLdError::Canonicalise(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_contexts_expand_and_unknown_ones_fail() {
        let doc = serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:1",
            "credentialSubject": {"id": "did:example:2"}
        });
        let nq = canonical_nquads(&doc).unwrap();
        assert!(
            nq.contains("<https://www.w3.org/2018/credentials#issuer> <did:example:1>"),
            "{nq}"
        );
        let doc = serde_json::json!({"@context": "https://evil.example/ctx.json", "a": 1});
        assert!(canonical_nquads(&doc).is_err());
        let many = vec![serde_json::json!("https://www.w3.org/ns/credentials/v2"); 17];
        let doc = serde_json::json!({"@context": many, "id": "urn:x"});
        let started = std::time::Instant::now();
        assert!(canonical_nquads(&doc)
            .unwrap_err()
            .to_string()
            .contains("@context entries"));
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
    }
}
