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

/// A VC-JWT as OB 3.0 §VC-JWT describes it, signed here with an Ed25519 key made from
/// `seed`: the credential of the `jwt-eddsa` fixture, issued by `issuer`.
fn eddsa_jwt(seed: u8, issuer: &str, kid: &str) -> Vec<u8> {
    use base64::Engine as _;
    use ed25519_dalek::Signer as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let fixture = String::from_utf8(read("ob3/jwt-eddsa.jwt")).unwrap();
    let mut credential: serde_json::Value =
        serde_json::from_slice(&b64.decode(fixture.split('.').nth(1).unwrap()).unwrap()).unwrap();
    credential["issuer"]["id"] = issuer.into();
    let header = serde_json::json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid});
    let input = format!(
        "{}.{}",
        b64.encode(header.to_string()),
        b64.encode(credential.to_string())
    );
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    format!("{input}.{}", b64.encode(key.sign(input.as_bytes()).to_bytes())).into_bytes()
}

fn ed25519_jwk(seed: u8) -> serde_json::Value {
    use base64::Engine as _;
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": x})
}

fn serve_json(fetcher: &mut MapFetcher, url: &str, doc: serde_json::Value) {
    fetcher.routes.insert(
        url.to_string(),
        Route {
            status: 200,
            body: doc.to_string().into_bytes(),
            content_type: "application/json".into(),
            location: None,
        },
    );
}

#[tokio::test]
async fn a_jwt_kid_may_be_the_url_of_a_jwk_that_the_issuer_publishes() {
    let issuer = "https://jwk.issuer.example/issuer.json";
    let mut fetcher = MapFetcher::new();
    let mut published = ed25519_jwk(7);
    serve_json(
        &mut fetcher,
        issuer,
        serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "id": issuer,
            "type": ["Profile"],
            "name": "Centre de formation JWK",
            "url": "https://jwk.issuer.example",
            "assertionMethod": [{"id": format!("{issuer}#key-1"), "type": "JsonWebKey", "controller": issuer, "publicKeyJwk": published}]
        }),
    );
    serve_json(
        &mut fetcher,
        "https://jwk.issuer.example/keys/1",
        published.clone(),
    );
    published["kid"] = "k1".into();
    let set = serde_json::json!({"keys": [ed25519_jwk(9), published]});
    serve_json(&mut fetcher, "https://jwk.issuer.example/jwks.json", set);
    serve_json(
        &mut fetcher,
        "https://jwk.issuer.example/keys/rogue",
        ed25519_jwk(8),
    );

    for kid in [
        "https://jwk.issuer.example/keys/1",
        "https://jwk.issuer.example/jwks.json#k1",
    ] {
        let r = besace_badges::verify_bytes(&eddsa_jwt(7, issuer, kid), &fetcher, &opts(&[LEARNER])).await;
        assert_eq!(r.method, Some(Method::VcJwt));
        assert!(r.valid(), "{kid}: {:#?}", r.checks);
    }
    // A well-signed JWT whose key the issuer does not publish proves nothing about it.
    let rogue = eddsa_jwt(8, issuer, "https://jwk.issuer.example/keys/rogue");
    let r = besace_badges::verify_bytes(&rogue, &fetcher, &opts(&[LEARNER])).await;
    assert_eq!(failed(&r), ["key.issuer"], "{:#?}", r.checks);
    // The key at the URL must be the one that signed.
    let forged = eddsa_jwt(8, issuer, "https://jwk.issuer.example/keys/1");
    let r = besace_badges::verify_bytes(&forged, &fetcher, &opts(&[LEARNER])).await;
    assert_eq!(failed(&r), ["signature"], "{:#?}", r.checks);
}

#[tokio::test]
async fn the_specifications_own_vc_jwt_verifies_once_its_issuer_publishes_the_header_key() {
    // Byte for byte the VC-JWT of 1EdTech's "Sample OpenBadgeCredential" (RS256, key in
    // the `jwk` header, no `nbf`); fixtures/served/1edtech/issuer.json publishes the key.
    let jwt = read("realworld/1edtech-sample.jwt");
    let r = besace_badges::verify_bytes(&jwt, &MapFetcher::new(), &opts(&[])).await;
    assert_eq!(r.method, Some(Method::VcJwt));
    assert!(r.valid(), "{:#?}", r.checks);
    assert_eq!(r.badge.name.as_deref(), Some("Teamwork"));
    // An issuer that does not publish it: the key proves nothing about Example Corp.
    let mut fetcher = MapFetcher::new();
    fetcher.routes.remove("https://example.com/issuers/876543");
    let r = besace_badges::verify_bytes(&jwt, &fetcher, &opts(&[])).await;
    assert_eq!(failed(&r), ["key.issuer"], "{:#?}", r.checks);
}

