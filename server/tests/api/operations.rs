use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(health_check_reports_the_database, |db: TestDb| async move {
    let app = db.spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
});

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    run(Backend::Sqlite, |db: TestDb| async move {
        let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut args = db.serve_args();
        args.addr = holder.local_addr().unwrap();
        let err = besace_server::startup::Application::build(&args)
            .await
            .err()
            .expect("the port is taken");
        assert!(format!("{err:#}").contains("could not listen on"), "{err:#}");
    })
    .await;
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error() {
    let mut args = TestDbArgs::unreachable();
    args.database.database_url = Some("postgres://postgres@127.0.0.1:1/none".into());
    let err = besace_server::startup::Application::build(&args)
        .await
        .err()
        .expect("no database there");
    assert!(
        format!("{err:#}").contains("could not open the database"),
        "{err:#}"
    );
}

struct TestDbArgs;
impl TestDbArgs {
    fn unreachable() -> besace_server::config::ServeArgs {
        besace_server::config::ServeArgs {
            addr: "127.0.0.1:0".parse().unwrap(),
            database: besace_server::config::DatabaseArgs {
                database_url: None,
                data_dir: std::env::temp_dir(),
            },
            public_url: None,
            site_root: std::env::temp_dir(),
            log_format: besace_server::config::LogFormat::Text,
            rate_limit_per_ip: 10,
            rate_limit_per_account: 10,
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
}
