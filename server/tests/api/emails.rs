//! E-mail addresses: verification links delivered over real SMTP, a second address, primary,
//! removal, and the refusals (reused or expired link, someone else's address).
use crate::helpers::*;
use crate::on_both_databases;
use besace_core::emails::{address, verification};
use sea_orm::{sea_query::Expr, ColumnTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};

fn address_of<'a>(emails: &'a serde_json::Value, email: &str) -> &'a serde_json::Value {
    emails
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {emails}"))
}

on_both_databases!(
    sign_up_mails_a_link_that_verifies_the_address,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup_form("marie@ecole.fr", "Marie Dupont", PASSWORD).await;
        let mail = app.mail.next().await;
        assert_eq!(mail.subject, "Finish creating your Besace backpack");
        assert!(mail.text.contains("Hello Marie Dupont"), "{}", mail.text);
        let link = mail.link(&format!("{}/verify-email?token=", app.address));

        // Opened from another browser (a phone, no session): the token alone is enough,
        // and that browser is the one logged in.
        let phone = app.new_browser();
        let response = phone.follow_link(&link).await;
        assert_eq!(response.headers()[reqwest::header::LOCATION], "/backpack");
        let emails = phone.emails().await;
        assert_eq!(emails.as_array().unwrap().len(), 1);
        assert_eq!(emails[0]["primary"], true);
        assert_eq!(emails[0]["verified"], true);
        assert_eq!(app.me().await, serde_json::Value::Null);

        assert_error(phone.follow_link(&link).await, 410, "InvalidLink").await;
    }
);

on_both_databases!(
    a_french_learner_gets_the_mail_in_french,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.post_form(
            "/api/signup",
            &[
                ("email", "paul@ecole.fr"),
                ("display_name", "Paul"),
                ("password", PASSWORD),
                ("language", "fr"),
            ],
        )
        .await;
        let mail = app.mail.next().await;
        assert_eq!(mail.subject, "Terminez la création de votre besace");
        assert!(mail.text.contains("Bonjour Paul"), "{}", mail.text);
    }
);

on_both_databases!(
    a_second_address_is_verified_made_primary_and_removed,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;

        let response = app.add_email(" Marie.Dupont@Entreprise.FR ").await;
        assert_eq!(response.status(), 200);
        let second = app.next_link("marie.dupont@entreprise.fr").await;
        let emails = app.emails().await;
        let added = address_of(&emails, "marie.dupont@entreprise.fr");
        assert_eq!(added["verified"], false);
        let id = added["id"].to_string();

        // Unverified: it cannot become primary yet.
        let response = app.post_form("/api/make_primary_email", &[("id", &id)]).await;
        assert_error(response, 422, "EmailNotVerified").await;

        let response = app.follow_link(&second).await;
        assert_eq!(
            response.headers()[reqwest::header::LOCATION],
            "/verify-email?confirmed"
        );
        let (status, html) = app.get_html("/verify-email?confirmed").await;
        assert_eq!(status, 200);
        assert!(html.contains("Your address is confirmed"), "{html}");
        let response = app.post_form("/api/make_primary_email", &[("id", &id)]).await;
        assert_eq!(response.status(), 200);
        let emails = app.emails().await;
        assert_eq!(address_of(&emails, "marie.dupont@entreprise.fr")["primary"], true);
        assert_eq!(address_of(&emails, "marie@ecole.fr")["primary"], false);

        // The primary address is the login address.
        app.logout().await;
        assert_error(
            app.login("marie@ecole.fr", PASSWORD).await,
            401,
            "WrongCredentials",
        )
        .await;
        let response = app.login("marie.dupont@entreprise.fr", PASSWORD).await;
        assert!(response.status().is_success() || response.status().is_redirection());

        let response = app.post_form("/api/remove_email", &[("id", &id)]).await;
        assert_error(response, 422, "PrimaryEmailCannotBeRemoved").await;
        let old = address_of(&app.emails().await, "marie@ecole.fr")["id"].to_string();
        let response = app.post_form("/api/remove_email", &[("id", &old)]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(app.emails().await.as_array().unwrap().len(), 1);
    }
);

