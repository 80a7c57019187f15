//! Open Badges 2.0 and legacy 0.5/1.x fixtures baked by openbadges-bakery and signed by
//! python-jose (fixtures/gen/gen_ob2.py), plus OB 3.0 credentials baked into PNG/SVG.
//! Hosted badges are served by a real HTTP server on 127.0.0.1 through the real fetcher.
mod common;

use besace_badges::{verify_bytes, CheckId, Method, Spec};
use common::*;

/// (fixture, spec, method, failed checks; empty = valid)
const SIGNED: &[(&str, Spec, Method, &[&str])] = &[
    ("ob2/signed.png", Spec::Ob2, Method::Signed, &[]),
    ("ob2/signed.svg", Spec::Ob2, Method::Signed, &[]),
    ("ob2/signed.jws", Spec::Ob2, Method::Signed, &[]),
    ("ob2/signed-md5.png", Spec::Ob2, Method::Signed, &[]),
    ("ob2/signed-no-creator.png", Spec::Ob2, Method::Signed, &[]),
    ("ob2/signed-plain-recipient.png", Spec::Ob2, Method::Signed, &[]),
    (
        "ob2/signed-tampered.png",
        Spec::Ob2,
        Method::Signed,
        &["signature", "recipient"],
    ),
    ("ob2/signed-forged.png", Spec::Ob2, Method::Signed, &["signature"]),
    (
        "ob2/signed-wrong-key.png",
        Spec::Ob2,
        Method::Signed,
        &["key.issuer"],
    ),
    (
        "ob2/signed-revoked.png",
        Spec::Ob2,
        Method::Signed,
        &["revocation"],
    ),
    (
        "ob2/signed-expired.png",
        Spec::Ob2,
        Method::Signed,
        &["dates.expiry"],
    ),
    (
        "ob2/signed-future.png",
        Spec::Ob2,
        Method::Signed,
        &["dates.issued"],
    ),
    (
        "ob2/signed-incomplete.png",
        Spec::Ob2,
        Method::Signed,
        &["criteria", "image"],
    ),
    ("legacy/v1_0-signed.png", Spec::Ob1, Method::Signed, &[]),
    ("ob3/baked-di.png", Spec::Ob3, Method::EddsaRdfc2022, &[]),
    (
        "ob3/baked-di-compressed.png",
        Spec::Ob3,
        Method::EddsaRdfc2022,
        &[],
    ),
    ("ob3/baked-di.svg", Spec::Ob3, Method::EddsaRdfc2022, &[]),
    ("ob3/baked-jwt.png", Spec::Ob3, Method::VcJwt, &[]),
    ("ob3/baked-jwt.svg", Spec::Ob3, Method::VcJwt, &[]),
    (
        "ob3/baked-tampered.png",
        Spec::Ob3,
        Method::EddsaRdfc2022,
        &["signature"],
    ),
];

const HOSTED: &[(&str, Spec, &[&str])] = &[
    ("ob2/hosted.png", Spec::Ob2, &[]),
    ("ob2/hosted.svg", Spec::Ob2, &[]),
    ("ob2/hosted-url.png", Spec::Ob2, &[]),
    ("ob2/hosted-policy-ok.png", Spec::Ob2, &[]),
    ("ob2/hosted-policy-bad.png", Spec::Ob2, &["hosted.origin"]),
    ("ob2/hosted-wrong-origin.png", Spec::Ob2, &["hosted.origin"]),
    ("ob2/hosted-410.png", Spec::Ob2, &["revocation"]),
    ("ob2/hosted-revoked.png", Spec::Ob2, &["revocation"]),
    ("ob2/hosted-404.png", Spec::Ob2, &["hosted.fetch"]),
    ("ob2/hosted-expired.png", Spec::Ob2, &["dates.expiry"]),
    // Moodle's own badge (fixtures/gen/gen_moodle.py): `verify`, not `verification`.
    ("moodle/baked.png", Spec::Ob2, &[]),
    ("moodle/assertion.json", Spec::Ob2, &[]),
    // Other real issuers' shapes (fixtures/gen/gen_realworld.py says where each comes from).
    ("realworld/badgr-assertion.json", Spec::Ob2, &[]),
    ("realworld/credly-assertion.json", Spec::Ob2, &[]),
    ("realworld/passport-assertion.json", Spec::Ob2, &[]),
    ("legacy/v1_0-hosted.png", Spec::Ob1, &[]),
    ("legacy/v1_1-hosted.svg", Spec::Ob1, &[]),
    ("legacy/v0_5-text.png", Spec::Ob05, &[]),
    ("legacy/v0_5-itxt.png", Spec::Ob05, &[]),
];

