//! Black-box test harness: a real `besace` server on a random port, over a fresh SQLite file
//! or a fresh PostgreSQL database, driven with a real HTTP client that keeps cookies.
use crate::smtp::SmtpSink;
use besace_server::config::{DatabaseArgs, LogFormat, ServeArgs};
use besace_server::startup::Application;
use futures::FutureExt;
use reqwest::{header, redirect::Policy, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use std::{future::Future, panic::AssertUnwindSafe, path::PathBuf};

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database made for one test, and dropped after it.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    dir: PathBuf,
}

fn postgres_admin_url() -> String {
    std::env::var("BESACE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    async fn create(backend: Backend) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("besace-test-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}?mode=rwc", dir.join("besace.db").display());
                Self {
                    url,
                    pg_name: None,
                    dir,
                }
            }
            Backend::Postgres => {
                let name = format!("besace_test_{id}");
                let admin = Database::connect(postgres_admin_url()).await.expect(
                    "PostgreSQL must run on 127.0.0.1:5432 (scripts/test starts it); set BESACE_TEST_POSTGRES_URL otherwise",
                );
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                let base = postgres_admin_url();
                let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
                Self {
                    url,
                    pg_name: Some(name),
                    dir,
                }
            }
        }
    }

    async fn drop_database(self) {
        if let Some(name) = &self.pg_name {
            if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    pub fn serve_args(&self) -> ServeArgs {
        ServeArgs {
            addr: "127.0.0.1:0".parse().unwrap(),
            database: DatabaseArgs {
                database_url: Some(self.url.clone()),
                data_dir: self.dir.clone(),
            },
            public_url: None,
            site_root: self.dir.join("site"),
            log_format: LogFormat::Text,
            rate_limit_per_ip: 1000,
            rate_limit_per_account: 1000,
            smtp_url: None,
            mail_from: "Besace <besace@besace.test>".into(),
            allow_private_network: false,
            reverify_every: std::time::Duration::from_secs(24 * 3600).into(),
            public_recheck_after: std::time::Duration::from_secs(3600).into(),
            demo: false,
            max_import_items: 50,
            trusted_proxies: Vec::new(),
            public_cache_bytes: besace_core::public_pages::DEFAULT_BUDGET,
            known_issuers: None,
        }
    }

    pub async fn spawn_app(&self) -> TestApp {
        self.spawn_app_with(|_| {}).await
    }

    pub async fn spawn_app_with(&self, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
        if std::env::var_os("TEST_LOG").is_some() {
            besace_server::telemetry::init(LogFormat::Text);
        }
        let mail = std::sync::Arc::new(SmtpSink::start().await);
        let mut args = self.serve_args();
        args.smtp_url = Some(mail.url());
        configure(&mut args);
        let app = Application::build(&args).await.expect("the app starts");
        let port = app.port();
        let server = tokio::spawn(app.run_until_stopped());
        TestApp {
            browser: TestClient {
                address: format!("http://127.0.0.1:{port}"),
                client: new_client(),
                mail: mail.clone(),
            },
            server,
            mail,
        }
    }
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

/// Runs `test` against a fresh database of `backend`, and always drops the database after.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = TestDb::create(backend).await;
    let keep = TestDb {
        url: db.url.clone(),
        pg_name: db.pg_name.clone(),
        dir: db.dir.clone(),
    };
    // A hung test fails with a message instead of stalling the whole run.
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        AssertUnwindSafe(test(db)).catch_unwind(),
    )
    .await
    .unwrap_or_else(|_| {
        // resume_unwind prints nothing: say it here.
        eprintln!("{backend:?} test timed out after 120 s");
        Err(Box::new(format!("{backend:?} test timed out after 120 s")))
    });
    keep.drop_database().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// One test body, run once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run($crate::helpers::Backend::Sqlite, $body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run($crate::helpers::Backend::Postgres, $body).await
            }
        }
    };
}

/// A running server, its mail, and a first browser on it (`app.signup(…)` and the like).
pub struct TestApp {
    browser: TestClient,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// Every mail the server sends (the SMTP URL points here unless a test changes it).
    pub mail: std::sync::Arc<SmtpSink>,
}

/// One browser: its own cookie jar (and the server's mail, to follow the links it sends).
pub struct TestClient {
    pub address: String,
    pub client: reqwest::Client,
    pub mail: std::sync::Arc<SmtpSink>,
}

impl std::ops::Deref for TestApp {
    type Target = TestClient;

    fn deref(&self) -> &TestClient {
        &self.browser
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub const PASSWORD: &str = "Mon vélo rouge a trois roues";

impl TestApp {
    /// Another browser on the same server, with cookies of its own.
    pub fn new_browser(&self) -> TestClient {
        TestClient {
            address: self.address.clone(),
            client: new_client(),
            mail: self.mail.clone(),
        }
    }
}

impl TestClient {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client.post(self.url(path)).form(form).send().await.unwrap()
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

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (response.status(), response.text().await.unwrap())
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

/// Where a server function's answer sends the browser (its `Location`), or "".
pub fn location_of(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of the page's hidden input `name` (HTML entities decoded), if it has one.
pub fn hidden_input(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!(r#"name="{name}""#))?;
    let start = at + page[at..].find(r#"value=""#)? + r#"value=""#.len();
    let value = &page[start..start + page[start..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The session cookie a response sets, if any.
pub fn session_cookie(response: &Response) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with("besace_session="))
}

pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// Asserts a server-function error: its HTTP status and its JSON body (the error variant).
pub async fn assert_error(response: Response, status: u16, variant: &str) {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let body = response.text().await.unwrap();
    assert!(body.contains(variant), "expected {variant}, got {body}");
}

/// A genuine OB 3.0 badge (eddsa-rdfc-2022, by the `did:key` issuer of `seed`) for `spec`,
/// signed with the library's issuer kit at its `valid_from`: verifiable offline.
pub fn signed_ob3(seed: u8, spec: &besace_badges::issue::BadgeSpec) -> Vec<u8> {
    use besace_badges::issue::{ob3_credential, DidKeyIssuer};
    let issuer = DidKeyIssuer::from_seed([seed; 32]);
    let credential = issuer
        .sign(ob3_credential(&issuer, spec), spec.valid_from)
        .unwrap();
    serde_json::to_vec(&credential).unwrap()
}

impl TestClient {
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
}
