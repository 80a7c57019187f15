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
