//! "Mot de passe oublié ?": the mailed link, its single use, the sessions it ends, and an
//! answer that tells nothing about the address. Every step is a plain form post, as a
//! browser without the wasm sends it.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

const NEW_PASSWORD: &str = "Un grand chêne pousse derrière la gare";

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("no redirect: {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn ask(browser: &TestClient, email: &str) -> String {
    location(&submit(browser, "/api/request_password_reset", &[("email", email)]).await)
}

async fn reset(browser: &TestClient, token: &str, password: &str) -> String {
    location(
        &submit(
            browser,
            "/api/reset_password",
            &[("token", token), ("new_password", password)],
        )
        .await,
    )
}

fn token_of(mail: &smtp::DeliveredMail, address: &str) -> String {
    let link = mail.link(&format!("{address}/reset-password?token="));
    link.split_once("token=").unwrap().1.to_owned()
}

on_both_databases!(
    a_forgotten_password_is_replaced_through_a_single_use_mailed_link,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie Dupont", PASSWORD).await;
        app.post_form("/api/set_language", &[("language", "fr")]).await;
        let phone = app.new_browser();
        assert!(phone
            .login("marie@ecole.fr", PASSWORD)
            .await
            .status()
            .is_success());
        app.logout().await;

        let (_, login) = app.get_html("/login").await;
        assert!(login.contains(r#"href="/forgot-password""#), "{login}");
        assert!(login.contains("Mot de passe oublié\u{a0}?"), "{login}");
        let (status, page) = app.get_html("/forgot-password").await;
        assert_eq!(status, 200);
        assert!(page.contains(r#"action="/api/request_password_reset""#), "{page}");

        // Asked twice: only the newest link works.
        assert_eq!(ask(&app, " Marie@Ecole.fr ").await, "/forgot-password?sent");
        let first = app.mail.next().await;
        assert_eq!(ask(&app, "marie@ecole.fr").await, "/forgot-password?sent");
        let mail = app.mail.next().await;
        assert_eq!(mail.to, ["marie@ecole.fr"]);
        assert_eq!(mail.subject, "Choisir un nouveau mot de passe Besace");
        assert!(mail.text.contains("Bonjour Marie Dupont"), "{}", mail.text);
        let (_, sent) = app.get_html("/forgot-password?sent").await;
        assert!(
            sent.contains("Si un compte Besace existe pour cette adresse"),
            "{sent}"
        );
        assert_eq!(
            reset(&app, &token_of(&first, &app.address), NEW_PASSWORD).await,
            "/reset-password?error=InvalidResetLink"
        );

        // The link opens the form; a weak password is refused in place, the link kept.
        let token = token_of(&mail, &app.address);
        let (status, form) = app.get_html(&format!("/reset-password?token={token}")).await;
        assert_eq!(status, 200);
        assert!(form.contains(r#"action="/api/reset_password""#), "{form}");
        assert!(form.contains(&format!(r#"value="{token}""#)), "{form}");
        let weak = reset(&app, &token, "court").await;
        assert_eq!(
            weak,
            format!("/reset-password?token={token}&error=PasswordTooShort")
        );
        let (_, refused) = app.get_html(&weak).await;
        assert!(refused.contains(r#"role="alert""#), "{refused}");
        assert!(refused.contains(&format!(r#"value="{token}""#)), "the form stays");
        assert_eq!(app.me().await, serde_json::Value::Null, "nothing changed");

        // The new password logs this browser in and ends every other session.
        assert_eq!(reset(&app, &token, NEW_PASSWORD).await, "/reset-password?done");
        assert_eq!(app.me().await["email"], "marie@ecole.fr");
        let (_, done) = app.get_html("/reset-password?done").await;
        assert!(done.contains("votre mot de passe est changé"), "{done}");
        assert_eq!(
            phone.me().await,
            serde_json::Value::Null,
            "the phone is logged out"
        );
        app.logout().await;
        assert_error(
            app.login("marie@ecole.fr", PASSWORD).await,
            401,
            "WrongCredentials",
        )
        .await;
        assert!(app
            .login("marie@ecole.fr", NEW_PASSWORD)
            .await
            .status()
            .is_success());

        // The link worked once.
        app.logout().await;
        assert_eq!(
            reset(&app, &token, "Encore un autre mot de passe solide").await,
            "/reset-password?error=InvalidResetLink"
        );
        let (_, dead) = app.get_html("/reset-password?error=InvalidResetLink").await;
        assert!(dead.contains("Ce lien ne marche plus"), "{dead}");
        assert!(dead.contains(r#"href="/forgot-password""#), "{dead}");
        assert!(app
            .login("marie@ecole.fr", NEW_PASSWORD)
            .await
            .status()
            .is_success());
    }
);

on_both_databases!(
    asking_for_a_reset_tells_nothing_about_the_address,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie Dupont", PASSWORD).await;
        app.logout().await;
        // An account whose sign-up link was never used gets no reset link either.
        app.signup_form("paul@ecole.fr", "Paul", PASSWORD).await;
        let _ = app.mail.next().await;

        let unknown = ask(&app, "nobody@ecole.fr").await;
        let unconfirmed = ask(&app, "paul@ecole.fr").await;
        let known = ask(&app, "marie@ecole.fr").await;
        assert_eq!(unknown, known);
        assert_eq!(unconfirmed, known);
        let mail = app.mail.next().await;
        assert_eq!(mail.to, ["marie@ecole.fr"]);
        assert_eq!(mail.subject, "Choose a new Besace password");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(app.mail.is_empty().await, "no mail for the other two");
    }
);

on_both_databases!(
    hostile_reset_input_gets_our_own_messages_only,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        assert_eq!(
            ask(&app, "pas une adresse").await,
            "/forgot-password?error=InvalidEmail"
        );
        let (_, page) = app.get_html("/forgot-password?error=InvalidEmail").await;
        assert!(page.contains(r#"role="alert""#), "{page}");
        // Whatever else a link carries is never shown.
        for path in [
            "/forgot-password?error=%3Cscript%3Ealert(1)%3C/script%3E",
            "/forgot-password?error=Transport",
            "/reset-password?error=%3Cimg%20src=x%20onerror=alert(1)%3E",
        ] {
            let (status, page) = app.get_html(path).await;
            assert_eq!(status, 200, "{path}");
            assert!(
                !page.contains("<script>alert") && !page.contains("<img src=x"),
                "{page}"
            );
        }
        let (_, page) = app
            .get_html("/reset-password?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
            .await;
        assert!(!page.contains("<script>alert(1)"), "the token is escaped: {page}");
        assert!(
            page.contains("&quot;&gt;&lt;script&gt;") || page.contains("\"&gt;&lt;script&gt;"),
            "{page}"
        );
        // Unknown, huge and empty tokens are dead links; a missing field is the client's mistake.
        for token in ["", "inconnu", &"A".repeat(10_000), "'; DROP TABLE users; --"] {
            assert_eq!(
                reset(&app, token, NEW_PASSWORD).await,
                "/reset-password?error=InvalidResetLink"
            );
        }
        let missing = app.post_form("/api/reset_password", &[("token", "x")]).await;
        assert_eq!(missing.status(), 400);
        let huge = ask(&app, &format!("{}@ecole.fr", "a".repeat(5_000))).await;
        assert_eq!(huge, "/forgot-password?error=InvalidEmail");
    }
);

on_both_databases!(reset_requests_are_rate_limited, |db: TestDb| async move {
    let app = db.spawn_app_with(|args| args.rate_limit_per_account = 2).await;
    app.signup("marie@ecole.fr", "Marie Dupont", PASSWORD).await;
    app.logout().await;
    assert_eq!(ask(&app, "marie@ecole.fr").await, "/forgot-password?sent");
    assert_eq!(ask(&app, "marie@ecole.fr").await, "/forgot-password?sent");
    assert_eq!(
        ask(&app, "marie@ecole.fr").await,
        "/forgot-password?error=RateLimited"
    );
    let (_, page) = app.get_html("/forgot-password?error=RateLimited").await;
    assert!(page.contains(r#"role="alert""#), "{page}");
});
