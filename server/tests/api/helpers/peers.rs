//! Test clients that send what the real sites send and read what they read:
//! - [`MoodleBackpack`]: Moodle's "OBv2.0" user backpack (`badges/classes/backpack_api.php`
//!   and `backpack_api_mapping.php` in moodle/moodle): the token URL built from the API
//!   URL's scheme and host only, credentials as a PHP array given to curl (multipart), the
//!   `Accept`, empty `Expect:` and JSON content-type headers on every call, `result` taken
//!   from the envelope and `result[0]` for single objects, the properties its exporters
//!   require, and `json_encode`'s escaped slashes in the import body;
//! - [`Mahara`]: Mahara's Open Badges block (`htdocs/blocktype/openbadgedisplayer/lib.php`
//!   in MaharaProject/mahara): `email=` posted as a string, the groups and group reads with
//!   no header, and the `<img>` it writes from each badge by string concatenation.
use reqwest::{header, multipart::Form, StatusCode};
use serde_json::Value;

fn required(object: &Value, keys: &[&str], what: &str) {
    for key in keys {
        assert!(
            object.get(*key).is_some(),
            "Moodle's {what} exporter requires {key}: {object}"
        );
    }
}

/// One of the two keys Moodle's `map_external_data` reads (`entityType` or `type`, …).
fn either<'a>(object: &'a Value, first: &str, second: &str) -> &'a Value {
    object
        .get(first)
        .or_else(|| object.get(second))
        .unwrap_or(&Value::Null)
}

pub struct MoodleBackpack {
    client: reqwest::Client,
    /// What the administrator typed as the backpack's API URL.
    pub api_url: String,
    /// The port Moodle drops (see [`Self::token_url`]).
    port: u16,
    pub access_token: Option<String>,
}

/// What Moodle's authentication gives: the tokens, or the message it shows the learner.
#[derive(Debug)]
pub enum MoodleSignIn {
    Connected {
        access: String,
        refresh: String,
        expires_in: i64,
    },
    Failed {
        error: String,
        shown: String,
    },
}

impl MoodleBackpack {
    pub fn new(api_url: &str) -> Self {
        let port = url::Url::parse(api_url).unwrap().port().unwrap_or(80);
        Self {
            client: reqwest::Client::new(),
            api_url: api_url.trim_end_matches('/').to_owned(),
            port,
            access_token: None,
        }
    }

    /// `[SCHEME]://[HOST]/o/token`: Moodle keeps only the scheme and host of the API URL, so
    /// the token endpoint must be at the origin's root (and, in production, on the default
    /// port). The test server listens on another port: it is put back after the check.
    pub fn token_url(&self) -> String {
        let api = url::Url::parse(&self.api_url).unwrap();
        let moodle = format!("{}://{}/o/token", api.scheme(), api.host_str().unwrap());
        assert_eq!(url::Url::parse(&moodle).unwrap().port(), None);
        format!(
            "{}://{}:{}/o/token",
            api.scheme(),
            api.host_str().unwrap(),
            self.port
        )
    }

    fn headers(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request
            .header(header::ACCEPT, "application/json")
            .header("Expect", "")
            .header(header::USER_AGENT, "MoodleBot/1.0")
    }

    /// `authenticate()`: `['username' => email, 'password' => password]` posted with no
    /// Authorization header; connected only when both tokens are there, else Moodle shows
    /// `error_description` (and needs `error` to know it failed).
    pub async fn authenticate(&mut self, email: &str, password: &str) -> MoodleSignIn {
        let form = Form::new()
            .text("username", email.to_owned())
            .text("password", password.to_owned());
        let response = self
            .headers(self.client.post(self.token_url()))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        match (body["access_token"].as_str(), body["refresh_token"].as_str()) {
            (Some(access), Some(refresh)) => {
                self.access_token = Some(access.to_owned());
                MoodleSignIn::Connected {
                    access: access.to_owned(),
                    refresh: refresh.to_owned(),
                    expires_in: body["expires_in"].as_i64().unwrap_or(900),
                }
            }
            _ => MoodleSignIn::Failed {
                error: body["error"]
                    .as_str()
                    .expect("Moodle needs `error` to see a failure")
                    .to_owned(),
                shown: body["error_description"].as_str().unwrap_or_default().to_owned(),
            },
        }
    }

    /// A JSON-mapped call: bearer, JSON content type even on GET, the envelope's `result`.
    async fn call(&self, method: reqwest::Method, url: String, body: Option<Vec<u8>>) -> (StatusCode, Value) {
        let mut request = self
            .headers(self.client.request(method, url))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = &self.access_token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        (status, body)
    }

