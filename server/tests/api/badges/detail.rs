//! One badge: only its owner reaches it, its page checks it again, serves its picture and
//! original, deletes it; the background checks it again too.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

on_both_databases!(
    every_badge_route_answers_its_owner_only,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app.import(&[("a.png", fixture("baked-di.png"))]).await;
        let badge = body["results"][0]["badge"].clone();
        let id = badge["id"].to_string();
        let image = badge["image"].as_str().unwrap().to_owned();
        let original = format!("/api/badges/{id}/original");
        let page = format!("/badges/{id}");

        let other = app.new_browser();
        other.signup("jean@ecole.fr", "Jean", PASSWORD).await;
        for path in [original.as_str(), image.as_str()] {
            let response = other.client.get(other.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 404, "{path}");
        }
        for function in ["/api/badge", "/api/verify_badge_again", "/api/delete_badge"] {
            let response = other.post_form(function, &[("id", &id)]).await;
            assert_error(response, 404, "NotFound").await;
        }
        let (_, html) = other.get_html(&page).await;
        assert!(!html.contains("Parler en public"), "{html}");
        assert!(other.badges().await.is_empty());

        let anonymous = app.new_browser();
        for path in ["/api/badges", original.as_str(), image.as_str()] {
            let response = anonymous.client.get(anonymous.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 401, "{path}");
        }
        for function in ["/api/badge", "/api/verify_badge_again", "/api/delete_badge"] {
            let response = anonymous.post_form(function, &[("id", &id)]).await;
            assert_error(response, 401, "NotLoggedIn").await;
        }
        let response = anonymous.get(&page).await;
        assert_eq!(
            response.status(),
            302,
            "a private page sends visitors to the login page"
        );
        let (status, _) = anonymous.import(&[("a.png", fixture("baked-di.png"))]).await;
        assert_eq!(status, 401);

        // Nothing the others tried changed the owner's badge.
        assert_eq!(app.badges().await.len(), 1);
        assert_eq!(app.badge(&id).await["history"].as_array().unwrap().len(), 1);
    }
);

on_both_databases!(
    a_badge_page_checks_again_downloads_and_deletes,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let png = fixture("baked-di.png");
        let (_, body) = app.import(&[("a.png", png.clone())]).await;
        let id = body["results"][0]["badge"]["id"].to_string();

        let detail = app.badge(&id).await;
        assert_eq!(detail["name"], "Parler en public");
        assert_eq!(detail["status"], "verified");
        assert_eq!(detail["recipient"], LEARNER);
        assert!(detail["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true));
        assert_eq!(detail["history"].as_array().unwrap().len(), 1);

        // The picture: to its owner, immutable, sandboxed.
        let image = detail["image"].as_str().unwrap();
        let response = app.client.get(app.url(image)).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_TYPE], "image/png");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "sandbox");
        assert!(headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable"));
        assert!(headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .starts_with("private"));
        assert_eq!(response.bytes().await.unwrap().as_ref(), png.as_slice());
        let stale = format!("/api/badges/{id}/image/0000000000000000");
        assert_eq!(
            app.client.get(app.url(&stale)).send().await.unwrap().status(),
            404
        );

        let (status, html) = app.get_html(&format!("/badges/{id}")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("Parler en public") && html.contains("Check again now"),
            "{html}"
        );

        // Checked again, in French this time: one more line of history.
        let response = app
            .client
            .post(app.url("/api/verify_badge_again"))
            .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
            .form(&[("id", id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let detail: Value = response.json().await.unwrap();
        assert_eq!(detail["history"].as_array().unwrap().len(), 2);
        assert!(
            detail["checks"]
                .to_string()
                .contains("Le badge vous a bien été attribué"),
            "{detail}"
        );

        let response = app.post_form("/api/delete_badge", &[("id", &id)]).await;
        assert_eq!(response.status(), 200);
        assert_error(app.post_form("/api/badge", &[("id", &id)]).await, 404, "NotFound").await;
        assert!(app.badges().await.is_empty());
        let response = app.client.get(app.url(image)).send().await.unwrap();
        assert_eq!(response.status(), 404);
        // Deleting again: nothing there any more.
        assert_error(
            app.post_form("/api/delete_badge", &[("id", &id)]).await,
            404,
            "NotFound",
        )
        .await;
    }
);

on_both_databases!(
    stored_badges_are_checked_again_in_the_background,
    |db: TestDb| async move {
        let app = db
            .spawn_app_with(|args| args.reverify_every = std::time::Duration::from_secs(1).into())
            .await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app
            .import(&[
                ("a.png", fixture("baked-di.png")),
                ("expired.json", fixture("di-expired.json")),
            ])
            .await;
        for result in body["results"].as_array().unwrap() {
            let id = result["badge"]["id"].to_string();
            let mut history = 0;
            for _ in 0..100 {
                history = app.badge(&id).await["history"].as_array().unwrap().len();
                if history >= 2 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert!(
                history >= 2,
                "badge {id} was not checked again ({history} checks)"
            );
            // Still there, still marked as before: the check never deletes nor upgrades.
            assert_eq!(app.badge(&id).await["status"], result["badge"]["status"]);
        }
    }
);
