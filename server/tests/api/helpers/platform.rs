//! An issuer platform pushing badges in, as Moodle's Open Badges 2.1 backpack client does it
//! (or a client of the Open Badges 3.0 API): discovery, dynamic registration, the learner's
//! consent through the browser, tokens with PKCE, refresh and revocation.
use super::answers::{hidden_value, location};
use super::app::TestApp;
use super::client::{new_client, submit, TestClient};
use super::fixtures::{LEARNER, PASSWORD};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::{header, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Moodle's callback; plain http is allowed for a loopback address only.
pub const CALLBACK: &str = "http://127.0.0.1:9/admin/oauth2callback.php";

/// The scopes of Open Badges 2.1 (Badge Connect), as Moodle asks for them.
pub const OB21: [&str; 3] = [
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly",
];

/// The Open Badges 3.0 scope to push credentials.
pub const UPSERT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert";

/// An issuer platform registered with Besace, as Moodle keeps it.
pub struct Platform {
    pub client_id: String,
    pub secret: String,
    pub token_url: String,
    pub authorization_url: String,
    pub http: reqwest::Client,
}

/// What the platform holds once connected.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

/// Exactly what Moodle's `core\oauth2\discovery\imsbadgeconnect::register` posts, for a
/// Moodle whose OAuth callback is `redirect_uri`.
pub fn moodle_registration_to(redirect_uri: &str, scope: &str) -> Value {
    json!({
        "client_name": "Campus Moodle",
        "client_uri": "https://moodle.example/",
        "logo_uri": "https://moodle.example/pix/f/moodle-256.png",
        "tos_uri": "https://moodle.example/",
        "policy_uri": "https://moodle.example/",
        "software_id": "moodle",
        "software_version": "2024100700",
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": scope
    })
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce_pair() -> (String, String) {
    // Moodle: base64url of random bytes, then base64url(sha256(verifier)).
    let verifier = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes().repeat(3));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The query parameter `name` of a URL.
pub fn query_param(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location)
        .ok()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

impl Platform {
    /// Discovery and registration, exactly as Moodle's `imsbadgeconnect` does them.
    pub async fn register_ob21(app: &TestApp) -> Self {
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
    pub async fn register_ob30(app: &TestApp) -> Self {
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
            .json(&moodle_registration_to(CALLBACK, scope))
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
    pub fn login_url(&self, scope: &str, state: &str, challenge: &str) -> String {
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
    pub async fn exchange(&self, code: &str, verifier: &str, redirect_uri: &str) -> Response {
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
    pub async fn refresh(&self, refresh_token: &str) -> Response {
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

    pub async fn revoke(&self, token: &str) -> Response {
        let revocation = self.token_url.replace("/o/token", "/o/revoke");
        self.http
            .post(revocation)
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
    }

    pub fn call(&self, method: reqwest::Method, url: &str, token: &str) -> reqwest::RequestBuilder {
        self.http.request(method, url).bearer_auth(token)
    }
}

/// The tokens of a token endpoint's answer, which must be what Moodle expects.
pub async fn tokens_of(response: Response) -> Tokens {
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
pub async fn consent(browser: &TestClient, login_url: &str, answer: &str) -> (String, String) {
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

/// Connects `platform` for the learner (logged in on `browser`) with these scopes.
pub async fn connect(platform: &Platform, browser: &TestClient, scope: &str) -> Tokens {
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
