//! The Open Badges 3.0 API: a client upserting credentials and the profile, and a platform
//! replacing only the badges it sent (with the history saying so).
use super::{credential_by, credential_named};
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::{json, Value};

on_both_databases!(
    an_open_badges_3_client_upserts_credentials_and_the_profile,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let platform = Platform::register_ob30(&app).await;
        let scopes = [
            "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
            "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert",
            "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly",
            "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update",
        ];
        let tokens = connect(&platform, &app, &scopes.join(" ")).await;
        let credentials = app.url("/ims/ob/v3p0/credentials");

        // An eddsa-rdfc-2022 credential (JSON), then a VC-JWT (text/plain).
        let credential = fixture("di-didkey.json");
        let post = |body: Vec<u8>, content_type: &'static str| {
            let request = platform.http.post(&credentials).bearer_auth(&tokens.access);
            request
                .header(header::CONTENT_TYPE, content_type)
                .body(body)
                .send()
        };
        let response = post(credential.clone(), "application/json").await.unwrap();
        assert_eq!(response.status(), 201, "created");
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            credential.as_slice(),
            "echoed"
        );
        let response = post(credential.clone(), "application/json").await.unwrap();
        assert_eq!(response.status(), 200, "the same credential again");
        let jwt = fixture("jwt-eddsa.jwt");
        let response = post(jwt.clone(), "text/plain").await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain");

        // Refused: not a badge; a badge for someone else; a tampered one.
        let response = post(
            b"{\"type\": [\"VerifiableCredential\"]}".to_vec(),
            "application/json",
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["imsx_codeMajor"], "failure");
        assert_eq!(
            body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
            "invalid_data"
        );
        let response = post(fixture("di-tampered-name.json"), "application/json")
            .await
            .unwrap();
        assert_eq!(response.status(), 400);

        let (_, inbox) = app.get_html("/inbox").await;
        let waiting = form_ids(&inbox, "/api/accept_inbox");
        assert_eq!(waiting.len(), 2, "{inbox}");
        // One is declined, one accepted.
        let response = submit(&app, "/api/decline_inbox", &[("id", &waiting[0])]).await;
        assert_eq!(location(&response), "/inbox");
        submit(&app, "/api/accept_inbox", &[("id", &waiting[1])]).await;
        assert_eq!(app.badges().await.len(), 1);
        let (_, inbox) = app.get_html("/inbox").await;
        assert!(inbox.contains("No badge is waiting"));

        // Upsert by id: a new version of a credential in the backpack replaces it (200).
        let response = post(credential_named("Précision"), "application/json")
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let (_, inbox) = app.get_html("/inbox").await;
        let waiting = form_ids(&inbox, "/api/accept_inbox");
        submit(&app, "/api/accept_inbox", &[("id", &waiting[0])]).await;
        let response = post(credential_named("Précision au millimètre"), "application/json")
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "replaced");
        let names: Vec<Value> = app.badges().await.iter().map(|b| b["name"].clone()).collect();
        assert!(names.contains(&json!("Précision au millimètre")), "{names:?}");
        assert!(!names.contains(&json!("Précision")), "{names:?}");
        let (_, inbox) = app.get_html("/inbox").await;
        assert!(
            inbox.contains("No badge is waiting"),
            "replaced in place, not queued again"
        );

        // Listing: the spec's body and headers.
        let response = platform
            .http
            .get(&credentials)
            .bearer_auth(&tokens.access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-total-count"], "2");
        assert!(response.headers()[header::LINK]
            .to_str()
            .unwrap()
            .contains("rel=\"first\""));
        let listed: Value = response.json().await.unwrap();
        assert_eq!(
            listed["credential"].as_array().unwrap().len()
                + listed["compactJwsString"].as_array().unwrap().len(),
            2,
            "{listed}"
        );

        // Profile: read, then the name updated.
        let profile_url = app.url("/ims/ob/v3p0/profile");
        let profile: Value = platform
            .http
            .get(&profile_url)
            .bearer_auth(&tokens.access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(profile["name"], "Ana Martin");
        assert_eq!(profile["email"], LEARNER);
        let mut changed = profile.clone();
        changed["name"] = json!("Ana Martin-Lopez");
        let response = platform
            .http
            .put(&profile_url)
            .bearer_auth(&tokens.access)
            .json(&changed)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(app.me().await["display_name"], "Ana Martin-Lopez");
        let mut nameless = profile;
        nameless["name"] = json!("   ");
        let response = platform
            .http
            .put(&profile_url)
            .bearer_auth(&tokens.access)
            .json(&nameless)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(
            app.me().await["display_name"],
            "Ana Martin-Lopez",
            "nothing changed"
        );

        // Revoking the refresh token ends the grant's tokens (RFC 7009), access included.
        assert_eq!(platform.revoke(&tokens.refresh).await.status(), 200);
        assert_eq!(platform.revoke("never-issued").await.status(), 200);
        let response = platform
            .http
            .get(&credentials)
            .bearer_auth(&tokens.access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
        let (code, _) = status_of(platform.refresh(&tokens.refresh).await).await;
        assert_eq!(code, 400);
    }
);

on_both_databases!(
    a_platform_replaces_only_the_badges_it_sent_and_the_history_says_so,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let upsert = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert";
        let moodle = Platform::register_ob30(&app).await;
        let moodle_tokens = connect(&moodle, &app, upsert).await;
        let rogue = Platform::register_ob30(&app).await;
        let rogue_tokens = connect(&rogue, &app, upsert).await;
        let credentials = app.url("/ims/ob/v3p0/credentials");
        let push = |platform: &Platform, token: &str, body: Vec<u8>| {
            platform
                .http
                .post(&credentials)
                .bearer_auth(token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
        };
        let accept_all = || async {
            let (_, inbox) = app.get_html("/inbox").await;
            for id in form_ids(&inbox, "/api/accept_inbox") {
                submit(&app, "/api/accept_inbox", &[("id", &id)]).await;
            }
        };
        let names = || async {
            let badges = app.badges().await;
            badges
                .iter()
                .map(|b| b["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };

        let response = push(&moodle, &moodle_tokens.access, credential_named("Précision"))
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        accept_all().await;
        assert_eq!(names().await, ["Précision"]);

        // Another platform's version of the same credential waits in the inbox: the stored
        // badge is untouched until the learner chooses.
        let response = push(
            &rogue,
            &rogue_tokens.access,
            credential_named("Précision (falsifiée)"),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 201, "a new inbox item, not a replacement");
        assert_eq!(names().await, ["Précision"]);
        let (_, inbox) = app.get_html("/inbox").await;
        assert_eq!(form_ids(&inbox, "/api/accept_inbox").len(), 1, "{inbox}");
        let (_, inbox) = app.get_html("/inbox").await;
        let waiting = form_ids(&inbox, "/api/decline_inbox");
        submit(&app, "/api/decline_inbox", &[("id", &waiting[0])]).await;

        // The same platform, a credential of the same id from another issuer: the inbox.
        let other_issuer = credential_by(10, "Précision (autre émetteur)");
        let response = push(&moodle, &moodle_tokens.access, other_issuer).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(names().await, ["Précision"]);
        let (_, inbox) = app.get_html("/inbox").await;
        let waiting = form_ids(&inbox, "/api/decline_inbox");
        submit(&app, "/api/decline_inbox", &[("id", &waiting[0])]).await;

        // The platform that sent it, same issuer: replaced in place, and the history says
        // who sent the new version and what the badge was called before.
        let response = push(
            &moodle,
            &moodle_tokens.access,
            credential_named("Précision au millimètre"),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(names().await, ["Précision au millimètre"]);
        let id = app.badges().await[0]["id"].to_string();
        let history = app.badge(&id).await["history"].clone();
        let line = &history[0];
        assert_eq!(line["replaced_by"], "Campus Moodle", "{history}");
        assert_eq!(line["previous_name"], "Précision", "{history}");

        // The learner may still take another platform's version: then it replaces, and
        // that is in the history too.
        push(
            &rogue,
            &rogue_tokens.access,
            credential_named("Précision (autre plateforme)"),
        )
        .await
        .unwrap();
        accept_all().await;
        assert_eq!(names().await, ["Précision (autre plateforme)"]);
        let history = app.badge(&id).await["history"].clone();
        assert_eq!(
            history[0]["previous_name"], "Précision au millimètre",
            "{history}"
        );
        assert_eq!(history.as_array().unwrap().len(), 3, "{history}");
    }
);
