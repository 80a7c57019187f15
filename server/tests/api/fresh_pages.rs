//! Public pages never lag behind a write, whichever door made it: each write announces
//! what it changed once it has committed, and the cached pages go. The three doors that
//! used to forget: an import through the backpack API, accepting an inbox item, and a
//! platform's new version of a badge in a published gallery.
use crate::helpers::*;
use crate::on_both_databases;
use besace_badges::issue::BadgeSpec;
use reqwest::header;

fn credential(id: &'static str, name: &'static str) -> Vec<u8> {
    signed_ob3(
        61,
        &BadgeSpec {
            id,
            issuer_name: "Campus",
            issuer_url: "https://campus.example",
            achievement_id: "https://campus.example/badges/1",
            name,
            description: "Décrit.",
            criteria: "Observé.",
            image_url: "https://campus.example/badges/1.png",
            recipient_email: LEARNER,
            valid_from: "2026-02-01T09:00:00Z",
            ..Default::default()
        },
    )
}

/// A learner whose public profile shows the whole backpack; answers its path.
async fn public_backpack(app: &TestApp) -> String {
    app.learner_with_verified(LEARNER).await;
    app.call("set_profile", &[("handle", "ana-martin"), ("mode", "backpack")])
        .await;
    "/u/ana-martin".to_owned()
}

async fn push(app: &TestApp, platform: &Platform, token: &str, body: Vec<u8>) -> u16 {
    platform
        .http
        .post(app.url("/ims/ob/v3p0/credentials"))
        .bearer_auth(token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

on_both_databases!(
    an_import_through_the_backpack_api_shows_on_the_profile_at_once,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let profile = public_backpack(&app).await;
        let visitor = app.new_browser();
        let (_, before) = visitor.get_html(&profile).await;
        assert!(!before.contains("Premier badge"), "{before}");
        let (_, body) = app
            .import(&[(
                "a.json",
                credential("urn:uuid:f5e50000-0000-4000-8000-000000000001", "Premier badge"),
            )])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        let (_, after) = visitor.get_html(&profile).await;
        assert!(
            after.contains("Premier badge"),
            "the cached profile was dropped: {after}"
        );
    }
);

on_both_databases!(
    accepting_an_inbox_item_shows_on_the_profile_at_once,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let profile = public_backpack(&app).await;
        let platform = Platform::register_ob30(&app).await;
        let tokens = connect(&platform, &app, UPSERT).await;
        let pushed = credential("urn:uuid:f5e50000-0000-4000-8000-000000000002", "Badge envoyé");
        assert_eq!(push(&app, &platform, &tokens.access, pushed).await, 201);
        let visitor = app.new_browser();
        let (_, before) = visitor.get_html(&profile).await;
        assert!(
            !before.contains("Badge envoyé"),
            "waiting in the inbox, not shown: {before}"
        );
        let (_, inbox) = app.get_html("/inbox").await;
        let waiting = form_ids(&inbox, "/api/accept_inbox");
        submit(&app, "/api/accept_inbox", &[("id", &waiting[0])]).await;
        let (_, after) = visitor.get_html(&profile).await;
        assert!(after.contains("Badge envoyé"), "{after}");
    }
);

on_both_databases!(
    a_platforms_new_version_shows_in_the_gallery_at_once,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let platform = Platform::register_ob30(&app).await;
        let tokens = connect(&platform, &app, UPSERT).await;
        let id = "urn:uuid:f5e50000-0000-4000-8000-000000000003";
        assert_eq!(
            push(&app, &platform, &tokens.access, credential(id, "Ancien nom")).await,
            201
        );
        let (_, inbox) = app.get_html("/inbox").await;
        submit(
            &app,
            "/api/accept_inbox",
            &[("id", &form_ids(&inbox, "/api/accept_inbox")[0])],
        )
        .await;
        let badge = app.badges().await[0]["id"].to_string();
        let collection = app.create_collection("Ma vitrine").await;
        app.add_to(&collection, &badge).await;
        let gallery = path_of(
            app.publish(&collection, true).await["share_url"]
                .as_str()
                .unwrap(),
        );
        let visitor = app.new_browser();
        let (_, before) = visitor.get_html(&gallery).await;
        assert!(before.contains("Ancien nom"), "{before}");
        // The same platform sends a new version of the same credential: it replaces it.
        assert_eq!(
            push(&app, &platform, &tokens.access, credential(id, "Nouveau nom")).await,
            200
        );
        let (_, after) = visitor.get_html(&gallery).await;
        assert!(
            after.contains("Nouveau nom") && !after.contains("Ancien nom"),
            "{after}"
        );
    }
);
