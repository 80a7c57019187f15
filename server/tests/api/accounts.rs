use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

on_both_databases!(
    sign_up_mails_a_link_that_logs_in_to_the_empty_backpack,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        assert_eq!(app.me().await, serde_json::Value::Null);
        let response = app
            .signup_form(" Marie.Dupont@Ecole.fr ", "Marie Dupont", PASSWORD)
            .await;
        assert_eq!(response.headers()[header::LOCATION], "/check-your-mail");
        assert_eq!(
            app.me().await,
            serde_json::Value::Null,
            "no session before the link"
        );
        let (status, html) = app.get_html("/check-your-mail").await;
        assert_eq!(status, 200);
        assert!(html.contains("We have sent an e-mail"), "{html}");
        let first = app.mail.next().await;
        assert_eq!(first.to, ["marie.dupont@ecole.fr"]);
        assert_eq!(first.subject, "Finish creating your Besace backpack");
        assert!(first.text.contains("Hello Marie Dupont"), "{}", first.text);

        // Logging in before the link is refused kindly, and sends a new link.
        assert_error(
            app.login("marie.dupont@ecole.fr", PASSWORD).await,
            403,
            "AccountNotConfirmed",
        )
        .await;
        let second = app.mail.next().await;
        assert_eq!(second.subject, first.subject);
        let prefix = format!("{}/verify-email?token=", app.address);
        // Opening the link changes nothing by itself (a mail scanner opens links too).
        let (status, _) = app
            .get_html(&second.link(&prefix).replace(&app.address, ""))
            .await;
        assert_eq!(status, 200);
        assert_eq!(app.me().await, serde_json::Value::Null);
        // The first link died with the second one.
        assert_error(app.follow_link(&first.link(&prefix)).await, 410, "InvalidLink").await;
        let confirmed = app.follow_link(&second.link(&prefix)).await;
        assert_eq!(confirmed.headers()[header::LOCATION], "/backpack");
        let me = app.me().await;
        assert_eq!(me["email"], "marie.dupont@ecole.fr");
        assert_eq!(me["display_name"], "Marie Dupont");
        let (status, html) = app.get_html("/backpack").await;
        assert_eq!(status, 200);
        assert!(html.contains("Marie Dupont"), "the backpack greets the learner");
        assert!(html.contains("Your backpack is empty for now"));
        // The link is single-use; logging in with the password works from now on.
        assert_error(app.follow_link(&second.link(&prefix)).await, 410, "InvalidLink").await;
        app.logout().await;
        let login = app.login("marie.dupont@ecole.fr", PASSWORD).await;
        assert!(login.status().is_success(), "{}", login.status());
    }
);

on_both_databases!(session_cookie_is_hardened, |db: TestDb| async move {
    let app = db.spawn_app().await;
    let response = app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
    let cookie = session_cookie(&response).expect("sign-up sets a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http keeps the cookie usable: {cookie}"
    );

    let https = db
        .spawn_app_with(|args| args.public_url = Some("https://besace.example".parse().unwrap()))
        .await;
    let response = https.login("marie@ecole.fr", PASSWORD).await;
    let cookie = session_cookie(&response).expect("login sets a session cookie");
    assert!(
        cookie.contains("Secure"),
        "behind TLS the cookie is Secure: {cookie}"
    );
});

on_both_databases!(
    wrong_password_and_unknown_email_get_the_same_answer,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        app.logout().await;
        let wrong = app.login("marie@ecole.fr", "not the password at all").await;
        let wrong_status = wrong.status();
        let wrong_body = wrong.text().await.unwrap();
        let unknown = app.login("nobody@ecole.fr", PASSWORD).await;
        assert_eq!(wrong_status, 401);
        assert_eq!(unknown.status(), wrong_status);
        assert_eq!(unknown.text().await.unwrap(), wrong_body);
        assert!(wrong_body.contains("WrongCredentials"));
        assert_eq!(app.me().await, serde_json::Value::Null);
    }
);

