//! Moodle's own Badge Connect push, and a Moodle-like platform connecting, pushing, reading
//! back and being disconnected (Open Badges 2.1).
use crate::helpers::moodle_site as issuer_site;
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::{json, Value};

on_both_databases!(
    moodles_own_push_is_taken_as_moodle_sends_it,
    |db: TestDb| async move {
        let site = issuer_site().await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let moodle = Platform::register_ob21(&app).await;
        let tokens = connect(&moodle, &app, &OB21.join(" ")).await;
        // backpack_api2p1.php, put_assertions(): json_encode(['assertion' => …]) posted as
        // JSON; Moodle counts it done when the answer's status.statusCode is 200.
        let response = moodle
            .call(
                reqwest::Method::POST,
                &app.url("/ims/ob/v2p1/assertions"),
                &tokens.access,
            )
            .header(header::CONTENT_TYPE, "application/json")
            .body(site.moodle_push.clone())
            .send()
            .await
            .unwrap();
        let (code, body) = status_of(response).await;
        assert_eq!(
            (code, &body["status"]["statusCode"]),
            (200, &json!(200)),
            "{body}"
        );
        let (_, inbox) = app.get_html("/inbox").await;
        assert!(inbox.contains("Accueillir un client"), "{inbox}");
        let waiting = form_ids(&inbox, "/api/accept_inbox");
        submit(&app, "/api/accept_inbox", &[("id", &waiting[0])]).await;
        let badges = app.badges().await;
        assert_eq!(badges.len(), 1);
        assert_eq!(badges[0]["status"], "verified", "{badges:?}");
        // Hosted by its issuer's site: the issuer is known by that site.
        let (_, page) = app.get_html(&format!("/badges/{}", badges[0]["id"])).await;
        assert!(
            page.contains("Issuer confirmed by its website: 127.0.0.1."),
            "{page}"
        );
    }
);

