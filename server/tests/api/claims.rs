//! Whose address is it? Sign-up answers the same for an address with an account and one
//! without (only the mailbox learns which), and an address someone typed but never
//! confirmed blocks neither its owner's sign-up nor its owner's own confirmation.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

const MARIE: &str = "marie@ecole.fr";
const INTRUDER_PASSWORD: &str = "Le chat de la voisine dort";

/// What a sign-up answers, all of it: status, where it leads, cookies set and body.
async fn answer(client: &TestClient, email: &str) -> (u16, String, usize, String) {
    let response = client.signup_form(email, "Quelqu'un", INTRUDER_PASSWORD).await;
    let status = response.status().as_u16();
    let location = response.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let cookies = set_cookies(&response).len();
    (status, location, cookies, response.text().await.unwrap())
}

on_both_databases!(
    sign_up_does_not_tell_whether_an_address_has_an_account,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup(MARIE, "Marie Dupont", PASSWORD).await;

        let stranger = app.new_browser();
        let taken = answer(&stranger, " MARIE@ecole.fr ").await;
        let mail = app.mail.next().await;
        let free = answer(&stranger, "personne@ecole.fr").await;
        assert_eq!(taken, free, "the same answer for a taken and a free address");
        assert_eq!(taken.1, "/check-your-mail");
        assert_eq!(stranger.me().await, Value::Null);

        // Only Marie's mailbox learns that someone tried, and how to log in.
        assert_eq!(mail.to, [MARIE]);
        assert_eq!(mail.subject, "You already have a Besace backpack");
        assert!(mail.text.contains("Hello Marie Dupont"), "{}", mail.text);
        assert!(mail.link(&app.address).ends_with("/login"), "{}", mail.text);
        assert!(
            !mail.text.contains("verify-email"),
            "no link that changes anything"
        );
        assert_eq!(app.mail.next().await.to, ["personne@ecole.fr"]);

        // Marie's account is as it was: her name, her password, not the stranger's.
        assert_error(
            stranger.login(MARIE, INTRUDER_PASSWORD).await,
            401,
            "WrongCredentials",
        )
        .await;
        let marie = app.new_browser();
        assert!(marie.login(MARIE, PASSWORD).await.status().is_success());
        assert_eq!(marie.me().await["display_name"], "Marie Dupont");
    }
);

on_both_databases!(
    an_unconfirmed_sign_up_does_not_keep_the_address_from_its_owner,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        // Someone signs up with Marie's address; the link goes to Marie, who ignores it.
        let intruder = app.new_browser();
        intruder.signup_form(MARIE, "Usurpateur", INTRUDER_PASSWORD).await;
        let ignored = app.mail.next().await;
        let prefix = format!("{}/verify-email?token=", app.address);
        assert_error(
            intruder.login(MARIE, INTRUDER_PASSWORD).await,
            403,
            "AccountNotConfirmed",
        )
        .await;
        let resent = app.mail.next().await;
        assert_eq!(
            resent.to,
            [MARIE],
            "the new link goes to the mailbox, not the intruder"
        );

        // Marie signs up herself: her name and password, and only her link works.
        let marie = app.new_browser();
        marie.signup(MARIE, "Marie Dupont", PASSWORD).await;
        assert_eq!(marie.me().await["display_name"], "Marie Dupont");
        for link in [ignored.link(&prefix), resent.link(&prefix)] {
            assert_error(intruder.follow_link(&link).await, 410, "InvalidLink").await;
        }
        assert_error(
            intruder.login(MARIE, INTRUDER_PASSWORD).await,
            401,
            "WrongCredentials",
        )
        .await;
        assert_eq!(intruder.me().await, Value::Null);
    }
);

on_both_databases!(
    confirming_an_address_as_a_second_one_removes_an_unconfirmed_claim_on_it,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let paul = "paul@entreprise.fr";
        app.new_browser()
            .signup_form(paul, "Usurpateur", INTRUDER_PASSWORD)
            .await;
        let _ignored = app.mail.next().await;

        // Paul's account has another address; he adds and confirms this one, then makes
        // it his login address: the unconfirmed account stands in the way of neither.
        app.signup("paul@maison.fr", "Paul Durand", PASSWORD).await;
        assert!(app.add_email(paul).await.status().is_success());
        let link = app.next_link(paul).await;
        assert_eq!(
            location_of(&app.follow_link(&link).await),
            "/verify-email?confirmed"
        );
        let id = app.emails().await[1]["id"].to_string();
        let response = app.post_form("/api/make_primary_email", &[("id", &id)]).await;
        assert_eq!(response.status(), 200);
        app.logout().await;
        assert!(app.login(paul, PASSWORD).await.status().is_success());
        assert_eq!(app.me().await["display_name"], "Paul Durand");
    }
);

on_both_databases!(
    unconfirmed_accounts_are_forgotten_once_their_link_has_died,
    |db: TestDb| async move {
        use besace_core::{emails::LINK_LIFETIME, users};
        let app = db.spawn_app().await;
        app.new_browser().signup_form(MARIE, "Marie", PASSWORD).await;
        assert_eq!(app.mail.next().await.to, [MARIE]);
        app.signup("paul@ecole.fr", "Paul", PASSWORD).await;
        let database = sea_orm::Database::connect(&db.url).await.unwrap();
        // The hourly sweep of `besace serve`: nothing is due yet; an hour after the link
        // has died, the unconfirmed account goes and the confirmed one stays.
        let now = chrono::Utc::now();
        assert_eq!(
            users::forget_unconfirmed(&database, now - LINK_LIFETIME)
                .await
                .unwrap(),
            0
        );
        let later = now + LINK_LIFETIME + chrono::Duration::hours(1);
        assert_eq!(
            users::forget_unconfirmed(&database, later - LINK_LIFETIME)
                .await
                .unwrap(),
            1
        );
        let marie = app::domain::Email::parse(MARIE).unwrap();
        assert!(users::find_by_email(&database, &marie).await.unwrap().is_none());
        assert_eq!(app.me().await["email"], "paul@ecole.fr");
    }
);
