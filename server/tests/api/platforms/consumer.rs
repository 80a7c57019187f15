//! Besace as an OB 3.0 Service Consumer, against a second Besace started by the test: the
//! learner gives the other backpack's address in settings, consents there in their browser,
//! and their OB 3.0 badges come over through the normal import (one already here is
//! recognised); importing again, declining, bad addresses and removing the connection.
use super::credential_named;
use crate::helpers::*;
use crate::on_both_databases;

/// A genuine OB 3.0 credential for the learner with an id of its own.
fn credential(id: &'static str, name: &'static str) -> Vec<u8> {
    let spec = besace_badges::issue::BadgeSpec {
        id,
        issuer_name: "Centre de formation Démo",
        issuer_url: "https://demo.besace.test/",
        achievement_id: "https://demo.besace.test/badges/ecoute",
        name,
        description: "Écoute les clients jusqu'au bout.",
        criteria: "Observé en situation.",
        image_url: "https://demo.besace.test/badges/ecoute.png",
        recipient_email: LEARNER,
        valid_from: "2026-09-01T09:00:00Z",
        ..Default::default()
    };
    signed_ob3(21, &spec)
}

/// The settings' sentence about the connection, whatever the page's language.
fn summary(page: &str, added: u32, already: u32) -> bool {
    page.contains(&format!("{added} added, {already} already here"))
        || page.contains(&format!("{added} ajoutés, {already} déjà là"))
}

async fn settings_once_imported(app: &TestApp) -> String {
    for _ in 0..100 {
        let (_, page) = app.get_html("/settings").await;
        if !page.contains("http-equiv=\"refresh\"") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the import did not finish");
}

on_both_databases!(
    a_learner_brings_the_badges_of_another_besace,
    |db: TestDb| async move {
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        let other = db
            .spawn_other_backpack(|args| args.allow_private_network = true)
            .await;
        let shared = credential_named("Précision");
        other.learner_with_verified(LEARNER).await;
        let (status, body) = other
            .import(&[
                ("precision.json", shared.clone()),
                (
                    "ecoute.json",
                    credential("urn:uuid:0b5e0000-0000-4000-8000-0000000000e1", "Écoute active"),
                ),
            ])
            .await;
        assert_eq!(status, 200, "{body}");
        app.learner_with_verified(LEARNER).await;
        app.import(&[("precision.json", shared)]).await;

        // Settings → the other backpack's consent page, in the learner's browser there.
        let response = app
            .post_page_form("/api/connect_backpack", &[("address", &other.address)])
            .await;
        let authorize = location(&response);
        assert!(
            authorize.starts_with(&format!("{}/o/authorize?", other.address)),
            "{authorize}"
        );
        let (callback, consent_page) = consent(&other, &authorize, "allow").await;
        assert!(
            consent_page.contains("Besace"),
            "the other backpack names who asks"
        );
        assert!(
            callback.starts_with(&app.url("/connect-backpack/callback?")),
            "{callback}"
        );
        let response = app.get(callback.strip_prefix(&app.address).unwrap()).await;
        assert_eq!(location(&response), "/settings#remote");

        let page = settings_once_imported(&app).await;
        assert!(summary(&page, 1, 1), "{page}");
        let names: Vec<String> = app
            .badges()
            .await
            .iter()
            .map(|b| b["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"Écoute active".to_owned()), "{names:?}");

        // Again later: nothing new, both recognised.
        let connection = form_ids(&page, "/api/import_again");
        assert_eq!(connection.len(), 1);
        submit(&app, "/api/import_again", &[("id", &connection[0])]).await;
        let page = settings_once_imported(&app).await;
        assert!(summary(&page, 0, 2), "{page}");

        // Removed: the connection goes, the badges stay.
        submit(&app, "/api/remove_backpack", &[("id", &connection[0])]).await;
        let (_, page) = app.get_html("/settings").await;
        assert!(form_ids(&page, "/api/remove_backpack").is_empty());
        assert_eq!(app.badges().await.len(), 2);

        // Declined at the other backpack: nothing is stored.
        let response = app
            .post_page_form("/api/connect_backpack", &[("address", &other.address)])
            .await;
        let (callback, _) = consent(&other, &location(&response), "deny").await;
        let response = app.get(callback.strip_prefix(&app.address).unwrap()).await;
        assert_eq!(location(&response), "/settings?remote=declined#remote");
        // A code that comes back with another state than the request's is refused, and
        // the request is spent; with no request waiting, the same.
        app.post_page_form("/api/connect_backpack", &[("address", &other.address)])
            .await;
        let response = app.get("/connect-backpack/callback?code=x&state=y").await;
        assert_eq!(location(&response), "/settings?remote=stale#remote");
        let response = app.get("/connect-backpack/callback?code=x&state=y").await;
        assert_eq!(location(&response), "/settings?remote=stale#remote");
        assert!(form_ids(&app.get_html("/settings").await.1, "/api/remove_backpack").is_empty());
    }
);

on_both_databases!(
    addresses_that_lead_to_no_backpack_are_explained,
    |db: TestDb| async move {
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let site = static_site(vec![("/index.html", b"<p>hello</p>".to_vec())]).await;
        for (address, outcome) in [
            ("javascript:alert(1)", "bad_address"),
            ("   ", "bad_address"),
            (site.as_str(), "no_description"),
        ] {
            let response = app
                .post_page_form("/api/connect_backpack", &[("address", address)])
                .await;
            assert_eq!(
                location(&response),
                format!("/settings?remote={outcome}#remote"),
                "{address}"
            );
        }
        let (_, page) = app.get_html("/settings?remote=no_description").await;
        assert!(
            page.contains("No Open Badges 3.0 backpack answers")
                || page.contains("Aucune besace Open Badges 3.0"),
            "{page}"
        );
    }
);
