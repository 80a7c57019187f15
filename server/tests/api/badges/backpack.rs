//! The backpack: the badge list filtered, sorted and paged, and its page showing each badge
//! with its status.
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

on_both_databases!(the_backpack_filters_sorts_and_pages, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.learner_with_verified(LEARNER).await;
    app.import(&[
        ("a.png", fixture("baked-di.png")),
        ("expired.json", fixture("di-expired.json")),
        ("precision.jwt", fixture("jwt-eddsa.jwt")),
    ])
    .await;
    let names = |body: &Value| -> Vec<String> {
        body["badges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                format!(
                    "{} {}",
                    b["name"].as_str().unwrap(),
                    b["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    let body = app.badges_query("sort=name").await;
    assert_eq!(body["total"], 3);
    assert_eq!(
        names(&body),
        [
            "Parler en public expired",
            "Parler en public verified",
            "Précision verified"
        ]
    );
    let body = app.badges_query("status=expired").await;
    assert_eq!(names(&body), ["Parler en public expired"]);
    // Case-insensitive, every word must match; % and _ are plain characters.
    assert_eq!(app.badges_query("q=PARLER%20public").await["total"], 2);
    assert_eq!(app.badges_query("q=Centre%20Parler").await["total"], 2);
    assert_eq!(app.badges_query("q=%25").await["total"], 0);
    let body = app.badges_query("sort=name&per_page=2&page=2").await;
    assert_eq!(body["total"], 3);
    assert_eq!(names(&body), ["Précision verified"]);

    let (_, html) = app.get_html("/backpack?status=expired").await;
    assert_eq!(html.matches(r#"<li class="badge-card">"#).count(), 1, "{html}");
    let (_, html) = app.get_html("/backpack?q=nothing-like-this").await;
    assert!(html.contains("No badge matches this search."), "{html}");
});

on_both_databases!(
    the_backpack_page_shows_each_badge_with_its_status,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (status, html) = app.get_html("/backpack").await;
        assert_eq!(status, 200);
        assert!(html.contains("Your backpack is empty for now"));

        app.import(&[
            ("a.png", fixture("baked-di.png")),
            ("expired.json", fixture("di-expired.json")),
        ])
        .await;
        let (status, html) = app.get_html("/backpack").await;
        assert_eq!(status, 200);
        assert!(!html.contains("Your backpack is empty for now"), "{html}");
        assert_eq!(html.matches(r#"<li class="badge-card">"#).count(), 2, "{html}");
        assert!(html.contains("Parler en public"));
        assert!(html.contains("Centre de formation Démo"));
        assert!(
            html.contains(">Verified<") && html.contains(">Expired<"),
            "{html}"
        );
    }
);
