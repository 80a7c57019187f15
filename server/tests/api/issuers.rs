//! How a badge's issuer is known, said on the learner's badge page and on the recruiter's
//! public view: by its website, only by the badge's own word (a `did:key` can take any
//! name), or as an issuer this site vouches for (`BESACE_KNOWN_ISSUERS`).
use crate::collections::path_of;
use crate::helpers::*;
use crate::on_both_databases;
use besace_badges::issue::{BadgeSpec, DidKeyIssuer};

const LEARNER: &str = "ana.martin@example.org";
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

/// The badge page (learner) and its public view (recruiter), once published.
async fn pages(app: &TestApp, badge_id: &str) -> (String, String) {
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
    (own, public)
}

on_both_databases!(
    a_did_key_issuer_is_said_to_be_unconfirmed_whatever_name_it_takes,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app.import(&[("cv.json", badge())]).await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        let id = body["results"][0]["badge"]["id"].to_string();
        let (own, public) = pages(&app, &id).await;
        for html in [&own, &public] {
            assert!(
                html.contains("Issuer not confirmed: this name is only what the badge says about itself."),
                "{html}"
            );
            assert!(html.contains("issuer-unconfirmed"));
        }
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
        let (own, public) = pages(&app, &id).await;
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
