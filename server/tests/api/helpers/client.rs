//! One browser on the server under test: its own cookie jar, pages and forms as a browser
//! sends them, and the learner's way in (sign-up through the mailed link, login, logout).
use super::answers::hidden_input;
use super::smtp::SmtpSink;
use reqwest::{header, redirect::Policy, Response, StatusCode};

/// One browser: its own cookie jar (and the server's mail, to follow the links it sends).
pub struct TestClient {
    pub address: String,
    pub client: reqwest::Client,
    pub mail: std::sync::Arc<SmtpSink>,
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        // A request the server never answers fails with its URL, not a silent 120 s hang.
        .timeout(std::time::Duration::from_secs(45))
        .build()
        .unwrap()
}

/// A plain HTML form's submission (no wasm): the server function answers with a redirect.
pub async fn submit(browser: &TestClient, path: &str, form: &[(&str, &str)]) -> Response {
    browser.post_page_form(path, form).await
}

impl TestClient {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// A plain HTML form's submission, as a browser without the wasm sends it (a server
    /// function then answers with a redirect).
    pub async fn post_page_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A plain HTML form's submission from the page at `from`, with the `Referer` a browser
    /// sends (its default policy gives the full address on the same site).
    pub async fn post_page_form_from(&self, from: &str, path: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .header(header::REFERER, self.url(from))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A page load as a browser sends it (the Accept header decides redirect handling).
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .unwrap()
    }

    /// A page's status and markup, without Leptos's hydration markers: the empty comments
    /// (`<!>`) it writes after views (many more with `erase_components`) are not content,
    /// and would split the text a test looks for.
    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (
            response.status(),
            response.text().await.unwrap().replace("<!>", ""),
        )
    }

    /// Posts the sign-up form (the answer is the same for every address: see `signup`).
    pub async fn signup_form(&self, email: &str, name: &str, password: &str) -> Response {
        self.post_form(
            "/api/signup",
            &[("email", email), ("display_name", name), ("password", password)],
        )
        .await
    }

    /// Signs up as a learner does: the form, then the button of the page the mailed link
    /// opens, which logs this browser in. Answers that last response.
    pub async fn signup(&self, email: &str, name: &str, password: &str) -> Response {
        let response = self.signup_form(email, name, password).await;
        assert_eq!(
            response
                .headers()
                .get(header::LOCATION)
                .map(|l| l.to_str().unwrap()),
            Some("/check-your-mail"),
            "sign-up of {email} answered {}",
            response.status()
        );
        let mail = self.mail.next().await;
        assert_eq!(mail.to, [email.trim().to_lowercase()]);
        self.follow_link(&mail.link(&format!("{}/verify-email?token=", self.address)))
            .await
    }

    /// Opens a link of a verification mail and presses its button, as a learner does.
    pub async fn follow_link(&self, link: &str) -> Response {
        let path = link.strip_prefix(&self.address).unwrap_or(link);
        let (status, page) = self.get_html(path).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains(r#"action="/api/confirm_email""#), "{page}");
        let form: Vec<(&str, String)> = ["token", "next"]
            .into_iter()
            .filter_map(|name| hidden_input(&page, name).map(|value| (name, value)))
            .collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post_form("/api/confirm_email", &form).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_form("/api/login", &[("email", email), ("password", password)])
            .await
    }

    pub async fn logout(&self) -> Response {
        self.post_form("/api/logout", &[]).await
    }

    /// The logged-in user as `/api/me` reports it (JSON null when logged out).
    pub async fn me(&self) -> serde_json::Value {
        let response = self.post_form("/api/me", &[]).await;
        assert!(
            response.status().is_success(),
            "/api/me answered {}",
            response.status()
        );
        response.json().await.unwrap()
    }
}