    /// The raw answer of a GET under the API URL.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, format!("{}{path}", self.api_url), None)
            .await
    }

    /// `get_collections()`, through `collection_exporter` (every property required).
    pub async fn collections(&self) -> Vec<Value> {
        let (status, body) = self.get("/backpack/collections").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"]["success"], true, "{body}");
        let collections = body["result"].as_array().unwrap().clone();
        for collection in &collections {
            required(
                collection,
                &[
                    "entityType",
                    "entityId",
                    "name",
                    "description",
                    "share_url",
                    "published",
                    "assertions",
                ],
                "collection",
            );
            assert!(
                collection["assertions"].is_array(),
                "count() needs an array: {collection}"
            );
        }
        collections
    }

    /// The collections `form/collections.php` offers: only the published ones, each as
    /// "name (count)".
    pub async fn offered_collections(&self) -> Vec<(String, String)> {
        self.collections()
            .await
            .into_iter()
            .filter(|c| c["published"].as_bool().unwrap_or(false))
            .map(|c| {
                let label = format!(
                    "{} ({})",
                    c["name"].as_str().unwrap(),
                    c["assertions"].as_array().unwrap().len()
                );
                (c["entityId"].as_str().unwrap().to_owned(), label)
            })
            .collect()
    }

    /// `get_badges($collection, true)`: the collection, then each assertion expanded, with
    /// what the assertion, badge class and issuer exporters require.
    pub async fn badges(&self, entity_id: &str) -> Vec<Value> {
        let (status, body) = self.get(&format!("/backpack/collections/{entity_id}")).await;
        assert_eq!(status, 200, "{body}");
        let collection = body["result"][0].clone();
        let mut badges = Vec::new();
        for assertion in collection["assertions"].as_array().unwrap() {
            let id = assertion.as_str().unwrap();
            assert!(
                id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "put in a URL as is: {id}"
            );
            let (status, body) = self
                .get(&format!(
                    "/backpack/assertions/{id}?expand=badgeclass&expand=issuer"
                ))
                .await;
            assert_eq!(status, 200, "{body}");
            let assertion = body["result"][0].clone();
            assert!(!either(&assertion, "entityType", "type").is_null(), "{assertion}");
            assert!(!either(&assertion, "entityId", "id").is_null(), "{assertion}");
            required(&assertion, &["issuedOn"], "assertion");
            let badgeclass = &assertion["badgeclass"];
            assert!(badgeclass.is_object(), "expanded: {assertion}");
            required(
                badgeclass,
                &["name", "image", "description", "issuer"],
                "badge class",
            );
            required(&badgeclass["issuer"], &["name", "email", "url"], "issuer");
            badges.push(assertion);
        }
        badges
    }

    /// "Add to backpack": `json_encode(['url' => $url])` (slashes escaped) posted as JSON.
    pub async fn import(&self, url: &str) -> (StatusCode, Value) {
        let body = serde_json::json!({ "url": url }).to_string().replace('/', "\\/");
        self.call(
            reqwest::Method::POST,
            format!("{}/backpack/import", self.api_url),
            Some(body.into_bytes()),
        )
        .await
    }
}

/// Mahara's Open Badges block, with Besace set as a backpack source (`$source` ends in `/`).
pub struct Mahara {
    client: reqwest::Client,
    source: String,
}

impl Mahara {
    pub fn new(base: &str) -> Self {
        Self {
            client: reqwest::Client::new(),
            source: format!("{}/", base.trim_end_matches('/')),
        }
    }

    /// `get_backpack_id()`: `'email=' . urlencode($email)` posted; the `userId`, if any.
    pub async fn backpack_id(&self, email: &str) -> (StatusCode, Value) {
        let body: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
        let response = self
            .client
            .post(format!("{}displayer/convert/email", self.source))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("email={body}"))
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    pub async fn user_id(&self, email: &str) -> Option<Value> {
        let (_, body) = self.backpack_id(email).await;
        body.get("userId").cloned()
    }

    /// `get_badgegroupnames()`: `groupId => "name (N badges)"`.
    pub async fn group_names(&self, uid: &Value) -> Vec<(i64, String)> {
        let response = self
            .client
            .get(format!("{}displayer/{}/groups.json", self.source, id_text(uid)))
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        body["groups"]
            .as_array()
            .map(|groups| {
                groups
                    .iter()
                    .map(|g| {
                        let name = format!(
                            "{} ({} badges)",
                            g["name"].as_str().unwrap(),
                            g["badges"].as_u64().unwrap()
                        );
                        (
                            g["groupId"].as_i64().expect("groupId is compared as an integer"),
                            name,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `get_badge_html()`: one `<img>` per badge not expired, written as Mahara writes it
    /// (the name and picture put in attributes as they come).
    pub async fn group_html(&self, uid: &Value, group_id: i64) -> (StatusCode, String, Value) {
        let response = self
            .client
            .get(format!(
                "{}displayer/{}/group/{group_id}.json",
                self.source,
                id_text(uid)
            ))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let json: Value = response.json().await.unwrap();
        let mut html = String::new();
        // `if ($res->info['http_code'] != 200) return '';`
        if status != StatusCode::OK {
            return (status, html, json);
        }
        assert!(
            json.get("status").is_none(),
            "Mahara would take it for Badgr's envelope: {json}"
        );
        for badge in json["badges"].as_array().into_iter().flatten() {
            let b = &badge["assertion"]["badge"];
            if let Some(expires) = badge["assertion"]["expires"].as_str() {
                let day = chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d").unwrap();
                if day < chrono::Utc::now().date_naive() {
                    continue;
                }
            }
            html.push_str(&format!(
                "<img tabindex=\"0\" id=\"passport_{}_{group_id}\" src=\"{}\" title=\"{}\" data-assertion=\"…\" />",
                id_text(uid),
                b["image"].as_str().unwrap(),
                b["name"].as_str().unwrap(),
            ));
        }
        (status, html, json)
    }
}

fn id_text(uid: &Value) -> String {
    match uid {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
