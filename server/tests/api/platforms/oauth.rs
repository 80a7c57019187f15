//! What the authorization server must refuse: wrong or reused codes and verifiers, foreign
//! redirect URIs, wrong secrets, missing scopes, other learners' badges, expired tokens, and
//! replays of codes and refresh tokens (which revoke what they gave).
use crate::helpers::moodle_site as issuer_site;
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::{json, Value};

on_both_databases!(
    codes_tokens_and_scopes_are_refused_when_they_must_be,
    |db: TestDb| async move {
        let site = issuer_site().await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let moodle = Platform::register_ob21(&app).await;

        // Wrong PKCE verifier: refused, and the code is spent.
        let (verifier, challenge) = pkce_pair();
        let (callback, _) = consent(
            &app,
            &moodle.login_url(&OB21.join(" "), "s1", &challenge),
            "allow",
        )
        .await;
        let code = query_param(&callback, "code").unwrap();
        let (wrong, _) = pkce_pair();
        let (status, body) = status_of(moodle.exchange(&code, &wrong, CALLBACK).await).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "{body}"
        );
        let (status, _) = status_of(moodle.exchange(&code, &verifier, CALLBACK).await).await;
        assert_eq!(status, 400, "a code is single-use, even after a failed try");

        // Reused code, and a redirect URI other than the authorization's.
        let (verifier, challenge) = pkce_pair();
        let (callback, _) = consent(
            &app,
            &moodle.login_url(&OB21.join(" "), "s2", &challenge),
            "allow",
        )
        .await;
        let code = query_param(&callback, "code").unwrap();
        let (status, _) = status_of(
            moodle
                .exchange(&code, &verifier, "http://127.0.0.1:9/elsewhere")
                .await,
        )
        .await;
        assert_eq!(status, 400);
        let (verifier, challenge) = pkce_pair();
        let (callback, _) = consent(
            &app,
            &moodle.login_url(&OB21.join(" "), "s3", &challenge),
            "allow",
        )
        .await;
        let code = query_param(&callback, "code").unwrap();
        tokens_of(moodle.exchange(&code, &verifier, CALLBACK).await).await;
        let (status, body) = status_of(moodle.exchange(&code, &verifier, CALLBACK).await).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));

        // An unregistered redirect URI is never redirected to; the learner is told.
        let mut foreign = url::Url::parse(&moodle.login_url(&OB21.join(" "), "s4", &challenge)).unwrap();
        let pairs: Vec<(String, String)> = foreign
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "redirect_uri" {
                    "https://evil.example/cb".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        foreign.query_pairs_mut().clear().extend_pairs(pairs);
        let response = app.client.get(foreign.as_str()).send().await.unwrap();
        assert_eq!(location(&response), "/connect?error=redirect_uri_mismatch");
        let (_, page) = app.get_html("/connect?error=redirect_uri_mismatch").await;
        assert!(page.contains("Nothing was shared"), "{page}");
        // The consent page cannot be framed by another site (clickjacking).
        let response = app.get("/connect").await;
        assert_eq!(response.headers()[header::X_FRAME_OPTIONS], "DENY");
        // No PKCE: refused back to the (registered) callback.
        let no_pkce = moodle
            .login_url(&OB21.join(" "), "s5", &challenge)
            .replace("code_challenge_method=S256", "code_challenge_method=plain");
        let response = app.client.get(&no_pkce).send().await.unwrap();
        let back = location(&response);
        assert!(back.starts_with(CALLBACK), "{back}");
        assert_eq!(query_param(&back, "error").as_deref(), Some("invalid_request"));
        // The learner refuses: access_denied, no code.
        let (callback, _) = consent(&app, &moodle.login_url(&OB21.join(" "), "s6", &challenge), "deny").await;
        assert_eq!(query_param(&callback, "error").as_deref(), Some("access_denied"));
        assert_eq!(query_param(&callback, "code"), None);
        assert_eq!(query_param(&callback, "state").as_deref(), Some("s6"));

        // Wrong client secret.
        let response = moodle
            .http
            .post(&moodle.token_url)
            .basic_auth(&moodle.client_id, Some("not-the-secret"))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));

        // Insufficient scope: a token for reading only cannot push.
        let reader = connect(&moodle, &app, OB21[0]).await;
        let response = moodle
            .http
            .post(app.url("/ims/ob/v2p1/assertions"))
            .bearer_auth(&reader.access)
            .json(&json!({ "assertion": site.hosted }))
            .send()
            .await
            .unwrap();
        let (status, body) = status_of(response).await;
        assert_eq!(
            (status, body["status"]["statusText"].as_str()),
            (403, Some("PERMISSION_DENIED"))
        );

        // Learner A's token only ever reaches A: B's badges and profile stay out of sight.
        let bruno = app.new_browser();
        bruno.signup(OTHER_LEARNER, "Bruno Petit", PASSWORD).await;
        let (_, body) = bruno
            .import_fields(&[("text", site.for_someone_else.to_string())])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        let full = connect(&moodle, &app, &OB21.join(" ")).await;
        let listed: Value = moodle
            .http
            .get(app.url("/ims/ob/v2p1/assertions"))
            .bearer_auth(&full.access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(listed["assertions"], json!([]), "{listed}");
        let profile: Value = moodle
            .http
            .get(app.url("/ims/ob/v2p1/profile"))
            .bearer_auth(&full.access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(profile["profile"]["email"], LEARNER);
        // B's badge pushed with A's token is refused: it is not A's.
        let response = moodle
            .http
            .post(app.url("/ims/ob/v2p1/assertions"))
            .bearer_auth(&full.access)
            .json(&json!({ "assertion": site.for_someone_else }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);

        // An expired access token is refused.
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let user = besace_core::users::find_by_email(&database, &app::domain::Email::parse(LEARNER).unwrap())
            .await
            .unwrap()
            .unwrap();
        besace_core::oauth::expire_tokens_of_user(&database, user.id)
            .await
            .unwrap();
        let response = moodle
            .http
            .get(app.url("/ims/ob/v2p1/profile"))
            .bearer_auth(&full.access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
        let response = moodle
            .http
            .get(app.url("/ims/ob/v2p1/profile"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "no token at all");
    }
);

on_both_databases!(
    replayed_codes_and_refresh_tokens_revoke_what_they_gave,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let platform = Platform::register_ob21(&app).await;
        let profile = app.url("/ims/ob/v2p1/profile");
        let reads = |token: String| {
            let request = platform.call(reqwest::Method::GET, &profile, &token);
            async move { request.send().await.unwrap().status().as_u16() }
        };

        // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
        let (verifier, challenge) = pkce_pair();
        let (callback, _) = consent(
            &app,
            &platform.login_url(&OB21.join(" "), "s1", &challenge),
            "allow",
        )
        .await;
        let code = query_param(&callback, "code").unwrap();
        let stolen = tokens_of(platform.exchange(&code, &verifier, CALLBACK).await).await;
        assert_eq!(reads(stolen.access.clone()).await, 200);
        let (status, body) = status_of(platform.exchange(&code, &verifier, CALLBACK).await).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
        assert_eq!(reads(stolen.access.clone()).await, 401, "revoked with the replay");
        let (status, _) = status_of(platform.refresh(&stolen.refresh).await).await;
        assert_eq!(status, 400);

        // RFC 6819 §5.2.2.3: a spent refresh token presented again ends the grant, the
        // newest tokens included; the learner is asked again.
        let tokens = connect(&platform, &app, &OB21.join(" ")).await;
        let rotated = tokens_of(platform.refresh(&tokens.refresh).await).await;
        assert_eq!(reads(rotated.access.clone()).await, 200);
        let (status, body) = status_of(platform.refresh(&tokens.refresh).await).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
        assert_eq!(reads(rotated.access.clone()).await, 401);
        let (status, _) = status_of(platform.refresh(&rotated.refresh).await).await;
        assert_eq!(status, 400);
        let (_, settings) = app.get_html("/settings").await;
        assert!(settings.contains("No platform is connected"), "{settings}");

        // RFC 7591 §2: a client that registered only authorization_code may not refresh.
        let registered: Value = platform
            .http
            .post(app.url("/o/register"))
            .json(&json!({
                "client_name": "Plateforme sans renouvellement",
                "redirect_uris": [CALLBACK],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "scope": OB21.join(" ")
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let once = Platform {
            client_id: registered["client_id"].as_str().unwrap().to_owned(),
            secret: registered["client_secret"].as_str().unwrap().to_owned(),
            ..platform
        };
        let tokens = connect(&once, &app, &OB21.join(" ")).await;
        let (status, body) = status_of(once.refresh(&tokens.refresh).await).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("unauthorized_client")),
            "{body}"
        );

        // CSRF: an http:// page of this host is another origin when Besace is https (here
        // the other way round: the server is http, the page claims https).
        let https_origin = app.address.replacen("http://", "https://", 1);
        let response = app
            .client
            .post(app.url("/api/logout"))
            .header(header::ORIGIN, https_origin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
);