on_both_databases!(
    a_moodle_like_platform_connects_pushes_and_is_disconnected,
    |db: TestDb| async move {
        let site = issuer_site().await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        app.logout().await;
        let moodle = Platform::register_ob21(&app).await;

        // Authorization through the learner's browser: login, consent page, back to Moodle.
        let (verifier, challenge) = pkce_pair();
        let login_url = moodle.login_url(&OB21.join(" "), "sesskey42", &challenge);
        let (callback, page) = consent(&app, &login_url, "allow").await;
        assert!(
            page.contains("Campus Moodle asks to connect to your backpack"),
            "{page}"
        );
        assert!(page.contains("send you badges"), "{page}");
        assert!(page.contains(LEARNER), "the page says which account");
        assert!(callback.starts_with(CALLBACK), "{callback}");
        assert_eq!(query_param(&callback, "state").as_deref(), Some("sesskey42"));
        assert_eq!(query_param(&callback, "scope"), Some(OB21.join(" ")));
        let code = query_param(&callback, "code").unwrap();
        let tokens = tokens_of(moodle.exchange(&code, &verifier, CALLBACK).await).await;

        // Moodle's push: the hosted assertion's JSON; then a signed one.
        let api = app.url("/ims/ob/v2p1");
        let push = |body: Value, token: String| {
            let moodle = &moodle;
            let api = api.clone();
            async move {
                let request = moodle
                    .call(reqwest::Method::POST, &format!("{api}/assertions"), &token)
                    .header(header::ACCEPT, "application/json")
                    .json(&body);
                status_of(request.send().await.unwrap()).await
            }
        };
        let (code, body) = push(json!({ "assertion": site.hosted }), tokens.access.clone()).await;
        assert_eq!(
            (code, &body["status"]["statusCode"]),
            (200, &json!(200)),
            "{body}"
        );
        assert_eq!(body["status"]["statusText"], "OK");
        let (code, body) = push(json!({ "signedAssertion": site.signed }), tokens.access.clone()).await;
        assert_eq!(
            (code, &body["status"]["statusCode"]),
            (200, &json!(200)),
            "{body}"
        );
        // The same badge again changes nothing and is no error.
        let (code, _) = push(json!({ "assertion": site.hosted }), tokens.access.clone()).await;
        assert_eq!(code, 200);
        // A badge for someone else is refused, and Moodle is told why.
        let (code, body) = push(
            json!({ "assertion": site.for_someone_else }),
            tokens.access.clone(),
        )
        .await;
        assert_eq!(code, 400);
        assert_eq!(
            body["status"]["statusText"], "RECIPIENT_PROFILE_MISMATCH",
            "{body}"
        );
        assert!(
            body["status"]["error"]
                .as_str()
                .unwrap()
                .contains("issued to someone else"),
            "{body}"
        );

        // The learner finds both in the inbox, not yet in the backpack, and accepts them.
        assert!(app.badges().await.is_empty(), "pushed badges wait in the inbox");
        let backpack = app.get_html("/backpack").await.1.replace("<!>", "");
        assert!(backpack.contains("Badges waiting in your inbox: 2"), "{backpack}");
        let (status, inbox) = app.get_html("/inbox").await;
        assert_eq!(status, 200);
        let inbox = inbox.replace("<!>", "");
        assert_eq!(inbox.matches("Respecter des consignes").count(), 2, "{inbox}");
        assert!(inbox.contains("Sent by Campus Moodle"));
        let waiting = form_ids(&inbox, "/api/accept_inbox");
        assert_eq!(waiting.len(), 2);
        for id in &waiting {
            let response = submit(&app, "/api/accept_inbox", &[("id", id)]).await;
            assert!(location(&response).starts_with("/inbox?accepted="));
        }
        let badges = app.badges().await;
        assert_eq!(badges.len(), 2, "{badges:?}");
        assert!(badges.iter().all(|b| b["status"] == "verified"), "{badges:?}");

        // Moodle reads the backpack and the profile back.
        let response = moodle
            .call(
                reqwest::Method::GET,
                &format!("{api}/assertions?limit=1"),
                &tokens.access,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["x-total-count"], "2");
        let link = response.headers()[header::LINK].to_str().unwrap().to_owned();
        assert!(link.contains("offset=1>; rel=\"next\""), "{link}");
        let (code, page) = status_of(response).await;
        assert_eq!(code, 200);
        let listed =
            page["assertions"].as_array().unwrap().len() + page["signedAssertions"].as_array().unwrap().len();
        assert_eq!(listed, 1, "{page}");
        let (code, profile) = status_of(
            moodle
                .call(reqwest::Method::GET, &format!("{api}/profile"), &tokens.access)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(code, 200);
        assert_eq!(profile["profile"]["email"], LEARNER, "{profile}");
        assert_eq!(profile["profile"]["name"], "Ana Martin");

        // Refresh with rotation: each refresh token works once, the new one next time (a
        // replay of a spent one ends the grant: see `replayed_codes_and_refresh_tokens…`).
        let refreshed = tokens_of(moodle.refresh(&tokens.refresh).await).await;
        assert_ne!(refreshed.refresh, tokens.refresh);
        let refreshed = tokens_of(moodle.refresh(&refreshed.refresh).await).await;

        // Settings show the platform, what it may do and what it sent; disconnecting it
        // stops every token at once.
        let settings = app.get_html("/settings").await.1.replace("<!>", "");
        assert!(settings.contains("Connected platforms"));
        assert!(settings.contains("Campus Moodle"));
        assert!(settings.contains("read the badges in your backpack"));
        assert!(settings.contains("Badges it sent that are in your backpack"));
        let grant = form_ids(&settings, "/api/disconnect_platform");
        assert_eq!(grant.len(), 1);
        let response = submit(&app, "/api/disconnect_platform", &[("id", &grant[0])]).await;
        assert!(location(&response).starts_with("/settings"));
        let (code, body) = push(
            json!({ "signedAssertion": site.signed }),
            refreshed.access.clone(),
        )
        .await;
        assert_eq!(code, 401);
        assert_eq!(body["status"]["statusText"], "UNAUTHENTICATED");
        let (code, _) = status_of(moodle.refresh(&refreshed.refresh).await).await;
        assert_eq!(code, 400);
        let (_, settings) = app.get_html("/settings").await;
        assert!(settings.contains("No platform is connected"));
        // The badges it sent stay the learner's.
        assert_eq!(app.badges().await.len(), 2);
    }
);
