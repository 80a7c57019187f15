//! Badge Connect (Open Badges 2.1): discovery and dynamic registration, as Moodle does them.
use crate::helpers::OB21 as SCOPES;
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::{json, Value};

/// Moodle's registration, with its public callback.
fn moodle_registration(scopes: &str) -> Value {
    moodle_registration_to("https://moodle.example/admin/oauth2callback.php", scopes)
}

on_both_databases!(
    a_platform_discovers_besace_and_registers_itself,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        // Discovery, read the way Moodle reads it: the last badgeConnectAPI entry.
        let manifest: Value = app
            .client
            .get(app.url("/.well-known/badgeconnect.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let api = manifest["badgeConnectAPI"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(api["type"], "BadgeConnectAPI");
        assert_eq!(api["scopesOffered"], json!(SCOPES));
        for key in [
            "registrationUrl",
            "authorizationUrl",
            "tokenUrl",
            "apiBase",
            "image",
        ] {
            let url = api[key].as_str().unwrap_or_else(|| panic!("{key} in {manifest}"));
            assert!(url.starts_with(&app.address), "{key}: {url}");
        }

        // Registration, with the scopes from discovery, as a server sends it (no Origin).
        let scopes = api["scopesOffered"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        let response = app
            .client
            .post(api["registrationUrl"].as_str().unwrap())
            .header("Accept", "application/json")
            .json(&moodle_registration(&scopes))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert!(set_cookies(&response).is_empty(), "no session for machines");
        let registered: Value = response.json().await.unwrap();
        let client_id = registered["client_id"].as_str().unwrap();
        let secret = registered["client_secret"].as_str().unwrap();
        assert!(client_id.len() >= 22 && secret.len() >= 43, "{registered}");
        assert_eq!(registered["client_secret_expires_at"], 0);
        assert_eq!(registered["client_name"], "Campus Moodle");
        assert_eq!(registered["scope"], scopes);
        assert_eq!(
            registered["redirect_uris"],
            json!(["https://moodle.example/admin/oauth2callback.php"])
        );

        // Only a hash of the secret is kept.
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let stored = besace_core::oauth_clients::find(&database, client_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.secret_sha256, besace_core::sha256_hex(secret.as_bytes()));
        assert!(!stored.secret_sha256.contains(secret));

        // A second registration is another client with another secret.
        let again: Value = app
            .client
            .post(app.url("/o/register"))
            .json(&moodle_registration(&scopes))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_ne!(again["client_id"], registered["client_id"]);
        assert_ne!(again["client_secret"], registered["client_secret"]);
    }
);

on_both_databases!(
    a_bad_registration_is_refused_with_the_reason_and_stores_nothing,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let post = |body: String| {
            app.client
                .post(app.url("/o/register"))
                .header("Content-Type", "application/json")
                .body(body)
                .send()
        };
        let mut insecure = moodle_registration(SCOPES[0]);
        insecure["redirect_uris"] = json!(["http://moodle.example/admin/oauth2callback.php"]);
        let mut greedy = moodle_registration("https://purl.imsglobal.org/spec/ob/v3p0/scope/everything");
        greedy["client_name"] = json!("Greedy");
        let mut nameless = moodle_registration(SCOPES[0]);
        nameless.as_object_mut().unwrap().remove("client_name");
        for (body, code) in [
            (insecure.to_string(), "invalid_redirect_uri"),
            (greedy.to_string(), "invalid_client_metadata"),
            (nameless.to_string(), "invalid_client_metadata"),
            ("{not json".to_owned(), "invalid_client_metadata"),
        ] {
            let response = post(body.clone()).await.unwrap();
            assert_eq!(response.status(), 400, "{body}");
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["error"], code, "{body}: {error}");
            assert!(error["error_description"].as_str().is_some_and(|d| !d.is_empty()));
        }
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        use sea_orm::{EntityTrait, PaginatorTrait};
        let count = besace_core::oauth_clients::entity::Entity::find()
            .count(&database)
            .await
            .unwrap();
        assert_eq!(count, 0);
    }
);

on_both_databases!(registration_is_open_but_rate_limited, |db: TestDb| async move {
    let app = db.spawn_app_with(|args| args.rate_limit_per_ip = 3).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = app
            .client
            .post(app.url("/o/register"))
            .json(&moodle_registration(SCOPES[1]))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 429, 429]);
});
