//! A published collection is public until unpublished: its gallery, its badges' public
//! views and pictures, the JSON, oEmbed and QR code, caching, indexing, and the link dying
//! at once when unpublished or deleted.
use super::{ids_of, visit};
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

/// One more genuine badge for the learner (OB 3.0, did:key: verifiable offline).
fn organiser_son_temps() -> Vec<u8> {
    use besace_badges::issue::BadgeSpec;
    signed_ob3(
        5,
        &BadgeSpec {
            id: "urn:uuid:5c0e0000-0000-4000-8000-000000000005",
            issuer_name: "Centre de formation Démo",
            issuer_url: "https://demo.besace.test",
            achievement_id: "https://demo.besace.test/badges/organiser-son-temps",
            name: "Organiser son temps",
            description: "Planifie sa semaine et tient ses délais.",
            criteria: "Planning tenu pendant quatre semaines.",
            image_url: "https://demo.besace.test/badges/organiser-son-temps.png",
            recipient_email: LEARNER,
            salt: Some("sel"),
            valid_from: "2026-04-01T09:00:00Z",
            ..Default::default()
        },
    )
}

on_both_databases!(
    a_published_collection_is_public_until_unpublished,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let badges = app
            .import_ids(&["baked-di.png", "di-expired.json", "jwt-eddsa.jwt"])
            .await;
        let (_, body) = app.import(&[("temps.json", organiser_son_temps())]).await;
        let mut badges = badges;
        badges.push(body["results"][0]["badge"]["id"].to_string());
        let id = app.create_collection("Pour l'employeur").await;
        for badge in &badges[..3] {
            app.add_to(&id, badge).await;
        }
        app.add_to(&id, &badges[0]).await; // twice: still once
        assert_eq!(ids_of(&app.collection(&id).await), badges[..3]);

        // Keyboard order: the third goes up one; drag and drop: a whole new order.
        app.call(
            "move_collection_badge",
            &[("id", &id), ("badge_id", &badges[2]), ("up", "true")],
        )
        .await;
        assert_eq!(
            ids_of(&app.collection(&id).await),
            [badges[0].as_str(), &badges[2], &badges[1]]
        );
        app.call(
            "reorder_collection",
            &[
                ("id", &id),
                ("order[0]", &badges[1]),
                ("order[1]", &badges[0]),
                ("order[2]", &badges[2]),
            ],
        )
        .await;
        assert_eq!(
            ids_of(&app.collection(&id).await),
            [badges[1].as_str(), &badges[0], &badges[2]]
        );
        let wrong_order = app
            .post_form(
                "/api/reorder_collection",
                &[("id", &id), ("order[0]", &badges[1]), ("order[1]", &badges[3])],
            )
            .await;
        assert_error(wrong_order, 404, "NotFound").await;

        // The backpack's multi-select: several at once, in order, all or nothing.
        let all = app.create_collection("Tout").await;
        app.call(
            "add_badges_to_collection",
            &[
                ("id", &all),
                ("badge_ids[0]", &badges[3]),
                ("badge_ids[1]", &badges[0]),
                ("badge_ids[2]", &badges[3]),
            ],
        )
        .await;
        assert_eq!(
            ids_of(&app.collection(&all).await),
            [badges[3].as_str(), &badges[0]]
        );
        let refused = app
            .post_form(
                "/api/add_badges_to_collection",
                &[
                    ("id", &all),
                    ("badge_ids[0]", &badges[1]),
                    ("badge_ids[1]", "999999"),
                ],
            )
            .await;
        assert_error(refused, 404, "NotFound").await;
        assert_eq!(
            ids_of(&app.collection(&all).await).len(),
            2,
            "nothing added from a refused batch"
        );

        // Private: no link at all.
        let detail = app.collection(&id).await;
        assert!(detail["share_url"].is_null());
        assert_eq!(
            visit(&app, "/g/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await.status(),
            404
        );

        let detail = app.publish(&id, true).await;
        let link = path_of(detail["share_url"].as_str().unwrap());
        assert!(detail["published_at"].is_string());
        let token = link.trim_start_matches("/g/");
        assert!(token.len() >= 22, "at least 128 bits: {token}");
        let share = &detail["share"];
        let encoded_link: String = url::form_urlencoded::byte_serialize(app.url(&link).as_bytes()).collect();
        assert!(
            share["email"]
                .as_str()
                .unwrap()
                .starts_with("mailto:?subject=My%20badges"),
            "{share}"
        );
        for network in ["linkedin", "twitter", "facebook"] {
            assert!(
                share[network].as_str().unwrap().contains(&encoded_link),
                "{network}: {share}"
            );
        }
        assert!(share["embed"]
            .as_str()
            .unwrap()
            .contains(&format!("src=\"{}\"", app.url(&link))));
        assert_eq!(share["linkedin_add"].as_array().unwrap().len(), 3);

        let response = visit(&app, &link).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["x-robots-tag"], "noindex");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        let etag = headers[header::ETAG].to_str().unwrap().to_owned();
        let html = response.text().await.unwrap();
        for shown in [
            "Pour l&#x27;employeur",
            "Ana Martin",
            "Parler en public",
            "property=\"og:title\"",
            "name=\"twitter:card\"",
            "noindex",
            // The recruiter's summary line: how many are genuine, and since when checked.
            "Genuine badges: ",
            " of 3 · checked by Besace on ",
        ] {
            assert!(html.contains(shown), "{shown} missing from the gallery: {html}");
        }
        assert!(!html.contains('@'), "no e-mail address on a public page: {html}");
        assert!(!html.contains("/pkg/besace.js"), "public pages need no wasm");

        // Cached and compressed once: a browser that has it gets a 304; br when asked.
        let again = app
            .new_browser()
            .client
            .get(app.url(&link))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        let compressed = app
            .new_browser()
            .client
            .get(app.url(&link))
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br");
        assert!(compressed.bytes().await.unwrap().len() < html.len() / 2);

        // Search engines only when the learner says so, effective at once.
        app.call("set_collection_indexing", &[("id", &id), ("allow", "true")])
            .await;
        let indexed = visit(&app, &link).await;
        assert!(indexed.headers().get("x-robots-tag").is_none());
        assert!(indexed
            .text()
            .await
            .unwrap()
            .contains("content=\"index, follow\""));
        app.call("set_collection_indexing", &[("id", &id), ("allow", "false")])
            .await;
        assert_eq!(visit(&app, &link).await.headers()["x-robots-tag"], "noindex");

        // One badge, public view: checked status and time, no address, its picture.
        let badge_path = format!("{link}/badges/{}", badges[0]);
        let (status, page) = app.new_browser().get_html(&badge_path).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("Parler en public") && page.contains("checked by Besace on"),
            "{page}"
        );
        // Whose badge it is, and how to check it without Besace.
        assert!(page.contains("Awarded to Ana Martin"), "{page}");
        assert!(page.contains("Check it yourself"), "{page}");
        assert!(!page.contains('@'), "no e-mail address on a public page: {page}");
        let image = page
            .split("src=\"")
            .map(|rest| rest.split('"').next().unwrap())
            .find(|src| src.starts_with(&format!("{link}/images/")))
            .expect("a token-scoped image")
            .to_owned();
        let picture = visit(&app, &image).await;
        assert_eq!(picture.status(), 200);
        assert_eq!(picture.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(picture.headers()[header::CONTENT_SECURITY_POLICY], "sandbox");

        // A badge of the backpack that is not in the collection stays private.
        let outside = format!("{link}/badges/{}", badges[3]);
        assert_eq!(visit(&app, &outside).await.status(), 404);

        // In French for a French browser.
        let french = app
            .new_browser()
            .client
            .get(app.url(&badge_path))
            .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
            .send()
            .await
            .unwrap();
        let french = french.text().await.unwrap();
        for shown in [
            "vérifié le",
            "par Besace",
            "Attribué à Ana Martin",
            "Vérifier par vous-même",
        ] {
            assert!(french.contains(shown), "{shown}: {french}");
        }

        // For displayers and embedders: a JSON document, oEmbed, a QR code of the link.
        let json_path = format!("{link}/collection.json");
        let document: Value = visit(&app, &json_path).await.json().await.unwrap();
        assert_eq!(document["name"], "Pour l'employeur");
        assert_eq!(document["owner"]["name"], "Ana Martin");
        let listed = document["badges"].as_array().unwrap();
        assert_eq!(listed.len(), 3);
        assert!(listed.iter().all(|b| b["verification"]["checked_at"].is_string()));
        assert!(listed[0]["url"].as_str().unwrap().starts_with(&app.url(&link)));
        assert!(!document.to_string().contains('@'), "{document}");
        let oembed = |url: String, format: &'static str| {
            let client = app.new_browser().client;
            let endpoint = app.url("/oembed");
            async move {
                client
                    .get(endpoint)
                    .query(&[("url", url.as_str()), ("format", format)])
                    .send()
                    .await
                    .unwrap()
            }
        };
        let embed: Value = oembed(app.url(&link), "json").await.json().await.unwrap();
        assert_eq!(embed["version"], "1.0");
        assert_eq!(embed["type"], "rich");
        assert_eq!(embed["author_name"], "Ana Martin");
        let iframe = format!("<iframe src=\"{}\"", app.url(&link));
        assert!(embed["html"].as_str().unwrap().starts_with(&iframe), "{embed}");
        assert_eq!(oembed(app.url(&link), "xml").await.status(), 501);
        assert_eq!(
            oembed("https://elsewhere.example/g/x".into(), "json")
                .await
                .status(),
            404
        );
        let qr = visit(&app, &format!("{link}/qr.svg")).await;
        assert_eq!(qr.headers()[header::CONTENT_TYPE], "image/svg+xml");
        let qr = visit(&app, &format!("{link}/qr.png")).await;
        assert_eq!(qr.headers()[header::CONTENT_TYPE], "image/png");
        assert!(qr.bytes().await.unwrap().starts_with(b"\x89PNG"));
        assert!(html.contains("application/json+oembed"));

        // Unpublished: dead at once, page and picture, even though both were cached.
        app.publish(&id, false).await;
        assert_eq!(visit(&app, &link).await.status(), 404);
        assert_eq!(visit(&app, &badge_path).await.status(), 404);
        assert_eq!(visit(&app, &image).await.status(), 404);
        assert_eq!(visit(&app, &json_path).await.status(), 404);
        assert_eq!(visit(&app, &format!("{link}/qr.png")).await.status(), 404);
        assert_eq!(oembed(app.url(&link), "json").await.status(), 404);

        // Published again: a new link; the old one stays dead.
        let detail = app.publish(&id, true).await;
        let new_link = path_of(detail["share_url"].as_str().unwrap());
        assert_ne!(new_link, link);
        assert_eq!(visit(&app, &link).await.status(), 404);
        assert_eq!(visit(&app, &new_link).await.status(), 200);

        // A change shows at once; a badge deleted from the backpack leaves the gallery.
        app.call("delete_badge", &[("id", &badges[1])]).await;
        let (_, html) = app.new_browser().get_html(&new_link).await;
        assert_eq!(html.matches("class=\"badge-card\"").count(), 2, "{html}");
        assert_eq!(
            visit(&app, &format!("{new_link}/badges/{}", badges[1]))
                .await
                .status(),
            404
        );

        // Deleting the collection keeps the badges and kills the link.
        app.call("delete_collection", &[("id", &id)]).await;
        assert_eq!(visit(&app, &new_link).await.status(), 404);
        assert_eq!(app.badges().await.len(), 3);
    }
);
