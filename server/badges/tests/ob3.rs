//! Open Badges 3.0 fixtures made by independent issuer tools: @digitalbazaar/vc with the
//! eddsa-rdfc-2022 cryptosuite (Data Integrity) and jose (VC-JWT). See fixtures/gen/.
mod common;

use besace_badges::{Method, Spec};
use common::*;

/// (fixture, method, failed checks; empty = valid)
const CASES: &[(&str, Method, &[&str])] = &[
    ("ob3/di-didkey.json", Method::EddsaRdfc2022, &[]),
    ("ob3/di-https.json", Method::EddsaRdfc2022, &[]),
    ("ob3/di-didweb.json", Method::EddsaRdfc2022, &[]),
    ("ob3/di-tampered-name.json", Method::EddsaRdfc2022, &["signature"]),
    (
        "ob3/di-tampered-recipient.json",
        Method::EddsaRdfc2022,
        &["signature", "recipient"],
    ),
    ("ob3/di-tampered-date.json", Method::EddsaRdfc2022, &["signature"]),
    ("ob3/di-wrong-issuer.json", Method::EddsaRdfc2022, &["key.issuer"]),
    ("ob3/di-expired.json", Method::EddsaRdfc2022, &["dates.expiry"]),
    (
        "ob3/di-revoked-1edtech.json",
        Method::EddsaRdfc2022,
        &["revocation"],
    ),
    ("ob3/di-status-1edtech-ok.json", Method::EddsaRdfc2022, &[]),
    (
        "ob3/di-revoked-bitstring.json",
        Method::EddsaRdfc2022,
        &["revocation"],
    ),
    ("ob3/di-status-bitstring-ok.json", Method::EddsaRdfc2022, &[]),
    ("ob3/jwt-rs256.jwt", Method::VcJwt, &[]),
    ("ob3/jwt-es256.jwt", Method::VcJwt, &[]),
    ("ob3/jwt-eddsa.jwt", Method::VcJwt, &[]),
    ("ob3/jwt-rs256-tampered.jwt", Method::VcJwt, &["signature"]),
    ("ob3/jwt-rs256-expired.jwt", Method::VcJwt, &["dates.expiry"]),
    ("ob3/jwt-header-jwk-published.jwt", Method::VcJwt, &[]),
    ("ob3/jwt-header-jwk-rogue.jwt", Method::VcJwt, &["key.issuer"]),
];

#[tokio::test]
async fn every_ob3_fixture_gives_the_expected_report() {
    for (file, method, want_failed) in CASES {
        let r = verify(file, &[LEARNER]).await;
        assert_eq!(r.spec, Some(Spec::Ob3), "{file}");
        assert_eq!(r.method, Some(*method), "{file}");
        assert_eq!(&failed(&r), want_failed, "{file}: {:#?}", r.checks);
        assert_eq!(r.valid(), want_failed.is_empty(), "{file}");
        if !want_failed.contains(&"recipient") {
            assert_eq!(r.recipient.identity.as_deref(), Some(LEARNER), "{file}");
        }
        let name = file.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, r);
    }
}

#[tokio::test]
async fn another_learner_does_not_match() {
    let r = verify("ob3/di-didkey.json", &["mallory@example.org"]).await;
    assert_eq!(failed(&r), ["recipient"]);
    assert!(!r.recipient.matched);
}

#[tokio::test]
async fn without_recipients_only_the_badge_itself_is_judged() {
    let r = verify("ob3/jwt-es256.jwt", &[]).await;
    assert!(r.valid());
    assert!(r.get(besace_badges::CheckId::Recipient).is_none());
}

#[tokio::test]
async fn dates_follow_the_given_moment() {
    let mut o = opts(&[LEARNER]);
    o.now = Some("2025-01-01T00:00:00Z".parse().unwrap());
    let bytes = read("ob3/di-didkey.json");
    let r = besace_badges::verify_bytes(&bytes, &MapFetcher::new(), &o).await;
    assert_eq!(failed(&r), ["dates.issued"]);
}

#[tokio::test]
async fn issuer_keys_are_needed_and_never_fetched_from_elsewhere() {
    // Without the issuer's documents (no fetcher), a did:key credential still verifies
    // (the key is the DID) but an https issuer's cannot.
    let o = opts(&[LEARNER]);
    let r = besace_badges::verify_bytes(&read("ob3/di-didkey.json"), &besace_badges::NoFetch, &o).await;
    assert!(r.valid(), "{:?}", failed(&r));
    let r = besace_badges::verify_bytes(&read("ob3/di-https.json"), &besace_badges::NoFetch, &o).await;
    assert_eq!(failed(&r), ["signature"]);
}

#[test]
fn cached_contexts_give_the_same_canonical_form_as_full_processing() {
    use besace_badges::jsonld::{canonical_nquads, canonical_nquads_uncached};
    let mut n = 0;
    for dir in ["ob3", "served/ob3"] {
        for e in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().and_then(|x| x.to_str()) != Some("json") {
                continue;
            }
            let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let mut unsigned = doc.clone();
            unsigned.as_object_mut().unwrap().remove("proof");
            for d in [&doc, &unsigned] {
                let fast = canonical_nquads(d);
                let full = canonical_nquads_uncached(d);
                assert_eq!(fast, full, "{}", p.display());
                if fast.is_ok() {
                    n += 1;
                }
            }
        }
    }
    assert!(n >= 20, "only {n} documents compared");
}

#[tokio::test]
async fn credentials_are_read_by_url_too() {
    let mut fetcher = MapFetcher::new();
    for (url, file) in [
        ("https://issuer.example/ob3/credentials/1", "ob3/di-didkey.json"),
        (
            "https://issuer.example/ob3/credentials/2.jwt",
            "ob3/jwt-es256.jwt",
        ),
        (
            "https://issuer.example/ob3/credentials/3",
            "ob3/di-tampered-name.json",
        ),
    ] {
        fetcher.routes.insert(
            url.into(),
            Route {
                status: 200,
                body: read(file),
                content_type: "application/json".into(),
                location: None,
            },
        );
    }
    let o = opts(&[LEARNER]);
    let r = besace_badges::verify_url("https://issuer.example/ob3/credentials/1", &fetcher, &o)
        .await
        .unwrap();
    assert!(r.valid(), "{:?}", failed(&r));
    let r = besace_badges::verify_url("https://issuer.example/ob3/credentials/2.jwt", &fetcher, &o)
        .await
        .unwrap();
    assert_eq!(r.method, Some(Method::VcJwt));
    assert!(r.valid(), "{:?}", failed(&r));
    let r = besace_badges::verify_url("https://issuer.example/ob3/credentials/3", &fetcher, &o)
        .await
        .unwrap();
    assert_eq!(failed(&r), ["signature"]);
}