fn snapshot_name(file: &str) -> String {
    file.replace(['/', '.'], "_")
}

#[tokio::test]
async fn signed_and_baked_fixtures_give_the_expected_reports() {
    for (file, spec, method, want_failed) in SIGNED {
        let r = verify(file, &[LEARNER]).await;
        assert_eq!(r.spec, Some(*spec), "{file}: {:#?}", r.checks);
        assert_eq!(r.method, Some(*method), "{file}");
        assert_eq!(&failed(&r), want_failed, "{file}: {:#?}", r.checks);
        assert_eq!(r.valid(), want_failed.is_empty(), "{file}");
        insta::assert_json_snapshot!(snapshot_name(file), r);
    }
}

#[tokio::test]
async fn hosted_fixtures_are_checked_against_the_issuers_server() {
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    for (file, spec, want_failed) in HOSTED {
        let r = verify_bytes(&read(file), &fetcher, &opts(&[LEARNER])).await;
        assert_eq!(r.spec, Some(*spec), "{file}: {:#?}", r.checks);
        assert_eq!(r.method, Some(Method::Hosted), "{file}");
        assert_eq!(&failed(&r), want_failed, "{file}: {:#?}", r.checks);
        assert_eq!(r.valid(), want_failed.is_empty(), "{file}");
        insta::assert_json_snapshot!(snapshot_name(file), r);
    }
}

#[tokio::test]
async fn only_the_issuers_copy_of_a_hosted_badge_counts() {
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    let bytes = read("ob2/hosted-local-copy-tampered.json");
    // The local copy names mallory; the issuer's copy names the learner.
    let r = verify_bytes(&bytes, &fetcher, &opts(&["mallory@example.org"])).await;
    assert_eq!(failed(&r), ["recipient"], "{:#?}", r.checks);
    let r = verify_bytes(&bytes, &fetcher, &opts(&[LEARNER])).await;
    assert!(r.valid(), "{:?}", failed(&r));
}

#[tokio::test]
async fn verify_url_reads_a_hosted_assertion_by_its_address() {
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    let r = besace_badges::verify_url(
        "http://hosted.besace.test/ob2/assertions/ponctuel.json",
        &fetcher,
        &opts(&[LEARNER]),
    )
    .await
    .unwrap();
    assert!(r.valid(), "{:?}", failed(&r));
    assert_eq!(r.badge.name.as_deref(), Some("Parler en public"));
    let e = besace_badges::verify_url(
        "http://hosted.besace.test/nothing-here",
        &fetcher,
        &opts(&[LEARNER]),
    )
    .await;
    assert!(e.is_err());
}

#[tokio::test]
async fn report_shows_badge_issuer_and_matched_identity() {
    let r = verify(
        "ob2/signed.png",
        &["someone@else.org", " Ana.Martin@example.org "],
    )
    .await;
    assert!(r.valid());
    assert_eq!(r.recipient.identity.as_deref(), Some("Ana.Martin@example.org"));
    assert_eq!(r.badge.name.as_deref(), Some("Être ponctuel"));
    assert_eq!(r.badge.issuer.name.as_deref(), Some("Centre de formation Démo"));
    assert_eq!(r.badge.issuer.url.as_deref(), Some("https://issuer.example"));
    assert!(r.badge.criteria_narrative.is_some());
    assert_eq!(r.badge.issued_on.as_deref(), Some("2025-09-15T09:00:00+00:00"));
    let fr = r.to_json(besace_badges::Lang::Fr);
    assert_eq!(
        fr["checks"][0]["message"],
        "Les données du badge ont été trouvées dans le fichier."
    );
}

#[tokio::test]
async fn a_signed_badge_needs_its_issuers_key() {
    let r = verify_bytes(
        &read("ob2/signed.png"),
        &besace_badges::NoFetch,
        &opts(&[LEARNER]),
    )
    .await;
    assert!(!r.valid());
    assert_eq!(r.get(CheckId::BadgeClass).map(|c| c.ok), Some(false));
}

