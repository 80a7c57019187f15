//! The learner's name, changed in the settings with a plain form: every public page shows
//! the new one at once; a bad name changes nothing and is said so in place.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

async fn rename(app: &TestApp, name: &str) -> String {
    let response = submit(app, "/api/set_display_name", &[("display_name", name)]).await;
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

on_both_databases!(
    a_new_name_shows_on_every_public_page_at_once,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        app.call("set_profile", &[("handle", "ana-martin"), ("mode", "backpack")])
            .await;
        let visitor = app.new_browser();
        let (_, before) = visitor.get_html("/u/ana-martin").await;
        assert!(before.contains("Ana Martin"), "{before}");

        let (_, settings) = app.get_html("/settings").await;
        assert!(
            settings.contains(r#"action="/api/set_display_name""#),
            "{settings}"
        );
        assert!(settings.contains(r#"value="Ana Martin""#), "{settings}");
        assert_eq!(
            rename(&app, "  Camille Durand ").await,
            "/settings?name=saved#name"
        );
        let (_, saved) = app.get_html("/settings?name=saved").await;
        assert!(saved.contains("your public pages now show this name"), "{saved}");
        assert!(saved.contains(r#"value="Camille Durand""#), "{saved}");
        let (_, after) = visitor.get_html("/u/ana-martin").await;
        assert!(
            after.contains("Camille Durand"),
            "the cached page was dropped: {after}"
        );
        assert!(!after.contains("Ana Martin"), "{after}");
        assert_eq!(app.me().await["display_name"], "Camille Durand");
    }
);

on_both_databases!(
    a_bad_name_changes_nothing_and_is_said_in_place,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        for bad in ["", "   ", &"é".repeat(101), "Ana\u{0}Martin"] {
            assert_eq!(
                rename(&app, bad).await,
                "/settings?error=InvalidDisplayName#name",
                "{bad:?}"
            );
        }
        let (_, page) = app.get_html("/settings?error=InvalidDisplayName").await;
        assert!(page.contains(r#"role="alert""#), "{page}");
        assert_eq!(app.me().await["display_name"], "Ana Martin");

        // Markup in a name is text wherever it shows.
        let hostile = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
        assert_eq!(rename(&app, hostile).await, "/settings?name=saved#name");
        app.call("set_profile", &[("handle", "ana-martin"), ("mode", "backpack")])
            .await;
        for path in ["/settings", "/backpack", "/u/ana-martin"] {
            let (_, page) = app.get_html(path).await;
            assert!(
                !page.contains("<script>alert(1)") && !page.contains("<img src=x"),
                "{path}: {page}"
            );
        }
        // Logged out, the form is refused.
        app.logout().await;
        let refused = app
            .post_form("/api/set_display_name", &[("display_name", "Intrus")])
            .await;
        assert_eq!(refused.status(), 401);
    }
);
