//! Logins and sessions under attack: `next` never leads off the site, a password change ends
//! every other session, a wrong-password flood does not lock the learner out.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

on_both_databases!(next_never_leads_off_the_site, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.signup(LEARNER, "Ana Martin", PASSWORD).await;
    for (index, (next, lands)) in [
        ("/inbox", "/inbox"),
        ("/connect?x=1", "/connect?x=1"),
        ("/\t/evil.example", "/backpack"),
        ("/\n/evil.example", "/backpack"),
        ("/\r\n/evil.example", "/backpack"),
        ("/\x0b/evil.example", "/%0B/evil.example"),
        ("/%09/evil.example", "/%09/evil.example"),
        ("//evil.example", "/backpack"),
        ("/\\evil.example", "/backpack"),
        ("https://evil.example/", "/backpack"),
        ("javascript:alert(1)", "/backpack"),
    ]
    .into_iter()
    .enumerate()
    {
        let browser = app.new_browser();
        let response = browser
            .post_page_form(
                "/api/login",
                &[("email", LEARNER), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(response.headers()[header::LOCATION], lands, "{next:?}");
        // At sign-up, `next` rides in the mailed link, and is checked again when used.
        let address = format!("n{index}@example.org");
        let response = browser
            .post_page_form(
                "/api/signup",
                &[
                    ("email", &address),
                    ("display_name", "Ana"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(response.headers()[header::LOCATION], "/check-your-mail");
        let mail = app.mail.next().await;
        assert_eq!(mail.to, [address]);
        let link = mail.link(&format!("{}/verify-email?token=", app.address));
        let response = browser.follow_link(&link).await;
        assert_eq!(response.headers()[header::LOCATION], lands, "{next:?} via {link}");
    }
});

on_both_databases!(
    a_password_change_ends_every_other_session,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup(LEARNER, "Ana Martin", PASSWORD).await;
        let phone = app.new_browser();
        phone.login(LEARNER, PASSWORD).await;
        assert_eq!(phone.me().await["email"], LEARNER);

        let new_password = "Un autre vélo, bleu cette fois";
        let response = app
            .post_form(
                "/api/change_password",
                &[("current_password", PASSWORD), ("new_password", new_password)],
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(app.me().await["email"], LEARNER, "the changing device stays in");
        assert_eq!(phone.me().await, Value::Null, "the other device is out");
        assert_eq!(phone.get("/backpack").await.status(), 302);

        // "Log out everywhere" ends this session too, and every other.
        let laptop = app.new_browser();
        laptop.login(LEARNER, new_password).await;
        assert_eq!(laptop.me().await["email"], LEARNER);
        let (_, settings) = app.get_html("/settings").await;
        assert!(settings.contains("/api/logout_everywhere"), "{settings}");
        let response = app.post_form("/api/logout_everywhere", &[]).await;
        assert!(response.status().is_redirection() || response.status().is_success());
        assert_eq!(app.me().await, Value::Null);
        assert_eq!(laptop.me().await, Value::Null);
        laptop.login(LEARNER, new_password).await;
        assert_eq!(laptop.me().await["email"], LEARNER, "logging in again works");
    }
);

on_both_databases!(
    a_wrong_password_flood_does_not_lock_the_learner_out,
    |db: TestDb| async move {
        // Behind a trusted proxy (here, this machine), X-Forwarded-For names the client.
        let app = db
            .spawn_app_with(|args| {
                args.rate_limit_per_account = 3;
                args.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
            })
            .await;
        app.signup(LEARNER, "Ana Martin", PASSWORD).await;
        let from = |client: &'static str, password: &'static str| {
            let browser = app.new_browser();
            async move {
                browser
                    .client
                    .post(browser.url("/api/login"))
                    .header("x-forwarded-for", client)
                    .form(&[("email", LEARNER), ("password", password)])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        let mut flood = Vec::new();
        for _ in 0..5 {
            flood.push(from("203.0.113.9", "pas le bon mot de passe").await);
        }
        assert_eq!(flood, [401, 401, 401, 429, 429], "the attacker is slowed down");
        assert_eq!(
            from("198.51.100.7", PASSWORD).await,
            200,
            "the learner is not locked out"
        );
    }
);
