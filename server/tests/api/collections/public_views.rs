//! The public profile (off until the learner turns it on) and the checks a public view
//! asks for in the background.
use super::visit;
use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    a_public_profile_is_off_until_the_learner_turns_it_on,
    |db: TestDb| async move {
        let app = db.spawn_app_with(|args| args.demo = true).await;
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let demo = besace_server::demo::create(&database, &app.address)
            .await
            .unwrap();
        app.login(demo.email, demo.password).await;
        assert_eq!(
            visit(&app, "/u/camille-durand").await.status(),
            404,
            "off by default"
        );

        let invalid = app
            .post_form(
                "/api/set_profile",
                &[("handle", "Camille Durand!"), ("mode", "collections")],
            )
            .await;
        assert_error(invalid, 422, "InvalidHandle").await;
        let settings = app
            .call(
                "set_profile",
                &[("handle", "Camille-Durand"), ("mode", "collections")],
            )
            .await;
        assert_eq!(settings["url"], format!("{}/u/camille-durand", app.address));

        // Published collections only: the private one and single badges stay hidden.
        let (status, html) = app.new_browser().get_html("/u/camille-durand").await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Savoir-être pour mon stage") && html.contains(&path_of(&demo.gallery_url)),
            "{html}"
        );
        assert!(
            !html.contains("Communication"),
            "a private collection stays private"
        );
        assert!(!html.contains('@'));
        let some_badge = app.badges().await[0]["id"].to_string();
        let badge_path = format!("/u/camille-durand/badges/{some_badge}");
        assert_eq!(visit(&app, &badge_path).await.status(), 404);

        // The whole backpack, when the learner says so.
        app.call(
            "set_profile",
            &[("handle", "camille-durand"), ("mode", "backpack")],
        )
        .await;
        let (_, html) = app.new_browser().get_html("/u/camille-durand").await;
        assert_eq!(html.matches("class=\"badge-card\"").count(), 14, "{html}");
        let (status, page) = app.new_browser().get_html(&badge_path).await;
        assert_eq!(status, 200);
        assert!(!page.contains('@'));

        // A handle is one learner's.
        let other = app.new_browser();
        other
            .signup("bruno.leroy@example.org", "Bruno Leroy", PASSWORD)
            .await;
        let taken = other
            .post_form(
                "/api/set_profile",
                &[("handle", "camille-durand"), ("mode", "collections")],
            )
            .await;
        assert_error(taken, 409, "HandleTaken").await;

        // Off: gone at once, though it was just served.
        app.call("set_profile", &[("handle", "camille-durand"), ("mode", "off")])
            .await;
        assert_eq!(visit(&app, "/u/camille-durand").await.status(), 404);
        assert_eq!(visit(&app, &badge_path).await.status(), 404);
    }
);

on_both_databases!(
    a_public_view_checks_stale_badges_again_in_the_background,
    |db: TestDb| async move {
        // Every check is stale at once: each view asks for a new one.
        let app = db
            .spawn_app_with(|args| {
                args.public_recheck_after = std::time::Duration::ZERO.into();
                args.demo = true;
            })
            .await;
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let demo = besace_server::demo::create(&database, &app.address)
            .await
            .unwrap();
        app.login(demo.email, demo.password).await;
        let (status, html) = app.new_browser().get_html(&path_of(&demo.gallery_url)).await;
        assert_eq!(status, 200);
        let first = html
            .split("/badges/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a badge link")
            .to_owned();

        // The view answered from the stored check; the new one lands in the history.
        let mut checks = 0;
        for _ in 0..50 {
            checks = app.badge(&first).await["history"].as_array().unwrap().len();
            if checks > 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(checks, 2, "one background check after the view");
    }
);
