//! The server under test: a fresh database per test (SQLite or PostgreSQL), the server
//! started on it with its mail going to an SMTP sink, and the learners it serves.
use super::client::{new_client, TestClient};
use super::fixtures::PASSWORD;
use super::smtp::SmtpSink;
use besace_server::config::{DatabaseArgs, LogFormat, ServeArgs};
use besace_server::startup::Application;
use futures::FutureExt;
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

/// The server's settings for tests: a random port, the data under `data_dir`, generous rate
/// limits, private addresses refused.
fn serve_args_in(database_url: Option<String>, data_dir: PathBuf, site_root: PathBuf) -> ServeArgs {
    ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        database: DatabaseArgs {
            database_url,
            data_dir,
        },
        public_url: None,
        site_root,
        log_format: LogFormat::Text,
        rate_limit_per_ip: 1000,
        rate_limit_per_account: 1000,
        smtp_url: None,
        mail_from: "Besace <besace@besace.test>".into(),
        allow_private_network: false,
        reverify_every: std::time::Duration::from_secs(24 * 3600).into(),
        recheck_lease: std::time::Duration::from_secs(600).into(),
        public_recheck_after: std::time::Duration::from_secs(3600).into(),
        demo: false,
        max_import_items: 50,
        trusted_proxies: Vec::new(),
        public_cache_bytes: besace_core::public_pages::DEFAULT_BUDGET,
        known_issuers: None,
    }
}

/// Settings with no database at all, for the tests of a server that cannot start.
pub struct TestDbArgs;

impl TestDbArgs {
    pub fn unreachable() -> ServeArgs {
        ServeArgs {
            rate_limit_per_ip: 10,
            rate_limit_per_account: 10,
            ..serve_args_in(None, std::env::temp_dir(), std::env::temp_dir())
        }
    }
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

    /// The built site the server serves (empty until a test puts files there).
    pub fn site_dir(&self) -> PathBuf {
        self.dir.join("site")
    }

    pub fn serve_args(&self) -> ServeArgs {
        serve_args_in(Some(self.url.clone()), self.dir.clone(), self.dir.join("site"))
    }

    pub async fn spawn_app(&self) -> TestApp {
        self.spawn_app_with(|_| {}).await
    }

    pub async fn spawn_app_with(&self, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
        spawn(self.serve_args(), configure).await
    }

    /// Another Besace, with a SQLite database of its own beside this one: the other
    /// backpack of the tests where one backpack reads another.
    pub async fn spawn_other_backpack(&self, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
        let dir = self.dir.join("other-backpack");
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("besace.db").display());
        spawn(serve_args_in(Some(url), dir.clone(), dir.join("site")), configure).await
    }
}

async fn spawn(mut args: ServeArgs, configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        besace_server::telemetry::init(LogFormat::Text);
    }
    let mail = std::sync::Arc::new(SmtpSink::start().await);
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

/// A running server, its mail, and a first browser on it (`app.signup(…)` and the like).
pub struct TestApp {
    browser: TestClient,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    /// Every mail the server sends (the SMTP URL points here unless a test changes it).
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

impl TestApp {
    /// Another browser on the same server, with cookies of its own.
    pub fn new_browser(&self) -> TestClient {
        TestClient {
            address: self.address.clone(),
            client: new_client(),
            mail: self.mail.clone(),
        }
    }

    /// A second, cookie-less browser on the same server.
    pub fn client_for(_app: &TestApp) -> reqwest::Client {
        new_client()
    }

    /// Signs up `email` (which the mailed link verifies), so badges issued to it can be
    /// imported.
    pub async fn learner_with_verified(&self, email: &str) {
        self.signup(email, "Ana Martin", PASSWORD).await;
    }

    /// The verification link of the next delivered mail, as a path.
    pub async fn next_link(&self, to: &str) -> String {
        let mail = self.mail.next().await;
        assert_eq!(mail.to, [to]);
        let link = mail.link(&format!("{}/verify-email?token=", self.address));
        link.strip_prefix(&self.address).unwrap().to_owned()
    }
}