/// The kit's credential for the learner, with `credentialSchema` entries, signed.
fn with_schemas(schemas: serde_json::Value, tweak: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    use besace_badges::issue::{ob3_credential, BadgeSpec, DidKeyIssuer};
    let issuer = DidKeyIssuer::from_seed([12; 32]);
    let spec = BadgeSpec {
        id: "urn:uuid:5c4e0000-0000-4000-8000-000000000001",
        issuer_name: "Centre de formation",
        issuer_url: "https://centre.example",
        achievement_id: "https://centre.example/badges/1",
        name: "Accueillir",
        description: "Accueillir un client.",
        criteria: "Une mise en situation.",
        image_url: "https://centre.example/badges/1.png",
        recipient_email: LEARNER,
        valid_from: "2025-09-15T09:00:00Z",
        ..Default::default()
    };
    let mut credential = ob3_credential(&issuer, &spec);
    credential["credentialSchema"] = schemas;
    tweak(&mut credential);
    serde_json::to_vec(&issuer.sign(credential, spec.valid_from).unwrap()).unwrap()
}

#[tokio::test]
async fn a_credential_must_satisfy_the_bundled_schemas_it_names() {
    let achievement = serde_json::json!([{
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        "type": "1EdTechJsonSchemaValidator2019"
    }]);
    let o = opts(&[LEARNER]);
    let r = besace_badges::verify_bytes(
        &with_schemas(achievement.clone(), |_| {}),
        &besace_badges::NoFetch,
        &o,
    )
    .await;
    assert!(r.valid(), "{:#?}", r.checks);
    assert_eq!(r.get(besace_badges::CheckId::Schema).map(|c| c.ok), Some(true));
    // An issuer url that is not a string: every other check passes, the schema refuses it.
    let bad = with_schemas(achievement, |c| c["issuer"]["url"] = 42.into());
    let r = besace_badges::verify_bytes(&bad, &besace_badges::NoFetch, &o).await;
    assert_eq!(failed(&r), ["schema"], "{:#?}", r.checks);
    let detail = r
        .get(besace_badges::CheckId::Schema)
        .unwrap()
        .detail
        .clone()
        .unwrap();
    assert!(detail.contains("/issuer"), "{detail}");
    // A schema that is not bundled is reported as not checked, and never fetched.
    let other = serde_json::json!([{"id": "https://centre.example/schema.json", "type": "1EdTechJsonSchemaValidator2019"}]);
    let r = besace_badges::verify_bytes(&with_schemas(other, |_| {}), &besace_badges::NoFetch, &o).await;
    assert!(r.valid(), "{:#?}", r.checks);
    let check = r.get(besace_badges::CheckId::Schema).unwrap();
    assert!(
        check.detail.as_deref().unwrap().contains("not checked"),
        "{check:?}"
    );
}

/// An EndorsementCredential shaped as 1EdTech's "Sample EndorsementCredential" (without
/// its extensions context, which is not bundled), signed by the `did:key` of `seed`.
fn endorsement(seed: u8, comment: &str) -> serde_json::Value {
    use besace_badges::issue::DidKeyIssuer;
    let endorser = DidKeyIssuer::from_seed([seed; 32]);
    let document = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("urn:uuid:e0d05e00-0000-4000-8000-0000000000{seed:02}"),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement by the regional council",
        "issuer": {"id": endorser.did(), "type": ["Profile"], "name": "Conseil régional"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://centre.example/badges/1",
            "type": ["EndorsementSubject"],
            "endorsementComment": comment
        }
    });
    endorser.sign(document, "2025-01-01T00:00:00Z").unwrap()
}

#[tokio::test]
async fn endorsements_are_verified_and_a_false_one_does_not_sink_the_badge() {
    use besace_badges::issue::DidKeyIssuer;
    let genuine = endorsement(21, "Ce centre forme avec sérieux.");
    let mut altered = endorsement(22, "Formation reconnue.");
    altered["credentialSubject"]["endorsementComment"] = "Le meilleur centre de France.".into();
    let jwt_endorser = DidKeyIssuer::from_seed([23; 32]);
    let mut unsigned = endorsement(23, "Partenaire depuis 2020.");
    unsigned.as_object_mut().unwrap().remove("proof");
    let jwt = jwt_endorser.sign_jwt(&unsigned, 1_735_689_600, None);
    let bytes = with_schemas(serde_json::json!([]), |c| {
        c["credentialSubject"]["achievement"]["endorsement"] = serde_json::json!([genuine, altered]);
        c["issuer"]["endorsementJwt"] = serde_json::json!([jwt]);
    });
    let r = besace_badges::verify_bytes(&bytes, &besace_badges::NoFetch, &opts(&[LEARNER])).await;
    assert!(r.valid(), "the badge stands: {:#?}", r.checks);
    let found: Vec<(bool, Option<&str>, &str)> = r
        .badge
        .endorsements
        .iter()
        .map(|e| {
            (
                e.verified,
                e.comment.as_deref(),
                e.endorser.name.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (true, Some("Ce centre forme avec sérieux."), "Conseil régional"),
            (false, Some("Le meilleur centre de France."), "Conseil régional"),
            (true, Some("Partenaire depuis 2020."), "Conseil régional"),
        ]
    );
    assert_eq!(r.badge.endorsements[2].endorses, besace_badges::Endorsed::Issuer);
    assert!(r.to_json(besace_badges::Lang::En)["badge"]["endorsements"].is_array());
}
