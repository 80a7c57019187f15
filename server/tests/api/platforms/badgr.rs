//! Moodle's default site backpack ("OBv2.0", Badgr's API) against Besace: a platform
//! password made in settings, Moodle's sign-in, its collection and badge reads, "Add to
//! backpack", and everything it must be refused. The client is `helpers::MoodleBackpack`.
use crate::helpers::moodle_site as issuer_site;
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

/// A learner with the issuer site's hosted badge in a published collection "Atelier", and
/// an unpublished collection "Brouillon" holding it too; answers the badge id and the
/// gallery link.
async fn learner_with_collections(app: &TestApp, hosted_url: &str) -> (String, String) {
    app.learner_with_verified(LEARNER).await;
    let (status, imported) = app.import_fields(&[("url", hosted_url.to_owned())]).await;
    assert_eq!(status, 200, "{imported}");
    let badge = imported["results"][0]["badge"]["id"].to_string();
    let atelier = app.create_collection("Atelier").await;
    app.add_to(&atelier, &badge).await;
    let detail = app.publish(&atelier, true).await;
    let brouillon = app.create_collection("Brouillon").await;
    app.add_to(&brouillon, &badge).await;
    (badge, detail["share_url"].as_str().unwrap().to_owned())
}

fn connected(sign_in: MoodleSignIn) -> (String, String, i64) {
    match sign_in {
        MoodleSignIn::Connected {
            access,
            refresh,
            expires_in,
        } => (access, refresh, expires_in),
        failed => panic!("Moodle could not connect: {failed:?}"),
    }
}

on_both_databases!(
    moodle_connects_with_a_platform_password_and_shows_the_published_collections,
    |db: TestDb| async move {
        let site = issuer_site().await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        let hosted_url = site.hosted["id"].as_str().unwrap().to_owned();
        let (badge, gallery) = learner_with_collections(&app, &hosted_url).await;
        let password = app.platform_password("Moodle du GRETA", "published").await;
        assert_eq!(password.len(), 19, "{password}");

        let mut moodle = MoodleBackpack::new(&app.url("/v2"));
        let (_, _, expires_in) = connected(moodle.authenticate(LEARNER, &password).await);
        assert!(expires_in > 0);
        // Only the published collection, which is all Moodle offers to show anyway.
        let collections = moodle.collections().await;
        assert_eq!(collections.len(), 1, "{collections:?}");
        assert_eq!(collections[0]["entityType"], "BackpackCollection");
        assert_eq!(collections[0]["share_url"], gallery.as_str());
        let offered = moodle.offered_collections().await;
        assert_eq!(offered[0].1, "Atelier (1)");

        let badges = moodle.badges(&offered[0].0).await;
        assert_eq!(badges.len(), 1);
        let assertion = &badges[0];
        assert_eq!(assertion["entityId"], badge.as_str());
        assert_eq!(assertion["recipient"]["identity"], LEARNER);
        assert_eq!(assertion["openBadgeId"], hosted_url.as_str());
        let class = &assertion["badgeclass"];
        assert_eq!(class["name"], "Respecter des consignes");
        assert_eq!(class["issuer"]["name"], "Campus Moodle");
        assert_eq!(class["criteria"]["narrative"], "Observé pendant trois séances.");
        // The picture is the gallery's public copy: Moodle's page loads it with no session.
        let image = class["image"].as_str().unwrap();
        assert!(image.starts_with(&format!("{gallery}/images/")), "{image}");
        let picture = reqwest::get(image).await.unwrap();
        assert_eq!(picture.status(), 200);
        assert_eq!(picture.headers()["content-type"], "image/png");

        // Settings list the site with the connected platforms; disconnecting it ends both
        // its token and its password.
        let (_, settings) = app.get_html("/settings").await;
        assert!(settings.contains("Moodle du GRETA"), "{settings}");
        let connections = form_ids(&settings, "/api/disconnect_platform");
        assert_eq!(connections.len(), 1);
        submit(&app, "/api/disconnect_platform", &[("id", &connections[0])]).await;
        let (status, body) = moodle.get("/backpack/collections").await;
        assert_eq!(
            (status.as_u16(), &body["status"]["success"]),
            (401, &Value::Bool(false)),
            "{body}"
        );
        assert!(matches!(
            moodle.authenticate(LEARNER, &password).await,
            MoodleSignIn::Failed { .. }
        ));
    }
);

on_both_databases!(
    moodle_is_told_not_to_take_the_besace_password,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let password = app.platform_password("Moodle", "published").await;
        let mut moodle = MoodleBackpack::new(&app.url("/v2"));
        let MoodleSignIn::Failed { error, shown } = moodle.authenticate(LEARNER, PASSWORD).await else {
            panic!("the main password opened the API");
        };
        assert_eq!(error, "invalid_grant");
        assert!(shown.contains("Ceci est votre mot de passe Besace"), "{shown}");
        assert!(shown.contains("Settings › Connected platforms"), "{shown}");
        // A wrong password and an unknown address read the same: nobody learns who has an
        // account.
        let wrong = moodle.authenticate(LEARNER, "abcd-efgh-jkmn-pqrs").await;
        let unknown = moodle.authenticate("nobody@example.org", &password).await;
        let (MoodleSignIn::Failed { shown: a, .. }, MoodleSignIn::Failed { shown: b, .. }) = (wrong, unknown)
        else {
            panic!("refused both");
        };
        assert_eq!(a, b);
        assert!(a.contains("Wrong address or platform password"), "{a}");
        // The password still works typed in capitals with spaces instead of dashes.
        let retyped = password.to_uppercase().replace('-', " ");
        connected(moodle.authenticate(LEARNER, &retyped).await);
    }
);

