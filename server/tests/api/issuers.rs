//! How a badge's issuer is known, said on the learner's badge page and on the recruiter's
//! public view: by its website, only by the badge's own word (a `did:key` can take any
//! name), or as an issuer this site vouches for (`BESACE_KNOWN_ISSUERS`).
use crate::helpers::*;
use crate::on_both_databases;
use besace_badges::issue::{BadgeSpec, DidKeyIssuer};

const SEED: u8 = 41;

fn badge() -> Vec<u8> {
    signed_ob3(
        SEED,
        &BadgeSpec {
            id: "urn:uuid:155e0000-0000-4000-8000-000000000001",
            issuer_name: "Pôle emploi officiel",
            issuer_url: "https://pole-emploi.example",
            achievement_id: "https://pole-emploi.example/badges/1",
            name: "Rédiger un CV",
            description: "Un CV clair d'une page.",
            criteria: "Relu par un conseiller.",
            image_url: "https://pole-emploi.example/badges/1.png",
            recipient_email: LEARNER,
            valid_from: "2026-02-01T09:00:00Z",
            ..Default::default()
        },
    )
}

/// The badge page (learner) and its public view (recruiter), once published; and the
/// gallery's card of it.
async fn pages(app: &TestApp, badge_id: &str) -> (String, String, String) {
    let (_, own) = app.get_html(&format!("/badges/{badge_id}")).await;
    let collection = app.create_collection("Mes badges").await;
    app.add_to(&collection, badge_id).await;
    let link = path_of(
        app.publish(&collection, true).await["share_url"]
            .as_str()
            .unwrap(),
    );
    let (status, public) = app
        .new_browser()
        .get_html(&format!("{link}/badges/{badge_id}"))
        .await;
    assert_eq!(status, 200, "{public}");
    let (_, gallery) = app.new_browser().get_html(&link).await;
    (own, public, gallery)
}

on_both_databases!(
    a_did_key_issuer_is_said_to_be_unconfirmed_whatever_name_it_takes,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app.import(&[("cv.json", badge())]).await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        let id = body["results"][0]["badge"]["id"].to_string();
        let (own, public, gallery) = pages(&app, &id).await;
        for html in [&own, &public] {
            assert!(
                html.contains("Issuer not confirmed: this name is only what the badge says about itself."),
                "{html}"
            );
            assert!(html.contains("issuer-unconfirmed"));
        }
        assert!(
            gallery.contains("Issuer not confirmed") && gallery.contains("issuer-unconfirmed"),
            "{gallery}"
        );
    }
);

on_both_databases!(
    an_issuer_listed_by_the_site_is_a_known_issuer,
    |db: TestDb| async move {
        let did = DidKeyIssuer::from_seed([SEED; 32]).did().to_owned();
        let list = db.serve_args().database.data_dir.join("known-issuers.txt");
        std::fs::create_dir_all(list.parent().unwrap()).unwrap();
        std::fs::write(
            &list,
            format!("# Le réseau\n{did}  Centre de formation du réseau\nmoodle.campus.example Campus\n"),
        )
        .unwrap();
        let app = db
            .spawn_app_with(|args| args.known_issuers = Some(list.clone()))
            .await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app.import(&[("cv.json", badge())]).await;
        let id = body["results"][0]["badge"]["id"].to_string();
        let (own, public, gallery) = pages(&app, &id).await;
        assert!(gallery.contains("Known issuer"), "{gallery}");
        for html in [&own, &public] {
            assert!(
                html.contains("Known issuer: Centre de formation du réseau, recognised by this site."),
                "{html}"
            );
            assert!(!html.contains("issuer-unconfirmed"));
        }
        // A list that cannot be read stops the server with a clear error.
        std::fs::write(&list, "nothing-but-one-word\n").unwrap();
        let mut args = db.serve_args();
        args.known_issuers = Some(list.clone());
        let error = besace_server::startup::Application::build(&args)
            .await
            .err()
            .unwrap();
        assert!(format!("{error:#}").contains("line 1"), "{error:#}");
    }
);

/// An endorsement of the achievement by the `did:key` of `seed` (1EdTech's sample shape),
/// its comment changed after signing when `altered`.
fn endorsement(seed: u8, comment: &str, altered: bool) -> serde_json::Value {
    let endorser = DidKeyIssuer::from_seed([seed; 32]);
    let mut signed = endorser
        .sign(
            serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                "id": format!("urn:uuid:e0d05e00-0000-4000-8000-0000000001{seed:02}"),
                "type": ["VerifiableCredential", "EndorsementCredential"],
                "name": "Recommandation",
                "issuer": {"id": endorser.did(), "type": ["Profile"], "name": format!("Recommandeur {seed}")},
                "validFrom": "2025-01-01T00:00:00Z",
                "credentialSubject": {"id": "https://pole-emploi.example/badges/1", "type": ["EndorsementSubject"], "endorsementComment": comment}
            }),
            "2025-01-01T00:00:00Z",
        )
        .unwrap();
    if altered {
        signed["credentialSubject"]["endorsementComment"] = "Le meilleur, garanti !".into();
    }
    signed
}

on_both_databases!(
    endorsements_show_who_vouches_and_visitors_see_only_verified_ones,
    |db: TestDb| async move {
        use besace_badges::issue::ob3_credential;
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let issuer = DidKeyIssuer::from_seed([SEED; 32]);
        let spec = BadgeSpec {
            id: "urn:uuid:155e0000-0000-4000-8000-000000000002",
            issuer_name: "Centre",
            issuer_url: "https://centre.example",
            achievement_id: "https://centre.example/badges/2",
            name: "Accueillir un public",
            description: "Accueil.",
            criteria: "Observé.",
            image_url: "https://centre.example/badges/2.png",
            recipient_email: LEARNER,
            valid_from: "2026-02-01T09:00:00Z",
            ..Default::default()
        };
        let mut credential = ob3_credential(&issuer, &spec);
        credential["credentialSubject"]["achievement"]["endorsement"] = serde_json::json!([
            endorsement(51, "Un centre sérieux <b>et</b> reconnu.", false),
            endorsement(52, "Formation reconnue.", true),
        ]);
        let bytes = serde_json::to_vec(&issuer.sign(credential, spec.valid_from).unwrap()).unwrap();
        let (_, body) = app.import(&[("accueil.json", bytes)]).await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        let id = body["results"][0]["badge"]["id"].to_string();
        let (own, public, _) = pages(&app, &id).await;
        // Markup in an endorsement is text, like every badge text.
        let genuine = "Un centre sérieux &lt;b&gt;et&lt;/b&gt; reconnu.";
        assert!(own.contains("Endorsed by") && own.contains(genuine), "{own}");
        assert!(own.contains("Le meilleur, garanti !") && own.contains("could not be verified"));
        assert!(public.contains(genuine), "{public}");
        assert!(
            !public.contains("Le meilleur, garanti !"),
            "a visitor never reads a false one"
        );
    }
);
