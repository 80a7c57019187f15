//! Requests that are malformed, oversized or repeated: the client's mistake, refused whole,
//! bounded per learner, and spelling variants of one page cached once.
use super::{badge_with_picture, hostile_badge};
use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    malformed_server_function_calls_are_the_clients_mistake,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let huge = "9".repeat(40);
        for form in [
            vec![("id", "abc")],
            vec![("id", huge.as_str())],
            vec![("id", "-")],
            vec![],
        ] {
            let response = app.post_form("/api/collection", &form).await;
            assert_error(response, 400, "BadRequest").await;
        }
        let response = app
            .post_form("/api/publish_collection", &[("id", "1"), ("publish", "perhaps")])
            .await;
        assert_error(response, 400, "BadRequest").await;
        // A body over the cap is refused whole, and nothing is created.
        let description = "x".repeat(200 * 1024);
        let response = app
            .post_form(
                "/api/create_collection",
                &[("name", "Trop"), ("description", &description)],
            )
            .await;
        // The unread rest of the body closes the connection, and the answer says so, so
        // the client's next request does not go down a connection being closed.
        assert_eq!(response.headers()[reqwest::header::CONNECTION], "close");
        assert_error(response, 413, "TooLarge").await;
        assert_eq!(app.call("my_collections", &[]).await, serde_json::json!([]));
    }
);

on_both_databases!(
    spelling_variants_of_a_profile_are_one_cached_page,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        app.import(&[("hostile.json", hostile_badge())]).await;
        app.call(
            "set_profile",
            &[("handle", "ana-martin-lyon"), ("mode", "backpack")],
        )
        .await;
        let gauge = |name: &'static str| {
            let visitor = app.new_browser();
            async move {
                let text = visitor.get("/metrics").await.text().await.unwrap();
                text.lines()
                    .find_map(|line| line.strip_prefix(name)?.trim().parse::<u64>().ok())
                    .unwrap_or_else(|| panic!("no {name} in {text}"))
            }
        };
        let visitor = app.new_browser();
        let handle = "ana-martin-lyon";
        for variant in 0..500u32 {
            // Upper-case the letters whose bit is set, and sometimes pad with spaces.
            let spelled: String = handle
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if variant >> (i % 13) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            let path = if variant % 7 == 0 {
                format!("/u/%20{spelled}%20")
            } else {
                format!("/u/{spelled}")
            };
            assert_eq!(visitor.get(&path).await.status(), 200, "{path}");
        }
        assert_eq!(
            gauge("besace_public_cache_pages").await,
            1,
            "one page for every spelling"
        );
        let bytes = gauge("besace_public_cache_bytes").await;
        assert!(bytes < 256 * 1024, "{bytes} bytes for one profile page");
    }
);

on_both_databases!(
    an_import_over_the_item_limit_is_refused_whole,
    |db: TestDb| async move {
        let app = db.spawn_app_with(|args| args.max_import_items = 3).await;
        app.learner_with_verified(LEARNER).await;
        let four: Vec<(&str, Vec<u8>)> = (0..4)
            .map(|n| {
                (
                    "badge.json",
                    badge_with_picture(
                        LEARNER,
                        &format!("urn:uuid:0b5e0000-0000-4000-8000-00000000c00{n}"),
                    ),
                )
            })
            .collect();
        let (status, body) = app.import(&four).await;
        assert_eq!(status, 413, "{body}");
        assert_eq!(body["error"], "TooManyItems");
        assert_eq!(body["max"], 3);
        assert!(app.badges().await.is_empty(), "nothing imported");
        let (status, body) = app.import(&four[..3]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.badges().await.len(), 3);
    }
);

on_both_databases!(
    checking_a_badge_again_is_bounded_per_learner,
    |db: TestDb| async move {
        let app = db.spawn_app_with(|args| args.rate_limit_per_account = 2).await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app
            .import(&[(
                "a.json",
                badge_with_picture(LEARNER, "urn:uuid:0b5e0000-0000-4000-8000-00000000d001"),
            )])
            .await;
        let id = body["results"][0]["badge"]["id"].to_string();
        for _ in 0..2 {
            let response = app.post_form("/api/verify_badge_again", &[("id", &id)]).await;
            assert_eq!(response.status(), 200);
        }
        let response = app.post_form("/api/verify_badge_again", &[("id", &id)]).await;
        assert_error(response, 429, "RateLimited").await;
    }
);
