//! The server functions and JSON routes the tests call, as the learner's browser calls them:
//! importing, the backpack and one badge, collections, e-mail addresses.
use super::answers::{location, status_of};
use super::client::TestClient;
use super::fixtures::fixture;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// Server functions in general.
impl TestClient {
    /// Calls a server function and answers its JSON (asserting success).
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> Value {
        let response = self.post_form(&format!("/api/{function}"), form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{function} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    /// A server function on one badge that answers its detail.
    pub async fn badge_call(&self, function: &str, id: &str) -> Value {
        let response = self.post_form(&format!("/api/{function}"), &[("id", id)]).await;
        assert_eq!(response.status(), 200, "{function} {id}");
        response.json().await.unwrap()
    }
}

/// Importing, and the badges of the backpack.
impl TestClient {
    /// Imports files in one request; answers the status and the per-file results.
    pub async fn import(&self, files: &[(&str, Vec<u8>)]) -> (u16, Value) {
        let form = files.iter().fold(Form::new(), |form, (name, bytes)| {
            form.part("file", Part::bytes(bytes.clone()).file_name(name.to_string()))
        });
        self.post_import(form).await
    }

    /// Imports URLs (`url`) and pasted text (`text`) in one request.
    pub async fn import_fields(&self, fields: &[(&str, String)]) -> (u16, Value) {
        let form = fields.iter().fold(Form::new(), |form, (name, value)| {
            form.text(name.to_string(), value.clone())
        });
        self.post_import(form).await
    }

    async fn post_import(&self, form: Form) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/api/badges/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        status_of(response).await
    }

    /// Imports fixtures (see [`fixture`]) and answers their badge ids, in order.
    pub async fn import_ids(&self, names: &[&str]) -> Vec<String> {
        let files: Vec<(&str, Vec<u8>)> = names.iter().map(|name| (*name, fixture(name))).collect();
        let (_, body) = self.import(&files).await;
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                assert_eq!(result["outcome"], "added", "{result}");
                result["badge"]["id"].to_string()
            })
            .collect()
    }

    pub async fn badges(&self) -> Vec<Value> {
        self.badges_query("").await["badges"].as_array().unwrap().clone()
    }

    /// `GET /api/badges?{query}`: a page of badges and the total.
    pub async fn badges_query(&self, query: &str) -> Value {
        let response = self
            .client
            .get(self.url(&format!("/api/badges?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// The badge page's data (the `badge` server function).
    pub async fn badge(&self, id: &str) -> Value {
        self.badge_call("badge", id).await
    }
}

/// Collections.
impl TestClient {
    pub async fn create_collection(&self, name: &str) -> String {
        let id = self
            .call(
                "create_collection",
                &[("name", name), ("description", "Mes savoir-être")],
            )
            .await;
        id.to_string()
    }

    pub async fn add_to(&self, collection: &str, badge: &str) {
        self.call(
            "set_collection_badge",
            &[("id", collection), ("badge_id", badge), ("holds", "true")],
        )
        .await;
    }

    pub async fn collection(&self, id: &str) -> Value {
        self.call("collection", &[("id", id)]).await
    }

    pub async fn publish(&self, id: &str, publish: bool) -> Value {
        self.call(
            "publish_collection",
            &[("id", id), ("publish", &publish.to_string())],
        )
        .await
    }
}

/// E-mail addresses.
impl TestClient {
    pub async fn emails(&self) -> Value {
        let response = self.post_form("/api/emails", &[]).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn add_email(&self, email: &str) -> reqwest::Response {
        self.post_form("/api/add_email", &[("email", email)]).await
    }

    /// Makes a platform password in settings, as the plain form does; answers the password
    /// the settings page shows (once).
    pub async fn platform_password(&self, site: &str, collections: &str) -> String {
        let response = self
            .post_page_form(
                "/api/create_platform_password",
                &[("site", site), ("collections", collections)],
            )
            .await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(location(&response), "/settings#new-platform-password");
        let (_, page) = self.get_html("/settings").await;
        let shown = page
            .split("<p class=\"secret\"><code>")
            .nth(1)
            .and_then(|rest| rest.split("</code>").next())
            .unwrap_or_else(|| panic!("no password on {page}"))
            .to_owned();
        let (_, again) = self.get_html("/settings").await;
        assert!(!again.contains(&shown), "shown once only");
        shown
    }

    /// Turns on or off "let e-portfolio sites find my published collections".
    pub async fn set_eportfolio(&self, on: bool) {
        let response = self
            .post_page_form("/api/set_eportfolio", &[("on", if on { "on" } else { "off" })])
            .await;
        assert!(response.status().is_redirection(), "{}", response.status());
    }
}
