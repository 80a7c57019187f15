//! The issuer kit's badges, checked by the verifier.
use super::*;
use crate::{verify_bytes, NoFetch, VerifyOptions};
use serde_json::{json, Value};

const LEARNER: &str = "lea.martin@example.org";

fn badge() -> BadgeSpec<'static> {
    BadgeSpec {
        id: "urn:uuid:6d1f2a3b-0000-4000-8000-000000000001",
        issuer_name: "Centre de formation Démo",
        issuer_url: "https://demo.besace.test",
        achievement_id: "https://demo.besace.test/badges/etre-ponctuel",
        name: "Être ponctuel",
        description: "Arrive à l'heure et prévient en cas de retard.",
        criteria: "Observé pendant quatre semaines de stage.",
        image_url: "https://demo.besace.test/badges/etre-ponctuel.png",
        recipient_email: LEARNER,
        salt: Some("gros-sel"),
        valid_from: "2026-03-02T09:00:00Z",
        tags: &["savoir-être"],
        issuer_email: Some("contact@demo.besace.test"),
        alignments: &[Target {
            name: "Respecter les horaires",
            url: "https://demo.besace.test/referentiel/savoir-etre#ponctualite",
            framework: "Référentiel savoir-être Démo",
            code: "SE-04",
        }],
    }
}

fn options() -> VerifyOptions {
    VerifyOptions {
        recipients: vec![LEARNER.into()],
        ..Default::default()
    }
}

#[tokio::test]
async fn signed_and_baked_badges_verify_offline() {
    let issuer = DidKeyIssuer::from_seed([7; 32]);
    assert!(issuer.did().starts_with("did:key:z6Mk"));
    let credential = issuer
        .sign(ob3_credential(&issuer, &badge()), "2026-03-02T09:00:00Z")
        .unwrap();

    let json = serde_json::to_vec(&credential).unwrap();
    let report = verify_bytes(&json, &NoFetch, &options()).await;
    assert!(report.valid(), "{:#?}", report.errors(crate::Lang::En));
    assert_eq!(report.badge.name.as_deref(), Some("Être ponctuel"));
    assert_eq!(
        report.badge.issuer.email.as_deref(),
        Some("contact@demo.besace.test")
    );
    let aligned = &report.badge.alignments;
    assert_eq!(aligned.len(), 1, "{aligned:?}");
    assert_eq!(aligned[0].name.as_deref(), Some("Respecter les horaires"));
    assert_eq!(aligned[0].code.as_deref(), Some("SE-04"));

    let png = bake_png(&disc_png(64, [47, 93, 80]), &credential).unwrap();
    assert!(verify_bytes(&png, &NoFetch, &options()).await.valid());
    let svg = bake_svg(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#,
        &credential,
    )
    .unwrap();
    assert!(
        verify_bytes(svg.as_bytes(), &NoFetch, &options()).await.valid(),
        "{svg}"
    );

    // A changed word breaks the proof.
    let mut forged = credential.clone();
    forged["name"] = json!("Être toujours ponctuel");
    assert!(
        !verify_bytes(&serde_json::to_vec(&forged).unwrap(), &NoFetch, &options())
            .await
            .valid()
    );
}

/// Serves an Open Badges 2.0 issuer's documents (and hosted assertions) from memory.
fn served(documents: Vec<(String, Value)>) -> crate::Bundled<NoFetch> {
    crate::Bundled::new(NoFetch, move |url: &str| {
        documents
            .iter()
            .find(|(u, _)| u == url)
            .map(|(u, doc)| crate::FetchResponse {
                status: 200,
                url: u.clone(),
                content_type: Some("application/ld+json".into()),
                body: doc.to_string().into_bytes(),
                headers: Vec::new(),
            })
    })
}

#[tokio::test]
async fn open_badges_2_hosted_and_signed_badges_verify() {
    let issuer = HostedIssuer::new(
        include_str!("../../fixtures/keys/test-issuer.pem"),
        "https://demo.besace.test/",
    )
    .unwrap();
    let hosted_id = "https://demo.besace.test/assertions/1.json";
    let spec = BadgeSpec {
        id: hosted_id,
        achievement_id: "https://demo.besace.test/badges/etre-ponctuel.json",
        ..badge()
    };
    let hosted = issuer.assertion(&spec, false);
    let fetcher = served(vec![
        (issuer.profile_url(), issuer.profile(&spec)),
        (issuer.key_url(), issuer.key().unwrap()),
        (spec.achievement_id.into(), issuer.badge_class(&spec)),
        (hosted_id.into(), hosted.clone()),
    ]);
    let picture = disc_png(32, [1, 2, 3]);
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>"#;

    let hosted_png = bake_png_ob2(&picture, &hosted.to_string()).unwrap();
    let hosted_svg = bake_svg_ob2(svg, hosted_id, Some(&hosted)).unwrap();
    for file in [hosted_png, hosted_svg.into_bytes()] {
        let report = verify_bytes(&file, &fetcher, &options()).await;
        assert!(report.valid(), "{:#?}", report.errors(crate::Lang::En));
        assert_eq!(
            report.badge.issuer.email.as_deref(),
            Some("contact@demo.besace.test")
        );
        assert_eq!(report.badge.alignments.len(), 1);
    }

    let jws = issuer.sign(&issuer.assertion(&spec, true)).unwrap();
    for file in [
        bake_png_ob2(&picture, &jws).unwrap(),
        bake_svg_ob2(svg, &jws, None).unwrap().into_bytes(),
    ] {
        let report = verify_bytes(&file, &fetcher, &options()).await;
        assert!(report.valid(), "{:#?}", report.errors(crate::Lang::En));
        assert_eq!(report.badge.name.as_deref(), Some("Être ponctuel"));
    }

    // Another key signing for this issuer is refused, and so is a badge whose
    // documents cannot be fetched.
    let impostor = HostedIssuer::new(
        include_str!("../../fixtures/keys/other-issuer.pem"),
        "https://demo.besace.test/",
    )
    .unwrap();
    let forged = bake_png_ob2(&picture, &impostor.sign(&issuer.assertion(&spec, true)).unwrap()).unwrap();
    assert!(!verify_bytes(&forged, &fetcher, &options()).await.valid());
    let offline = bake_png_ob2(&picture, &jws).unwrap();
    assert!(!verify_bytes(&offline, &NoFetch, &options()).await.valid());
}

#[test]
fn baking_refuses_what_is_not_an_image() {
    assert_eq!(bake_png(b"GIF89a", &json!({})), None);
    assert_eq!(bake_svg("<html></html>", &json!({})), None);
}
