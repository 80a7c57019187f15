//! A platform's badge in the inbox: the learner hears of it by mail (at most one a day, in
//! their language, with the link) and sees it in the menu with the count.
use super::credential_named;
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

/// The site menu of a page (what `layout::NavLinks` renders).
fn menu(page: &str) -> &str {
    let start = page.find("<nav").expect("a menu");
    &page[start..start + page[start..].find("</nav>").unwrap()]
}

on_both_databases!(
    a_pushed_badge_is_told_by_one_mail_a_day_and_shown_in_the_menu,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        app.post_form("/api/set_language", &[("language", "fr")]).await;
        let (_, page) = app.get_html("/backpack").await;
        assert!(!menu(&page).contains("/inbox"), "nothing waits: {}", menu(&page));
        assert!(
            menu(&page).contains(r#"href="/backpack" aria-current="page""#),
            "{}",
            menu(&page)
        );

        let platform = Platform::register_ob30(&app).await;
        let scope = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert";
        let tokens = connect(&platform, &app, scope).await;
        let push = |body: Vec<u8>, content_type: &'static str| {
            let request = platform.http.post(app.url("/ims/ob/v3p0/credentials"));
            let request = request
                .bearer_auth(&tokens.access)
                .header(header::CONTENT_TYPE, content_type);
            async move { request.body(body).send().await.unwrap().status() }
        };
        assert_eq!(push(fixture("di-didkey.json"), "application/json").await, 201);
        assert_eq!(push(fixture("jwt-eddsa.jwt"), "text/plain").await, 201);

        // Two badges, one mail: in French, naming the platform, with the inbox's link.
        let mail = app.mail.next().await;
        assert_eq!(mail.to, [LEARNER]);
        assert_eq!(mail.subject, "Un badge vous attend dans Besace");
        assert!(
            mail.text
                .contains("Campus Moodle a envoyé un badge dans votre besace"),
            "{}",
            mail.text
        );
        assert_eq!(mail.link(&app.address), format!("{}/inbox", app.address));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(app.mail.is_empty().await, "one mail a day, however many badges");

        let (_, page) = app.get_html("/backpack").await;
        let nav = menu(&page);
        assert!(nav.contains(r#"href="/inbox""#), "{nav}");
        assert!(nav.contains(r#"<span class="count">2</span>"#), "{nav}");
        assert!(nav.contains("badges en attente"), "{nav}");
        let (_, page) = app.get_html("/inbox").await;
        assert!(
            menu(&page).contains(r#"href="/inbox" aria-current="page""#),
            "{}",
            menu(&page)
        );

        // A day later, the next badge is told again.
        {
            use sea_orm::ConnectionTrait;
            let sql = sea_orm::Database::connect(&db.url).await.unwrap();
            sql.execute_unprepared("UPDATE users SET inbox_noticed_at = '2020-01-01 00:00:00+00:00'")
                .await
                .unwrap();
        }
        assert_eq!(
            push(credential_named("Mesurer juste"), "application/json").await,
            201
        );
        assert_eq!(app.mail.next().await.subject, "Un badge vous attend dans Besace");
    }
);
