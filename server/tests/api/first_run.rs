//! The first run: after sign-up the "check your mail" page can send the link again, with a
//! plain form, and answers the same whatever the address; without the wasm, a refused
//! login or sign-up comes back to its form with the message in place.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

async fn resend(browser: &TestClient, email: &str) -> String {
    let response = submit(browser, "/api/resend_sign_up_link", &[("email", email)]).await;
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

on_both_databases!(
    the_sign_up_link_is_sent_again_from_the_check_your_mail_page,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup_form("marie@ecole.fr", "Marie Dupont", PASSWORD).await;
        let first = app.mail.next().await;
        let (_, page) = app.get_html("/check-your-mail").await;
        assert!(page.contains(r#"action="/api/resend_sign_up_link""#), "{page}");

        assert_eq!(resend(&app, " Marie@Ecole.fr ").await, "/check-your-mail?resent");
        let second = app.mail.next().await;
        assert_eq!(second.to, ["marie@ecole.fr"]);
        assert_eq!(second.subject, first.subject);
        let (_, page) = app.get_html("/check-your-mail?resent").await;
        assert!(page.contains("Sent again"), "{page}");
        let prefix = format!("{}/verify-email?token=", app.address);
        assert_error(app.follow_link(&first.link(&prefix)).await, 410, "InvalidLink").await;
        let confirmed = app.follow_link(&second.link(&prefix)).await;
        assert_eq!(confirmed.headers()[header::LOCATION], "/backpack");
        assert_eq!(app.me().await["email"], "marie@ecole.fr");

        // A confirmed account and an unknown address get the same answer and no mail.
        app.logout().await;
        assert_eq!(resend(&app, "marie@ecole.fr").await, "/check-your-mail?resent");
        assert_eq!(resend(&app, "nobody@ecole.fr").await, "/check-your-mail?resent");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(app.mail.is_empty().await);
        assert_eq!(
            resend(&app, "<script>alert(1)</script>").await,
            "/check-your-mail?error=InvalidEmail"
        );
        let (_, page) = app.get_html("/check-your-mail?error=InvalidEmail").await;
        assert!(page.contains(r#"role="alert""#), "{page}");
    }
);

on_both_databases!(
    without_the_wasm_a_refused_login_or_sign_up_comes_back_to_its_form,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie Dupont", PASSWORD).await;
        app.logout().await;
        let wrong = submit(
            &app,
            "/api/login",
            &[
                ("email", "marie@ecole.fr"),
                ("password", "pas le bon mot de passe"),
            ],
        )
        .await;
        assert_eq!(wrong.status(), 302);
        let back = wrong.headers()[header::LOCATION].to_str().unwrap().to_owned();
        assert_eq!(back, "/login?error=WrongCredentials");
        let (status, page) = app.get_html(&back).await;
        assert_eq!(status, 200);
        assert!(page.contains(r#"role="alert""#), "{page}");
        assert!(
            page.contains("The e-mail address or the password is not right"),
            "{page}"
        );
        assert!(!page.contains(r#"{"WrongCredentials"#), "{page}");

        // The page that asked for the login is kept.
        let with_next = submit(
            &app,
            "/api/login",
            &[
                ("email", "x@ecole.fr"),
                ("password", "whatever"),
                ("next", "/connect?a=1"),
            ],
        )
        .await;
        assert_eq!(
            with_next.headers()[header::LOCATION],
            "/login?next=%2Fconnect%3Fa%3D1&error=WrongCredentials"
        );
        let weak = submit(
            &app,
            "/api/signup",
            &[
                ("email", "paul@ecole.fr"),
                ("display_name", "Paul"),
                ("password", "court"),
            ],
        )
        .await;
        assert_eq!(weak.headers()[header::LOCATION], "/signup?error=PasswordTooShort");
        let (_, page) = app.get_html("/signup?error=PasswordTooShort").await;
        assert!(page.contains(r#"role="alert""#), "{page}");
        // The wasm's calls still get the error itself.
        assert_error(
            app.login("marie@ecole.fr", "pas le bon mot de passe").await,
            401,
            "WrongCredentials",
        )
        .await;
        let right = submit(
            &app,
            "/api/login",
            &[("email", "marie@ecole.fr"), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(right.headers()[header::LOCATION], "/backpack");
    }
);