on_both_databases!(
    tokens_of_one_api_open_nothing_in_the_other,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        // A platform connected through the consent page: its token has no Badgr scope.
        let platform = Platform::register_ob21(&app).await;
        let tokens = connect(&platform, &app, &OB21.join(" ")).await;
        let mut moodle = MoodleBackpack::new(&app.url("/v2"));
        moodle.access_token = Some(tokens.access.clone());
        let (status, body) = moodle.get("/backpack/collections").await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["status"]["success"], false);
        // And a platform password's token opens nothing of Badge Connect.
        let password = app.platform_password("Moodle", "all").await;
        let (access, _, _) = connected(moodle.authenticate(LEARNER, &password).await);
        let response = platform
            .call(reqwest::Method::GET, &app.url("/ims/ob/v2p1/assertions"), &access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        // A registered platform's refresh token needs the platform's own credentials.
        let (status, refused) = status_of(
            app.client
                .post(app.url("/o/token"))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", tokens.refresh.as_str()),
                ])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, refused["error"].as_str()),
            (400, Some("invalid_grant")),
            "{refused}"
        );
        // A registered platform cannot sign in with its client secret as a password, nor
        // a password client be used as a registered one.
        let (_, refused) = status_of(
            app.client
                .post(app.url("/o/token"))
                .form(&[("username", LEARNER), ("password", platform.secret.as_str())])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(refused["error"], "invalid_grant", "{refused}");
        // Unknown paths and wrong methods answer the envelope, never the app's page.
        for (method, path) in [
            ("GET", "/v2/backpack/nothing"),
            ("DELETE", "/v2/backpack/collections"),
            ("GET", "/v2"),
        ] {
            let response = app
                .client
                .request(method.parse().unwrap(), app.url(path))
                .header("Authorization", format!("Bearer {access}"))
                .send()
                .await
                .unwrap();
            let (code, body) = status_of(response).await;
            assert!(code == 404 || code == 405, "{method} {path}: {code}");
            assert_eq!(body["status"]["success"], false, "{method} {path}: {body}");
        }
    }
);

on_both_databases!(
    all_collections_listing_add_to_backpack_and_the_refresh_mahara_sends,
    |db: TestDb| async move {
        let site = issuer_site().await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        let hosted_url = site.hosted["id"].as_str().unwrap().to_owned();
        let (badge, _) = learner_with_collections(&app, &hosted_url).await;
        let password = app.platform_password("Moodle du GRETA", "all").await;
        let mut moodle = MoodleBackpack::new(&app.url("/v2"));
        let (_, refresh, _) = connected(moodle.authenticate(LEARNER, &password).await);
        let collections = moodle.collections().await;
        let names: Vec<(&str, bool)> = collections
            .iter()
            .map(|c| (c["name"].as_str().unwrap(), c["published"].as_bool().unwrap()))
            .collect();
        assert_eq!(names, [("Atelier", true), ("Brouillon", false)]);
        assert!(collections[1]["share_url"].is_null());
        let badges = moodle.badges(collections[1]["entityId"].as_str().unwrap()).await;
        assert_eq!(badges[0]["entityId"], badge.as_str());
        // Another learner's badge id reads as missing.
        let (status, _) = moodle.get("/backpack/assertions/999999?expand=badgeclass").await;
        assert_eq!(status, 404);

        // Moodle's "Add to backpack": the badge's public assertion URL, json_encode'd.
        let moodle_assertion = format!("{}/badges/assertion.php?b=5c3d1ad2", site_base(&hosted_url));
        let (status, body) = moodle.import(&moodle_assertion).await;
        assert_eq!(status, 201, "{body}");
        let waiting = &body["result"][0];
        assert!(
            waiting["entityId"].as_str().unwrap().starts_with("inbox-"),
            "{waiting}"
        );
        assert_eq!(waiting["pending"], true);
        assert!(waiting["issuedOn"].is_string(), "{waiting}");
        let (_, inbox) = app.get_html("/inbox").await;
        assert!(inbox.contains("Accueillir un client"), "{inbox}");
        // Again: Badgr's DUPLICATE_BADGE, which Moodle shows as "already in your backpack".
        let (status, body) = moodle.import(&moodle_assertion).await;
        assert_eq!(status, 400, "{body}");
        let errors = body["validationErrors"].as_array().unwrap();
        assert!(
            errors.iter().all(Value::is_string),
            "Moodle implodes them: {body}"
        );
        assert!(errors[0].as_str().unwrap().contains("DUPLICATE_BADGE"), "{body}");
        // Someone else's badge is refused with the checks that failed, nothing stored.
        let others = format!("{}/assertions/3.json", site_base(&hosted_url));
        let (status, body) = moodle.import(&others).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            form_ids(&app.get_html("/inbox").await.1, "/api/accept_inbox").len(),
            1
        );

        // Mahara's token refresh: form-encoded, no client; the spent token then fails.
        let refreshed = app
            .client
            .post(app.url("/o/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("grant_type=refresh_token&refresh_token={refresh}"))
            .send()
            .await
            .unwrap();
        let tokens = tokens_of(refreshed).await;
        moodle.access_token = Some(tokens.access);
        assert_eq!(moodle.collections().await.len(), 2);
        let replay = app
            .client
            .post(app.url("/o/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
            ])
            .send()
            .await
            .unwrap();
        let (status, body) = status_of(replay).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
        // The replay ended the tokens, not the password: Moodle signs in again with it.
        let (status, _) = moodle.get("/backpack/collections").await;
        assert_eq!(status, 401);
        connected(moodle.authenticate(LEARNER, &password).await);
    }
);

fn site_base(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    url.origin().ascii_serialization()
}
