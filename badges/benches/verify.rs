//! The budgets of docs/PERFORMANCE.md: verify a baked OB 2.0 signed PNG (≤ 0.4 ms median) and an OB 3.0
//! eddsa-rdfc-2022 credential (≤ 5 ms), network excluded (the issuer's documents are
//! served from memory). Also OB 3.0 VC-JWT.
//!
//!     cargo bench -p besace-badges
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "../tests/common/mod.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fetcher = common::MapFetcher::new();
    let opts = common::opts(&[common::LEARNER]);
    for (name, file) in [
        ("ob2_signed_png", "ob2/signed.png"),
        ("ob3_eddsa_rdfc_2022_json", "ob3/di-didkey.json"),
        ("ob3_eddsa_rdfc_2022_https_issuer", "ob3/di-https.json"),
        ("ob3_vc_jwt_rs256", "ob3/jwt-rs256.jwt"),
        ("ob3_vc_jwt_eddsa", "ob3/jwt-eddsa.jwt"),
    ] {
        let bytes = common::read(file);
        // Guard: a benchmark of a failing verification would measure the wrong path.
        let r = rt.block_on(besace_badges::verify_bytes(&bytes, &fetcher, &opts));
        assert!(r.valid(), "{file}: {:?}", common::failed(&r));
        c.bench_function(name, |b| {
            b.iter(|| rt.block_on(besace_badges::verify_bytes(&bytes, &fetcher, &opts)))
        });
    }
    // The two canonicalisations inside eddsa-rdfc-2022.
    let cred: serde_json::Value = serde_json::from_slice(&common::read("ob3/di-didkey.json")).unwrap();
    let mut doc = cred.clone();
    doc.as_object_mut().unwrap().remove("proof");
    c.bench_function("jsonld_rdfc_document", |b| {
        b.iter(|| besace_badges::jsonld::canonical_nquads(&doc).unwrap())
    });
    let ctx_only = serde_json::json!({
        "@context": cred["@context"].clone(),
        "id": "urn:uuid:1",
        "name": "x"
    });
    c.bench_function("jsonld_rdfc_contexts_only", |b| {
        b.iter(|| besace_badges::jsonld::canonical_nquads(&ctx_only).unwrap())
    });
    let mut proof = cred["proof"].clone();
    proof.as_object_mut().unwrap().remove("proofValue");
    proof["@context"] = serde_json::json!("https://www.w3.org/ns/credentials/v2");
    c.bench_function("jsonld_rdfc_proof_options", |b| {
        b.iter(|| besace_badges::jsonld::canonical_nquads(&proof).unwrap())
    });
    let png = common::read("ob2/signed.png");
    c.bench_function("extract_png", |b| {
        b.iter(|| besace_badges::extract(&png, &besace_badges::Limits::default()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
