//! Issuer platforms pushing badges in: a client that behaves like Moodle's Open Badges 2.1
//! backpack client, one for the Open Badges 3.0 API, and what both must be refused. The
//! learner's side (login, consent, inbox, settings) goes through the same requests a
//! browser sends.
use crate::helpers::*;
use crate::on_both_databases;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::{header, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const LEARNER: &str = "ana.martin@example.org";
const OTHER_LEARNER: &str = "bruno.petit@example.org";
/// Moodle's callback; plain http is allowed for a loopback address only.
const CALLBACK: &str = "http://127.0.0.1:9/admin/oauth2callback.php";

const OB21: [&str; 3] = [
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../badges/fixtures/ob3/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An issuer platform registered with Besace, as Moodle keeps it.
pub(crate) struct Platform {
    client_id: String,
    secret: String,
    token_url: String,
    authorization_url: String,
    pub(crate) http: reqwest::Client,
}

/// What the platform holds once connected.
#[derive(Debug, Clone)]
pub(crate) struct Tokens {
    pub(crate) access: String,
    refresh: String,
}

fn pkce_pair() -> (String, String) {
    // Moodle: base64url of random bytes, then base64url(sha256(verifier)).
    let verifier = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes().repeat(3));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location)
        .ok()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn location(response: &Response) -> String {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

impl Platform {
    /// Discovery and registration, exactly as Moodle's `imsbadgeconnect` does them.
    async fn register_ob21(app: &TestApp) -> Self {
        let http = new_client();
        let manifest: Value = http
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
        let scopes = api["scopesOffered"].as_array().unwrap();
        let scope: Vec<&str> = scopes.iter().map(|s| s.as_str().unwrap()).collect();
        Self::register(
            &http,
            &api["registrationUrl"],
            &scope.join(" "),
            &api["authorizationUrl"],
            &api["tokenUrl"],
        )
        .await
    }

    /// Discovery from the OB 3.0 Service Description Document, then registration.
    pub(crate) async fn register_ob30(app: &TestApp) -> Self {
        let http = new_client();
        let document: Value = http
            .get(app.url("/ims/ob/v3p0/discovery"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let scheme = &document["components"]["securitySchemes"]["OAuth2ACG"];
        let flow = &scheme["flows"]["authorizationCode"];
        let scope: Vec<&str> = flow["scopes"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(scope.len(), 4, "{document}");
        Self::register(
            &http,
            &scheme["x-imssf-registrationUrl"],
            &scope.join(" "),
            &flow["authorizationUrl"],
            &flow["tokenUrl"],
        )
        .await
    }

    async fn register(
        http: &reqwest::Client,
        url: &Value,
        scope: &str,
        authorization: &Value,
        token: &Value,
    ) -> Self {
        let response = http
            .post(url.as_str().unwrap())
            .json(&json!({
                "client_name": "Campus Moodle",
                "client_uri": "https://moodle.example/",
                "logo_uri": "https://moodle.example/pix/f/moodle-256.png",
                "tos_uri": "https://moodle.example/",
                "policy_uri": "https://moodle.example/",
                "software_id": "moodle",
                "software_version": "2024100700",
                "redirect_uris": [CALLBACK],
                "token_endpoint_auth_method": "client_secret_basic",
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "scope": scope
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let registered: Value = response.json().await.unwrap();
        Self {
            client_id: registered["client_id"].as_str().unwrap().to_owned(),
            secret: registered["client_secret"].as_str().unwrap().to_owned(),
            authorization_url: authorization.as_str().unwrap().to_owned(),
            token_url: token.as_str().unwrap().to_owned(),
            http: http.clone(),
        }
    }

    /// Moodle's `get_login_url`: where it sends the learner's browser.
    fn login_url(&self, scope: &str, state: &str, challenge: &str) -> String {
        let mut url = url::Url::parse(&self.authorization_url).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", CALLBACK)
            .append_pair("state", state)
            .append_pair("scope", scope)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        url.to_string()
    }

    /// Moodle's `upgrade_token`: Basic auth, form body with the PKCE verifier.
    async fn exchange(&self, code: &str, verifier: &str, redirect_uri: &str) -> Response {
        self.http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&[
                ("code", code),
                ("grant_type", "authorization_code"),
                ("redirect_uri", redirect_uri),
                ("scope", &OB21.join(" ")),
                ("code_verifier", verifier),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Moodle refreshes with the client's id and secret in the body, no Basic header.
    async fn refresh(&self, refresh_token: &str) -> Response {
        self.http
            .post(&self.token_url)
            .form(&[
                ("refresh_token", refresh_token),
                ("grant_type", "refresh_token"),
                ("scope", ""),
                ("client_id", &self.client_id),
                ("client_secret", &self.secret),
            ])
            .send()
            .await
            .unwrap()
    }

    async fn revoke(&self, token: &str) -> Response {
        let revocation = self.token_url.replace("/o/token", "/o/revoke");
        self.http
            .post(revocation)
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
    }

    fn call(&self, method: reqwest::Method, url: &str, token: &str) -> reqwest::RequestBuilder {
        self.http.request(method, url).bearer_auth(token)
    }
}

async fn tokens_of(response: Response) -> Tokens {
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer", "{body}");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["scope"].is_string(), "Moodle needs the scope back: {body}");
    Tokens {
        access: body["access_token"].as_str().unwrap().to_owned(),
        refresh: body["refresh_token"].as_str().unwrap().to_owned(),
    }
}

/// The learner's browser goes through the authorization: logs in if asked, sees the consent
/// page, answers. Returns the platform callback URL it is sent back to.
async fn consent(browser: &TestClient, login_url: &str, answer: &str) -> (String, String) {
    let response = browser.client.get(login_url).send().await.unwrap();
    let mut next = location(&response);
    if next.starts_with("/login") {
        // Not logged in: the login page comes back here afterwards.
        let back = query_param(&format!("http://x{next}"), "next").unwrap();
        let response = submit(
            browser,
            "/api/login",
            &[("email", LEARNER), ("password", PASSWORD), ("next", &back)],
        )
        .await;
        assert_eq!(location(&response), back);
        let response = browser.client.get(browser.url(&back)).send().await.unwrap();
        next = location(&response);
    }
    assert_eq!(next, "/connect");
    let (status, page) = browser.get_html("/connect").await;
    assert_eq!(status, 200);
    // Without the hydration markers between text pieces.
    let page = page.replace("<!>", "");
    let request = hidden_value(&page, "request");
    let response = submit(
        browser,
        "/api/decide_connection",
        &[("request", &request), ("decision", answer)],
    )
    .await;
    (location(&response), page)
}

/// A plain HTML form's submission (no wasm): the server function answers with a redirect.
pub(crate) async fn submit(browser: &TestClient, path: &str, form: &[(&str, &str)]) -> Response {
    browser.post_page_form(path, form).await
}

/// The value of `<input type="hidden" name=… value=…>` in a page.
fn hidden_value(page: &str, name: &str) -> String {
    hidden_input(page, name).unwrap_or_else(|| panic!("no {name} in {page}"))
}

/// Every hidden `id` value of the page's forms posting to `action`.
pub(crate) fn form_ids(page: &str, action: &str) -> Vec<String> {
    page.split(&format!(r#"action="{action}""#))
        .skip(1)
        .map(|form| hidden_value(form, "id"))
        .collect()
}

/// Connects `platform` for the learner (logged in on `browser`) with these scopes.
pub(crate) async fn connect(platform: &Platform, browser: &TestClient, scope: &str) -> Tokens {
    let (verifier, challenge) = pkce_pair();
    let (callback, _) = consent(
        browser,
        &platform.login_url(scope, "sesskey42", &challenge),
        "allow",
    )
    .await;
    let code = query_param(&callback, "code").unwrap();
    tokens_of(platform.exchange(&code, &verifier, CALLBACK).await).await
}

/// A Moodle-like issuer site on 127.0.0.1: its profile, key, badge class, picture and the
/// hosted assertion, as besace_badges' own issuer writes them.
struct IssuerSite {
    hosted: Value,
    signed: String,
    for_someone_else: Value,
    /// Moodle's own Badge Connect push, byte for byte (badges/fixtures/gen/gen_moodle.py),
    /// its site's address made this one.
    moodle_push: Vec<u8>,
}

/// A Moodle fixture of the library's, with Moodle's host replaced by `base` (written as
/// PHP's json_encode writes it, with `\/`).
fn moodle_document(name: &str, base: &str) -> Vec<u8> {
    let path = format!("{}/../badges/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    text.replace(r"http:\/\/moodle.besace.test", &base.replace('/', r"\/"))
        .into_bytes()
}

async fn issuer_site() -> IssuerSite {
    use besace_badges::issue::{disc_png, BadgeSpec, HostedIssuer};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let pem = std::fs::read_to_string(format!(
        "{}/../badges/fixtures/keys/test-issuer.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let issuer = HostedIssuer::new(&pem, &base).unwrap();
    let spec = |id: &'static str, recipient: &'static str| BadgeSpec {
        id,
        issuer_name: "Campus Moodle",
        issuer_url: "https://moodle.example/",
        achievement_id: "",
        name: "Respecter des consignes",
        description: "Suit les consignes de sécurité de l'atelier.",
        criteria: "Observé pendant trois séances.",
        image_url: "",
        recipient_email: recipient,
        salt: Some("moodle-salt"),
        valid_from: "2026-10-01T09:00:00Z",
        ..Default::default()
    };
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let class_url = leak(format!("{base}/badges/consignes.json"));
    let image_url = leak(format!("{base}/badges/consignes.png"));
    let hosted_url = leak(format!("{base}/assertions/1.json"));
    let with_urls = |mut spec: BadgeSpec<'static>| {
        spec.achievement_id = class_url;
        spec.image_url = image_url;
        spec
    };
    let hosted_spec = with_urls(spec(hosted_url, LEARNER));
    let hosted = issuer.assertion(&hosted_spec, false);
    let signed_spec = with_urls(spec(leak(format!("{base}/assertions/2.json")), LEARNER));
    let signed = issuer.sign(&issuer.assertion(&signed_spec, true)).unwrap();
    let other_url = leak(format!("{base}/assertions/3.json"));
    let for_someone_else = issuer.assertion(&with_urls(spec(other_url, OTHER_LEARNER)), false);
    let documents = vec![
        (
            "/issuer.json".to_owned(),
            issuer.profile(&hosted_spec).to_string().into_bytes(),
        ),
        (
            "/key.json".to_owned(),
            issuer.key().unwrap().to_string().into_bytes(),
        ),
        (
            "/badges/consignes.json".to_owned(),
            issuer.badge_class(&hosted_spec).to_string().into_bytes(),
        ),
        ("/badges/consignes.png".to_owned(), disc_png(64, [47, 93, 80])),
        ("/assertions/1.json".to_owned(), hosted.to_string().into_bytes()),
        (
            "/assertions/3.json".to_owned(),
            for_someone_else.to_string().into_bytes(),
        ),
        (
            "/badges/assertion.php".to_owned(),
            moodle_document("served/moodle/assertion.json", &base),
        ),
        (
            "/badges/badge_json.php".to_owned(),
            moodle_document("served/moodle/issuer.json", &base),
        ),
    ];
    let mut router = axum::Router::new();
    for (path, bytes) in documents {
        router = router.route(&path, axum::routing::get(move || async move { bytes.clone() }));
    }
    tokio::spawn(async move { axum::serve(listener, router).await });
    IssuerSite {
        hosted,
        signed,
        for_someone_else,
        moodle_push: moodle_document("moodle/push.json", &base),
    }
}

/// A genuine OB 3.0 credential (eddsa-rdfc-2022, did:key) for the learner, under a fixed id.
fn credential_named(name: &str) -> Vec<u8> {
    credential_by(9, name)
}

/// The same credential id, signed by the `did:key` issuer of `seed`.
fn credential_by(seed: u8, name: &str) -> Vec<u8> {
    let spec = besace_badges::issue::BadgeSpec {
        id: "urn:uuid:5f0c1d2e-0000-4000-8000-00000000c0de",
        issuer_name: "Campus Moodle",
        issuer_url: "https://moodle.example/",
        achievement_id: "https://moodle.example/badges/precision",
        name,
        description: "Mesure au millimètre près.",
        criteria: "Trois pièces mesurées sans erreur.",
        image_url: "https://moodle.example/badges/precision.png",
        recipient_email: LEARNER,
        valid_from: "2026-10-01T09:00:00Z",
        ..Default::default()
    };
    signed_ob3(seed, &spec)
}

async fn status_of(response: Response) -> (u16, Value) {
    let code = response.status().as_u16();
    (code, response.json().await.unwrap_or(Value::Null))
}

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
