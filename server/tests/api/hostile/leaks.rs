//! What must not leak nor outlive its owner: the public demo key proves nothing outside the
//! demo, fetch errors do not map the network, a deleted account takes its pictures.
use super::badge_with_picture;
use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    the_public_demo_key_proves_nothing_outside_the_demo,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified("camille.durand@example.org").await;
        // An OB 3.0 demo badge (did:key) and an OB 2.0 signed one (RSA key in the repository).
        let files: Vec<(&str, Vec<u8>)> = [(0, "ob2.png"), (2, "ob3.png")]
            .into_iter()
            .map(|(index, name)| (name, besace_server::demo::badge_file(index).unwrap()))
            .collect();
        let (_, body) = app.import(&files).await;
        for result in body["results"].as_array().unwrap() {
            assert_eq!(result["outcome"], "refused", "{result}");
            let checks = result["report"]["checks"].as_array().unwrap();
            let trust = checks
                .iter()
                .find(|c| c["id"] == "issuer.trust")
                .unwrap_or_else(|| panic!("no issuer.trust check: {result}"));
            assert_eq!(trust["ok"], false);
            assert!(
                trust["message"].as_str().unwrap().contains("demonstration key"),
                "{trust}"
            );
        }
        // A server started for the demo takes the same files.
        let demo = db.spawn_app_with(|args| args.demo = true).await;
        demo.login("camille.durand@example.org", PASSWORD).await;
        let (_, body) = demo.import(&files).await;
        for result in body["results"].as_array().unwrap() {
            assert_eq!(result["outcome"], "added", "{result}");
        }
    }
);

on_both_databases!(fetch_errors_do_not_map_the_network, |db: TestDb| async move {
    // With private addresses allowed (a test server), a closed port on loopback; without,
    // a name that resolves to loopback. Neither report names an address or a port state.
    let open = db.spawn_app_with(|args| args.allow_private_network = true).await;
    open.learner_with_verified(LEARNER).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (_, body) = open
        .import_fields(&[("url", format!("http://127.0.0.1:{closed}/badge.json"))])
        .await;
    let shown = body["results"][0]["report"].to_string();
    assert!(shown.contains("did not answer properly"), "{shown}");
    for leak in [
        "refused",
        "tcp",
        "os error",
        "error sending request",
        "Connection",
    ] {
        assert!(!shown.contains(leak), "{leak}: {shown}");
    }

    let closed_to_private = db.spawn_app().await;
    let browser = closed_to_private.new_browser();
    browser.login(LEARNER, PASSWORD).await;
    let (_, body) = browser
        .import_fields(&[("url", "http://localhost:9/badge.json".to_owned())])
        .await;
    let shown = body["results"][0]["report"].to_string();
    assert!(shown.contains("not on the public internet"), "{shown}");
    for leak in ["127.0.0.1", "::1", "private or reserved"] {
        assert!(!shown.contains(leak), "{leak}: {shown}");
    }
});

on_both_databases!(
    a_deleted_account_takes_its_pictures_but_not_anothers,
    |db: TestDb| async move {
        use sea_orm::{ConnectionTrait, Statement};
        let app = db.spawn_app().await;
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let blobs = || async {
            let row = database
                .query_one(Statement::from_string(
                    database.get_database_backend(),
                    "SELECT COUNT(*) AS n FROM blobs",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        };
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app
            .import(&[(
                "a.json",
                badge_with_picture(LEARNER, "urn:uuid:0b5e0000-0000-4000-8000-00000000b10b"),
            )])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        assert_eq!(blobs().await, 1);
        // Another learner with a badge showing the same picture.
        let other = app.new_browser();
        let paul = "paul.durand@example.org";
        other.signup(paul, "Paul Durand", PASSWORD).await;
        let (_, body) = other
            .import(&[(
                "b.json",
                badge_with_picture(paul, "urn:uuid:0b5e0000-0000-4000-8000-00000000b10c"),
            )])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        assert_eq!(blobs().await, 1, "one picture, stored once");

        let response = app
            .post_form("/api/delete_account", &[("password", PASSWORD)])
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        assert_eq!(blobs().await, 1, "Paul's badge still shows it");
        let response = other
            .post_form("/api/delete_account", &[("password", PASSWORD)])
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        assert_eq!(blobs().await, 0, "nobody shows it any more");
    }
);
