//! A badge issued to an address the learner has not verified yet goes in once it is.
use super::{failed_checks, outcomes};
use crate::helpers::*;
use crate::on_both_databases;

/// A genuine OB 3.0 badge (eddsa-rdfc-2022, did:key: verifiable offline) naming its
/// recipient's address in clear, as some issuers do.
fn badge_issued_in_clear_to(email: &str) -> Vec<u8> {
    use besace_badges::issue::{BadgeSpec, Target};
    signed_ob3(
        3,
        &BadgeSpec {
            id: "urn:uuid:7a2b0c1d-0000-4000-8000-000000000010",
            issuer_name: "Lycée professionnel Démo",
            issuer_url: "https://lycee.besace.test",
            achievement_id: "https://lycee.besace.test/badges/remplir-un-formulaire",
            name: "Remplir un formulaire",
            description: "Remplit un formulaire administratif sans aide.",
            criteria: "Trois formulaires remplis sans erreur.",
            image_url: "https://lycee.besace.test/badges/remplir-un-formulaire.png",
            recipient_email: email,
            salt: None,
            valid_from: "2026-02-02T09:00:00Z",
            issuer_email: Some("contact@lycee.besace.test"),
            alignments: &[Target {
                name: "Compléter un document administratif",
                url: "https://lycee.besace.test/referentiel#formulaires",
                framework: "Référentiel Démo",
                code: "ADM-2",
            }],
            ..Default::default()
        },
    )
}

on_both_databases!(
    a_badge_for_another_address_goes_in_once_that_address_is_verified,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let badge = badge_issued_in_clear_to("Marie@Ecole.fr");
        let (_, body) = app.import(&[("marie.json", badge.clone())]).await;
        assert_eq!(outcomes(&body), ["refused"], "{body}");
        assert_eq!(failed_checks(&body["results"][0]), ["recipient"]);
        assert_eq!(body["results"][0]["issued_to"], "marie@ecole.fr");

        // What the import page's button does: add the address; the learner follows the link.
        let response = app.add_email("marie@ecole.fr").await;
        assert!(response.status().is_success(), "{}", response.status());
        // Sent again (the page does it after adding), it waits for that address, once
        // however often it is sent, and nothing is in the backpack yet.
        for _ in 0..2 {
            let (_, body) = app.import(&[("marie.json", badge.clone())]).await;
            assert_eq!(outcomes(&body), ["waiting"], "{body}");
            assert_eq!(body["results"][0]["awaiting_confirmation"], "marie@ecole.fr");
        }
        assert!(
            app.badges().await.is_empty(),
            "an unverified address does not count"
        );
        // The learner opens the link: the badge goes in by itself, and the page says so.
        let link = app.next_link("marie@ecole.fr").await;
        let told = location_of(&app.follow_link(&link).await);
        assert_eq!(told, "/verify-email?confirmed&arrived=1");
        let (_, page) = app.get_html(&told).await;
        assert!(page.contains("now in your backpack: 1."), "{page}");
        let badges = app.badges().await;
        assert_eq!(badges.len(), 1);
        assert_eq!(badges[0]["name"], "Remplir un formulaire");
        let (_, body) = app.import(&[("marie.json", badge)]).await;
        assert_eq!(outcomes(&body), ["already"], "{body}");

        // Its page tells who to contact at the issuer and which skill it stands for.
        let id = badges[0]["id"].to_string();
        let (status, html) = app.get_html(&format!("/badges/{id}")).await;
        assert_eq!(status, 200);
        for shown in [
            "contact@lycee.besace.test",
            "Compléter un document administratif",
            "Référentiel Démo · ADM-2",
            "https://lycee.besace.test/referentiel#formulaires",
        ] {
            assert!(html.contains(shown), "{shown} missing from the badge page");
        }
    }
);

on_both_databases!(
    a_badge_a_platform_pushes_for_an_unconfirmed_address_waits_then_goes_to_the_inbox,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let response = app.add_email("marie@ecole.fr").await;
        assert!(response.status().is_success(), "{}", response.status());
        let upsert = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert";
        let platform = Platform::register_ob30(&app).await;
        let tokens = connect(&platform, &app, upsert).await;
        let push = |to: &str| {
            platform
                .http
                .post(app.url("/ims/ob/v3p0/credentials"))
                .bearer_auth(&tokens.access)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(badge_issued_in_clear_to(to))
                .send()
        };
        // Taken (the platform's job is done), but neither in the inbox nor the backpack
        // while the address waits for its link; sent twice, it waits once.
        for _ in 0..2 {
            assert_eq!(push("marie@ecole.fr").await.unwrap().status(), 201);
        }
        let (_, inbox) = app.get_html("/inbox").await;
        assert!(form_ids(&inbox, "/api/accept_inbox").is_empty(), "{inbox}");
        assert!(app.badges().await.is_empty());

        // The link is opened: the badge goes to the inbox, where the learner decides.
        let link = app.next_link("marie@ecole.fr").await;
        let told = location_of(&app.follow_link(&link).await);
        assert_eq!(
            told, "/verify-email?confirmed",
            "pushed badges go to the inbox, not counted here"
        );
        let (_, inbox) = app.get_html("/inbox").await;
        let waiting = form_ids(&inbox, "/api/accept_inbox");
        assert_eq!(waiting.len(), 1, "{inbox}");
        assert!(inbox.contains("Remplir un formulaire"), "{inbox}");
        assert!(
            app.badges().await.is_empty(),
            "the learner has not accepted it yet"
        );
        submit(&app, "/api/accept_inbox", &[("id", &waiting[0])]).await;
        assert_eq!(app.badges().await.len(), 1);

        // Pushed for an address that is not the learner's at all: still refused.
        let response = push("quelqu.un@ailleurs.fr").await.unwrap();
        assert_eq!(response.status(), 400);
    }
);
