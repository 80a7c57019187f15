//! `besace demo` makes a real backpack, once: verified badges of every format, collections,
//! a public gallery.
use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(besace_demo_makes_a_real_backpack_once, |db: TestDb| async move {
    // A server started for the demo: the only kind that trusts the demo issuer.
    let app = db.spawn_app_with(|args| args.demo = true).await;
    let database = besace_server::startup::open_database(&db.serve_args().database)
        .await
        .unwrap();
    let first = besace_server::demo::create(&database, &app.address)
        .await
        .unwrap();
    let again = besace_server::demo::create(&database, &app.address)
        .await
        .unwrap();
    assert_eq!(first.badges, 14);
    assert_eq!(again.gallery_url, first.gallery_url, "run twice, same backpack");

    app.login(first.email, first.password).await;
    let listed = app.badges_query("per_page=50").await;
    assert_eq!(listed["total"], 14, "{listed}");
    let badges = listed["badges"].as_array().unwrap();
    assert!(badges.iter().all(|b| b["status"] == "verified"), "{listed}");
    assert!(
        badges.iter().all(|b| b["image"].is_string()),
        "every badge has a picture"
    );
    // Open Badges 2.0 signed PNG and hosted SVG, Open Badges 3.0 PNG, SVG and JSON: all
    // verified offline, the 2.0 ones through the demo issuer's bundled documents.
    let formats: std::collections::BTreeSet<(&str, &str)> = badges
        .iter()
        .map(|b| (b["spec"].as_str().unwrap(), b["media_type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        formats.into_iter().collect::<Vec<_>>(),
        [
            ("ob2", "image/png"),
            ("ob2", "image/svg+xml"),
            ("ob3", "application/json"),
            ("ob3", "image/png"),
            ("ob3", "image/svg+xml")
        ]
    );
    let collections = app.call("my_collections", &[]).await;
    assert_eq!(collections.as_array().unwrap().len(), 2);

    let (status, html) = app.new_browser().get_html(&path_of(&first.gallery_url)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Camille Durand") && html.contains("Être ponctuel"),
        "{html}"
    );
    assert_eq!(html.matches("class=\"badge-card\"").count(), 6);
    assert!(!html.contains('@'));
});
