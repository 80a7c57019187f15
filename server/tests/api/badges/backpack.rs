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

// Search ignores accents and case ("etre", "être", "ÊTRE" find "Être ponctuel"), and sort
// by name is in French order (É and Œ among the E's and O's, not after Z), on both
// databases; badges stored before the keys existed get them at the next start.
on_both_databases!(search_and_sort_speak_french, |db: TestDb| async move {
    let names = [
        "Parler en public",
        "Être ponctuel",
        "Œuvre collective",
        "accueillir",
        "Écouter un client",
    ];
    let urls = hosted_badges(&names, std::time::Duration::ZERO).await;
    let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
    app.learner_with_verified(LEARNER).await;
    let fields: Vec<(&str, String)> = urls.iter().map(|url| ("url", url.clone())).collect();
    let (status, body) = app.import_fields(&fields).await;
    assert_eq!(status, 200, "{body}");
    let sorted = |body: Value| -> Vec<String> {
        let badges = body["badges"].as_array().unwrap().iter();
        badges.map(|b| b["name"].as_str().unwrap().to_owned()).collect()
    };
    let french_order = [
        "accueillir",
        "Écouter un client",
        "Être ponctuel",
        "Œuvre collective",
        "Parler en public",
    ];
    assert_eq!(sorted(app.badges_query("sort=name").await), french_order);
    for spelling in ["etre", "%C3%AAtre", "%C3%8ATRE", "PONCTU%C3%89L"] {
        let body = app.badges_query(&format!("q={spelling}")).await;
        assert_eq!(sorted(body), ["Être ponctuel"], "q={spelling}");
    }
    for spelling in ["oeuvre", "%C5%93uvre", "%C5%92UVRE"] {
        assert_eq!(
            app.badges_query(&format!("q={spelling}")).await["total"],
            1,
            "q={spelling}"
        );
    }
    // The issuer's name is searched the same way, and `%` stays a plain character.
    assert_eq!(app.badges_query("q=LOINTAIN").await["total"], 5);
    assert_eq!(app.badges_query("q=%25").await["total"], 0);
    let (_, html) = app.get_html("/backpack?q=%C3%A9couter").await;
    assert_eq!(html.matches(r#"<li class="badge-card">"#).count(), 1, "{html}");

    // Badges stored before the keys existed (keys NULL) get them when a process starts.
    {
        use sea_orm::ConnectionTrait;
        let sql = sea_orm::Database::connect(&db.url).await.unwrap();
        sql.execute_unprepared("UPDATE badges SET name_key = NULL, issuer_key = NULL")
            .await
            .unwrap();
    }
    let _restarted = db.spawn_app().await;
    assert_eq!(app.badges_query("q=etre").await["total"], 1);
    assert_eq!(sorted(app.badges_query("sort=name").await), french_order);
});
