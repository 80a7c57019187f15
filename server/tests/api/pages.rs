use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

on_both_databases!(
    pages_speak_the_language_of_the_browser_or_the_choice,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let english = app
            .client
            .get(app.url("/"))
            .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.8")
            .send()
            .await
            .unwrap();
        let html = english.text().await.unwrap();
        assert!(
            html.contains(r#"<html lang="en""#),
            "{}",
            &html[..200.min(html.len())]
        );
        assert!(html.contains("What is a badge backpack?"));

        let french = new_client()
            .get(app.url("/"))
            .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9,en;q=0.5")
            .send()
            .await
            .unwrap();
        let html = french.text().await.unwrap();
        assert!(html.contains(r#"<html lang="fr""#));
        assert!(
            html.contains("Qu&#x27;est-ce qu&#x27;une besace à badges\u{a0}?")
                || html.contains("Qu'est-ce qu'une besace à badges\u{a0}?"),
            "French landing"
        );

        // A remembered choice beats the browser's header.
        let chosen = new_client()
            .get(app.url("/"))
            .header(header::ACCEPT_LANGUAGE, "fr-FR")
            .header(header::COOKIE, "i18n_pref_locale=en")
            .send()
            .await
            .unwrap();
        assert!(chosen.text().await.unwrap().contains(r#"<html lang="en""#));
    }
);

on_both_databases!(
    the_chosen_language_is_remembered_by_the_account,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        let response = app.post_form("/api/set_language", &[("language", "fr")]).await;
        assert!(response.status().is_success());
        assert!(set_cookies(&response)
            .iter()
            .any(|c| c.starts_with("i18n_pref_locale=fr") && c.contains("Path=/")));
        assert_error(
            app.post_form("/api/set_language", &[("language", "de")]).await,
            422,
            "UnknownLanguage",
        )
        .await;
        app.logout().await;
        // A new browser, in English, logs in: the account's language comes back.
        let browser = new_client();
        let login = browser
            .post(app.url("/api/login"))
            .form(&[("email", "marie@ecole.fr"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(set_cookies(&login)
            .iter()
            .any(|c| c.starts_with("i18n_pref_locale=fr")));
        let html = browser
            .get(app.url("/backpack"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(r#"<html lang="fr""#));
        assert!(html.contains("Votre besace est vide pour l"));
    }
);

on_both_databases!(private_pages_send_visitors_to_login, |db: TestDb| async move {
    let app = db.spawn_app().await;
    for path in ["/backpack", "/settings"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(response.headers()[header::LOCATION], "/login");
    }
    let (status, html) = app.get_html("/login").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<label for="email""#) && html.contains(r#"id="email""#),
        "labelled fields"
    );
});

on_both_databases!(unknown_pages_are_404, |db: TestDb| async move {
    let app = db.spawn_app().await;
    let (status, html) = app.get_html("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
});

on_both_databases!(settings_page_shows_the_account, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
    let (status, html) = app.get_html("/settings").await;
    assert_eq!(status, 200);
    assert!(html.contains("marie@ecole.fr"));
    assert!(html.contains("Delete your account"));
});

// A page with no island (every form on it is a plain one) loads no wasm: no hydration
// script, no marker; pages with islands still load it. The time-zone script is on both.
on_both_databases!(pages_without_islands_load_no_wasm, |db: TestDb| async move {
    let app = db.spawn_app().await;
    let loads_wasm = |html: &str| html.contains("/pkg/besace") && html.contains("hydrate");
    for path in [
        "/",
        "/forgot-password",
        "/reset-password?token=x",
        "/check-your-mail",
    ] {
        let (status, html) = app.get_html(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!loads_wasm(&html), "{path} loads the wasm: {html}");
        assert!(html.contains(r#"<script src="/time-zone.js" defer"#), "{path}");
    }
    for path in ["/login", "/signup"] {
        let (_, html) = app.get_html(path).await;
        assert!(loads_wasm(&html), "{path} has islands: {html}");
    }
    app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
    let (_, html) = app.get_html("/inbox").await;
    assert!(!loads_wasm(&html), "the inbox's forms are plain: {html}");
    let (_, html) = app.get_html("/backpack").await;
    assert!(loads_wasm(&html), "the backpack has islands");
});

// The site's files are served beside pages being rendered, and take none of their headers:
// each page keeps its own nonce policy, each file gets the fallback one (see
// server/src/static_files.rs for what used to go wrong in the browser). Any other path
// is the app's "page not found".
on_both_databases!(
    files_take_no_headers_of_the_pages_around_them,
    |db: TestDb| async move {
        let site = std::env::temp_dir().join(format!("besace-site-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("pkg/besace.css"), "body { margin: 0 }").unwrap();
        let root = site.clone();
        let app = db.spawn_app_with(move |args| args.site_root = root).await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        let policy = |response: &reqwest::Response| {
            response.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .to_owned()
        };
        for _ in 0..20 {
            let (page, file, other) = tokio::join!(
                app.get("/backpack"),
                app.get("/pkg/besace.css"),
                app.get("/pkg/besace.css")
            );
            assert_eq!(page.status(), 200);
            assert!(policy(&page).contains("'nonce-"), "{}", policy(&page));
            for file in [file, other] {
                assert_eq!(file.status(), 200);
                assert!(!policy(&file).contains("'nonce-"), "{}", policy(&file));
                assert_eq!(file.text().await.unwrap(), "body { margin: 0 }");
            }
        }
        let (status, html) = app.get_html("/pkg/no-such-file.css").await;
        assert_eq!(status, 404);
        assert!(html.contains("Page not found"), "{html}");
        let _ = std::fs::remove_dir_all(site);
    }
);