#[tokio::test]
async fn legacy_badges_fail_like_current_ones() {
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    // Issued to someone else.
    let r = verify_bytes(
        &read("legacy/v1_0-hosted.png"),
        &fetcher,
        &opts(&["mallory@example.org"]),
    )
    .await;
    assert_eq!(r.spec, Some(Spec::Ob1));
    assert_eq!(failed(&r), ["recipient"]);
    // A 1.0 signed badge whose payload was changed after signing (the JWS pasted as text).
    let jws = match besace_badges::extract(&read("legacy/v1_0-signed.png"), &Default::default())
        .unwrap()
        .payload
    {
        besace_badges::Payload::Jws(s) => s,
        other => panic!("{other:?}"),
    };
    let parts: Vec<&str> = jws.split('.').collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: serde_json::Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    payload["issuedOn"] = "2020-01-01".into();
    let forged = format!("{}.{}.{}", parts[0], b64.encode(payload.to_string()), parts[2]);
    let r = verify_bytes(forged.as_bytes(), &fetcher, &opts(&[LEARNER])).await;
    assert_eq!(r.spec, Some(Spec::Ob1));
    assert_eq!(failed(&r), ["signature"]);
    // A 0.5 assertion URL read directly (the learner pastes the link).
    let r = besace_badges::verify_url(
        "http://hosted.besace.test/v0_5/assertion.json",
        &fetcher,
        &opts(&[LEARNER]),
    )
    .await
    .unwrap();
    assert_eq!(r.spec, Some(Spec::Ob05));
    assert!(r.valid(), "{:?}", failed(&r));
}

#[tokio::test]
async fn moodles_badge_verifies_by_its_address_and_its_terms_mean_what_the_context_says() {
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    let url = "http://moodle.besace.test/badges/assertion.php?b=5c3d1ad2c0b8e7f9a4b6d2e1f0a9c8b7d6e5f4a3&obversion=2";
    let r = besace_badges::verify_url(url, &fetcher, &opts(&[LEARNER]))
        .await
        .unwrap();
    assert!(r.valid(), "{:#?}", r.checks);
    assert_eq!(r.spec, Some(Spec::Ob2));
    assert_eq!(r.badge.name.as_deref(), Some("Accueillir un client"));
    assert_eq!(r.badge.issuer.name.as_deref(), Some("Centre de formation Moodle"));
    // The same document written with the context's other spellings means the same.
    let mut doc: serde_json::Value = serde_json::from_slice(&read("moodle/assertion.json")).unwrap();
    let verify = doc.as_object_mut().unwrap().remove("verify").unwrap();
    doc["obi:verify"] = verify;
    doc["@type"] = doc.as_object_mut().unwrap().remove("type").unwrap();
    let r = verify_bytes(doc.to_string().as_bytes(), &fetcher, &opts(&[LEARNER])).await;
    assert!(r.valid(), "{:#?}", r.checks);
}

#[tokio::test]
async fn a_legacy_assertion_must_have_its_own_versions_shape() {
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    let mut doc: serde_json::Value = serde_json::from_slice(&read("served/v1/assertion-1.json")).unwrap();
    // A bare address is 0.5's recipient; a 1.0 assertion needs an IdentityObject.
    doc["recipient"] = LEARNER.into();
    let r = verify_bytes(doc.to_string().as_bytes(), &fetcher, &opts(&[LEARNER])).await;
    assert_eq!(r.spec, Some(Spec::Ob1));
    assert_eq!(failed(&r), ["structure"], "{:#?}", r.checks);
    assert!(!r.valid());
    let mut doc: serde_json::Value = serde_json::from_slice(&read("served/v1/assertion-1.json")).unwrap();
    doc.as_object_mut().unwrap().remove("uid");
    let r = verify_bytes(doc.to_string().as_bytes(), &fetcher, &opts(&[LEARNER])).await;
    assert_eq!(failed(&r), ["structure"], "{:#?}", r.checks);
}

/// A site that answers "not now" (503, or no answer in time) marks the report as one that
/// checking again may change; a 404 or a forged badge does not.
#[tokio::test]
async fn a_site_that_does_not_answer_now_is_told_apart_from_a_badge_that_fails() {
    let mut busy = routes();
    if let Some(route) = busy.get_mut("http://hosted.besace.test/ob2/assertions/ponctuel.json") {
        route.status = 503;
        route.body = b"busy".to_vec();
    }
    let server = serve(busy).await;
    let fetcher = LocalFetcher::new(server.port);
    let r = verify_bytes(&read("ob2/hosted.png"), &fetcher, &opts(&[LEARNER])).await;
    assert!(!r.valid());
    assert!(r.unreachable, "{:#?}", r.checks);
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    for file in ["ob2/hosted.png", "ob2/hosted-404.png", "ob2/signed-forged.png"] {
        let r = verify_bytes(&read(file), &fetcher, &opts(&[LEARNER])).await;
        assert!(!r.unreachable, "{file}: {:#?}", r.checks);
    }
}
