//! DESIGN §7 budgets: verify a baked OB 2.0 signed PNG (≤ 0.4 ms median) and an OB 3.0
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
    let png = common::read("ob2/signed.png");
    c.bench_function("extract_png", |b| {
        b.iter(|| besace_badges::extract(&png, &besace_badges::Limits::default()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