on_both_databases!(invalid_sign_ups_are_refused, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
    assert_error(
        app.signup_form("paul@ecole.fr", "Paul", "court").await,
        422,
        "PasswordTooShort",
    )
    .await;
    assert_error(
        app.signup_form("paul@ecole.fr", "Paul", "motdepasse").await,
        422,
        "PasswordTooCommon",
    )
    .await;
    assert_error(
        app.signup_form("paul@ecole.fr", "Paul", "password123").await,
        422,
        "PasswordTooCommon",
    )
    .await;
    assert_error(
        app.signup_form("paul-at-ecole.fr", "Paul", PASSWORD).await,
        422,
        "InvalidEmail",
    )
    .await;
    assert_error(
        app.signup_form("paul@ecole.fr", "   ", PASSWORD).await,
        422,
        "InvalidDisplayName",
    )
    .await;
    // The first account is untouched by all of this.
    let fresh = TestApp::client_for(&app);
    let login = fresh
        .post(app.url("/api/login"))
        .form(&[("email", "marie@ecole.fr"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success() || login.status().is_redirection());
});

on_both_databases!(
    login_issues_a_new_session_id_and_logout_destroys_it,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let signup = app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        let first = cookie_value(&session_cookie(&signup).unwrap());
        app.logout().await;
        let login = app.login("marie@ecole.fr", PASSWORD).await;
        let second = cookie_value(&session_cookie(&login).unwrap());
        assert_ne!(first, second, "login must not reuse a session id");

        // Replay the cookie after logout, from a client that never saw the logout answer.
        let replay = reqwest::Client::new();
        let me = |cookie: String| {
            let replay = replay.clone();
            let url = app.url("/api/me");
            async move {
                replay
                    .post(url)
                    .header(header::COOKIE, cookie)
                    .send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(me(second.clone()).await["email"], "marie@ecole.fr");
        app.logout().await;
        assert_eq!(
            me(second).await,
            serde_json::Value::Null,
            "the session is gone server-side"
        );
    }
);

on_both_databases!(
    sessions_survive_a_restart_and_work_across_processes,
    |db: TestDb| async move {
        let first = db.spawn_app().await;
        let signup = first.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        let cookie = cookie_value(&session_cookie(&signup).unwrap());
        let second = db.spawn_app().await;
        let me = reqwest::Client::new()
            .post(second.url("/api/me"))
            .header(header::COOKIE, &cookie)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        assert_eq!(
            me["email"], "marie@ecole.fr",
            "a second process accepts the session"
        );
        drop(first);
        drop(second);
        let restarted = db.spawn_app().await;
        let me = reqwest::Client::new()
            .post(restarted.url("/api/me"))
            .header(header::COOKIE, &cookie)
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        assert_eq!(me["email"], "marie@ecole.fr", "the session survives a restart");
    }
);

on_both_databases!(
    password_change_requires_the_current_one,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        let new_password = "Un autre vélo, bleu cette fois";
        let wrong = app
            .post_form(
                "/api/change_password",
                &[
                    ("current_password", "pas le bon mot de passe"),
                    ("new_password", new_password),
                ],
            )
            .await;
        assert_error(wrong, 401, "WrongPassword").await;
        let weak = app
            .post_form(
                "/api/change_password",
                &[("current_password", PASSWORD), ("new_password", "court")],
            )
            .await;
        assert_error(weak, 422, "PasswordTooShort").await;
        let ok = app
            .post_form(
                "/api/change_password",
                &[("current_password", PASSWORD), ("new_password", new_password)],
            )
            .await;
        assert!(ok.status().is_success(), "{}", ok.status());
        app.logout().await;
        assert_error(
            app.login("marie@ecole.fr", PASSWORD).await,
            401,
            "WrongCredentials",
        )
        .await;
        let login = app.login("marie@ecole.fr", new_password).await;
        assert!(login.status().is_success() || login.status().is_redirection());
    }
);

on_both_databases!(
    deleting_the_account_removes_it_for_good,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        app.signup("paul@ecole.fr", "Paul", PASSWORD).await; // logs this client in as Paul
        assert_error(
            app.post_form("/api/delete_account", &[("password", "pas le bon mot de passe")])
                .await,
            401,
            "WrongPassword",
        )
        .await;
        assert_eq!(
            app.me().await["email"],
            "paul@ecole.fr",
            "a wrong password deletes nothing"
        );
        let deleted = app
            .post_form("/api/delete_account", &[("password", PASSWORD)])
            .await;
        assert!(
            deleted.status().is_success() || deleted.status().is_redirection(),
            "{}",
            deleted.status()
        );
        assert_eq!(app.me().await, serde_json::Value::Null);
        assert_error(
            app.login("paul@ecole.fr", PASSWORD).await,
            401,
            "WrongCredentials",
        )
        .await;
        // The address is free again, and the other learner is untouched.
        let again = TestApp::client_for(&app)
            .post(app.url("/api/signup"))
            .form(&[
                ("email", "paul@ecole.fr"),
                ("display_name", "Paul"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert!(again.status().is_success() || again.status().is_redirection());
        let marie = app.login("marie@ecole.fr", PASSWORD).await;
        assert!(marie.status().is_success() || marie.status().is_redirection());
    }
);

on_both_databases!(
    attempts_are_rate_limited_per_ip_and_per_account,
    |db: TestDb| async move {
        let per_ip = db.spawn_app_with(|args| args.rate_limit_per_ip = 3).await;
        for _ in 0..3 {
            assert_error(
                per_ip.login("x@ecole.fr", "whatever password").await,
                401,
                "WrongCredentials",
            )
            .await;
        }
        assert_error(
            per_ip.login("x@ecole.fr", "whatever password").await,
            429,
            "RateLimited",
        )
        .await;
        assert_error(
            per_ip.signup_form("y@ecole.fr", "Y", PASSWORD).await,
            429,
            "RateLimited",
        )
        .await;

        let per_account = db.spawn_app_with(|args| args.rate_limit_per_account = 2).await;
        per_account.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        per_account.logout().await;
        for _ in 0..2 {
            assert_error(
                per_account.login("marie@ecole.fr", "wrong password here").await,
                401,
                "WrongCredentials",
            )
            .await;
        }
        assert_error(
            per_account.login("marie@ecole.fr", PASSWORD).await,
            429,
            "RateLimited",
        )
        .await;
        // Another account is not held back by Marie's.
        assert_error(
            per_account.login("paul@ecole.fr", "wrong password here").await,
            401,
            "WrongCredentials",
        )
        .await;
    }
);

on_both_databases!(cross_site_posts_are_refused, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
    let forged = app
        .client
        .post(app.url("/api/delete_account"))
        .header(header::ORIGIN, "https://evil.example")
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let fetch_meta = app
        .client
        .post(app.url("/api/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_meta.status(), 403);
    assert_eq!(app.me().await["email"], "marie@ecole.fr", "nothing happened");
    let same_origin = app
        .client
        .post(app.url("/api/logout"))
        .header(header::ORIGIN, app.address.clone())
        .send()
        .await
        .unwrap();
    assert!(same_origin.status().is_success() || same_origin.status().is_redirection());
    assert_eq!(app.me().await, serde_json::Value::Null);
});
