//! One badge shared on its own: private until shared, its own public page, picture and QR
//! code, LinkedIn's add-to-profile with the issue and expiry months, a new link that kills
//! the old one, never shared by someone else, and dead at once when the learner stops.
use super::visit;
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

async fn share(app: &TestApp, id: &str, on: bool) {
    app.call(
        "share_badge",
        &[("id", id), ("share", if on { "true" } else { "false" })],
    )
    .await;
}

async fn link_of(app: &TestApp, id: &str) -> Value {
    app.call("badge_link", &[("id", id)]).await
}

on_both_databases!(
    one_badge_is_shared_on_its_own_until_the_learner_stops,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let ids = app.import_ids(&["di-expired.json", "baked-di.png"]).await;
        let id = ids[0].as_str();

        // Private until shared: no link, and an unknown token is a plain 404.
        assert!(link_of(&app, id).await.is_null());
        assert_eq!(
            visit(&app, "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await.status(),
            404
        );

        share(&app, id, true).await;
        let link = link_of(&app, id).await;
        let url = link["url"].as_str().unwrap().to_owned();
        let path = path_of(&url);
        assert!(path.starts_with("/s/") && path.len() == 35, "{path}");
        assert!(link["since"].is_string());

        // The public page: whose badge, the badge, its check, and no way into the backpack.
        let response = visit(&app, &path).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-robots-tag"], "noindex");
        let html = response.text().await.unwrap();
        let badge = app.badge(id).await;
        let name = badge["name"].as_str().unwrap();
        assert!(html.contains(name), "{html}");
        assert!(html.contains("Ana Martin"), "the owner's name: {html}");
        assert!(!html.contains(LEARNER), "never the address");
        assert!(!html.contains("class=\"breadcrumb\""), "no gallery to go back to");
        // Only this badge: the other one is not reachable under this link.
        assert_eq!(
            visit(&app, &format!("{path}/badges/{}", ids[1])).await.status(),
            404
        );

        // Its QR codes answer under the link.
        let qr = visit(&app, &format!("{path}/qr.png")).await;
        assert_eq!(qr.status(), 200);
        assert_eq!(qr.headers()["content-type"], "image/png");
        assert_eq!(visit(&app, &format!("{path}/qr.svg")).await.status(), 200);

        // The share options point at this link; LinkedIn's form is filled with both months.
        let share_links = &link["share"];
        let encoded: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
        for network in ["linkedin", "twitter", "facebook"] {
            assert!(
                share_links[network].as_str().unwrap().contains(&encoded),
                "{network}: {share_links}"
            );
        }
        assert!(share_links["json"].is_null());
        let add = share_links["linkedin_add"][0][1].as_str().unwrap();
        let query: std::collections::HashMap<String, String> =
            url::Url::parse(add).unwrap().query_pairs().into_owned().collect();
        assert_eq!(query["startTask"], "CERTIFICATION_NAME");
        assert_eq!(query["name"], name);
        assert_eq!(query["certUrl"], url);
        for field in ["issueYear", "issueMonth", "expirationYear", "expirationMonth"] {
            assert!(query[field].parse::<u32>().is_ok(), "{field}: {add}");
        }
        let embed = share_links["embed"].as_str().unwrap();
        assert!(embed.contains(&format!("src=\"{url}\"")), "{embed}");

        // Another learner can neither read the link nor share or unshare the badge.
        let other = app.new_browser();
        other
            .signup("bruno.leroy@example.org", "Bruno Leroy", PASSWORD)
            .await;
        for (function, form) in [
            ("badge_link", vec![("id", id)]),
            ("share_badge", vec![("id", id), ("share", "true")]),
        ] {
            assert_error(
                other.post_form(&format!("/api/{function}"), &form).await,
                404,
                "NotFound",
            )
            .await;
        }
        other
            .post_form("/api/share_badge", &[("id", id), ("share", "false")])
            .await;
        assert_eq!(visit(&app, &path).await.status(), 200, "still shared");

        // A new link: the old one dies at once (the cached page too), the new one works.
        share(&app, id, true).await;
        let renewed = path_of(link_of(&app, id).await["url"].as_str().unwrap());
        assert_ne!(renewed, path);
        assert_eq!(visit(&app, &path).await.status(), 404);
        assert_eq!(visit(&app, &renewed).await.status(), 200);

        // Stopped: dead at once, private again; deleting a shared badge kills its link too.
        share(&app, id, false).await;
        assert_eq!(visit(&app, &renewed).await.status(), 404);
        assert!(link_of(&app, id).await.is_null());
        let second = ids[1].as_str();
        share(&app, second, true).await;
        let second_path = path_of(link_of(&app, second).await["url"].as_str().unwrap());
        assert_eq!(visit(&app, &second_path).await.status(), 200);
        // Its picture answers under its link, and no other badge's does.
        let html = visit(&app, &second_path).await.text().await.unwrap();
        let image = html
            .split("src=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|src| src.starts_with(&format!("{second_path}/images/")))
            .expect("the picture under the link")
            .to_owned();
        assert_eq!(visit(&app, &image).await.status(), 200);
        let other_image = image.replacen(&format!("/images/{second}/"), &format!("/images/{id}/"), 1);
        assert_eq!(visit(&app, &other_image).await.status(), 404);
        app.call("delete_badge", &[("id", second)]).await;
        assert_eq!(visit(&app, &second_path).await.status(), 404);
        assert_eq!(visit(&app, &image).await.status(), 404);
    }
);

on_both_databases!(
    a_shared_badge_shows_markup_in_its_name_as_text,
    |db: TestDb| async move {
        let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> \"Être\"";
        let urls = hosted_badges(&[hostile], std::time::Duration::ZERO).await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let (status, body) = app.import_fields(&[("url", urls[0].clone())]).await;
        assert_eq!(status, 200, "{body}");
        let id = body["results"][0]["badge"]["id"].to_string();
        share(&app, &id, true).await;
        let link = link_of(&app, &id).await;
        let html = visit(&app, &path_of(link["url"].as_str().unwrap()))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x"),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        // The snippets for other sites escape it too.
        for snippet in ["embed", "signature"] {
            let text = link["share"][snippet].as_str().unwrap();
            assert!(
                !text.contains("<script>") && !text.contains("<img src=x"),
                "{snippet}: {text}"
            );
        }
    }
);
