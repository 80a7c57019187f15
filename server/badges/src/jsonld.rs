//! JSON-LD expansion and RDFC-1.0 canonicalisation (sophia), with a document loader that
//! serves only the contexts bundled in `contexts/`: nothing is ever fetched.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, Waker};

use json_syntax::Parse as _;
use locspan::{Location, Span};
use sophia_api::source::QuadSource as _;
use sophia_inmem::dataset::LightDataset;
use sophia_iri::Iri;
use sophia_jsonld::loader::StaticLoader;
use sophia_jsonld::{JsonLdOptions, JsonLdParser};

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

static LOADER: LazyLock<StaticLoader<ArcIri, Span>> = LazyLock::new(|| {
    let mut loader = StaticLoader::new();
    for (url, text) in CONTEXTS {
        let iri: ArcIri = Iri::new(Arc::from(*url)).expect("bundled context URL is an IRI");
        let doc = json_syntax::Value::parse_str(text, |span| Location::new(iri.clone(), span))
            .expect("bundled context is valid JSON");
        loader = loader.with(iri, doc);
    }
    loader
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

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document.
pub fn canonical_nquads(doc: &serde_json::Value) -> Result<String, JsonLdError> {
    let text = doc.to_string();
    let options = JsonLdOptions::new().with_document_loader(LOADER.clone());
    let parser = JsonLdParser::new_with_options(options);
    let source = run_now(parser.async_parse_str(&text))
        .ok_or_else(|| JsonLdError::Expand("a context was not available".into()))?;
    let dataset: LightDataset = source
        .collect_quads()
        .map_err(|e| JsonLdError::Expand(e.to_string()))?;
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
    }
}