on_both_databases!(
    bad_requests_are_refused_and_change_nothing,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;

        assert_error(app.add_email("not an address").await, 422, "InvalidEmail").await;
        assert_error(app.add_email("MARIE@ecole.fr").await, 409, "EmailAlreadyYours").await;

        // Another learner: may not claim Marie's verified address, nor touch her addresses.
        let other = app.new_browser();
        other.signup("jean@ecole.fr", "Jean", PASSWORD).await;
        assert_error(other.add_email("marie@ecole.fr").await, 409, "EmailTaken").await;
        let marie_id = app.emails().await[0]["id"].to_string();
        for endpoint in [
            "/api/remove_email",
            "/api/make_primary_email",
            "/api/resend_verification",
        ] {
            let response = other.post_form(endpoint, &[("id", &marie_id)]).await;
            assert_error(response, 404, "NotFound").await;
        }
        assert_eq!(
            app.emails().await[0]["verified"],
            true,
            "Marie's address is untouched"
        );

        // Logged out: nothing.
        let anonymous = app.new_browser();
        assert_error(anonymous.post_form("/api/emails", &[]).await, 401, "NotLoggedIn").await;

        // A link that expired, and a made-up one.
        assert_eq!(app.add_email("marie@maison.fr").await.status(), 200);
        let expired = app.next_link("marie@maison.fr").await;
        let conn = Database::connect(&db.url).await.unwrap();
        verification::Entity::update_many()
            .col_expr(
                verification::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
            )
            .exec(&conn)
            .await
            .unwrap();
        assert_error(app.follow_link(&expired).await, 410, "InvalidLink").await;
        assert_eq!(
            address_of(&app.emails().await, "marie@maison.fr")["verified"],
            false
        );
        let made_up = app.follow_link("/verify-email?token=made-up").await;
        assert_error(made_up, 410, "InvalidLink").await;
        assert_error(app.follow_link("/verify-email").await, 410, "InvalidLink").await;

        // A new link can be asked for, and works.
        let id = address_of(&app.emails().await, "marie@maison.fr")["id"].to_string();
        let response = app.post_form("/api/resend_verification", &[("id", &id)]).await;
        assert_eq!(response.status(), 200);
        let fresh = app.next_link("marie@maison.fr").await;
        assert_eq!(
            location_of(&app.follow_link(&fresh).await),
            "/verify-email?confirmed"
        );
        assert_eq!(
            address_of(&app.emails().await, "marie@maison.fr")["verified"],
            true
        );
    }
);

on_both_databases!(
    deleting_the_account_deletes_its_addresses,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        app.add_email("marie@maison.fr").await;
        assert_eq!(app.mail.next().await.to, ["marie@maison.fr"]);
        let response = app
            .post_form("/api/delete_account", &[("password", PASSWORD)])
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        let conn = Database::connect(&db.url).await.unwrap();
        assert_eq!(address::Entity::find().count(&conn).await.unwrap(), 0);
        assert_eq!(verification::Entity::find().count(&conn).await.unwrap(), 0);
        // The address is free again.
        let response = app.signup("marie@ecole.fr", "Marie", PASSWORD).await;
        assert!(response.status().is_success() || response.status().is_redirection());
        let rows = address::Entity::find()
            .filter(address::Column::Email.eq("marie@ecole.fr"))
            .count(&conn)
            .await
            .unwrap();
        assert_eq!(rows, 1);
    }
);

on_both_databases!(without_smtp_mail_goes_to_the_outbox, |db: TestDb| async move {
    let app = db.spawn_app_with(|args| args.smtp_url = None).await;
    app.signup_form("marie@ecole.fr", "Marie", PASSWORD).await;
    let outbox = db.serve_args().database.data_dir.join("outbox");
    let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read(files[0].as_ref().unwrap().path()).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(parsed.body_text(0).unwrap().contains("/verify-email?token="));
    assert!(app.mail.is_empty().await, "nothing went over SMTP");
});
