//! Collections and their public galleries, on both databases: private until published,
//! dead at once when unpublished, never showing an e-mail address, never reachable or
//! changeable by another learner.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

const LEARNER: &str = "ana.martin@example.org";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../badges/fixtures/ob3/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

impl TestClient {
    /// Calls a server function and answers its JSON (asserting success).
    pub(crate) async fn call(&self, function: &str, form: &[(&str, &str)]) -> Value {
        let response = self.post_form(&format!("/api/{function}"), form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{function} answered {status}: {body}");
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    pub(crate) async fn create_collection(&self, name: &str) -> String {
        let id = self
            .call(
                "create_collection",
                &[("name", name), ("description", "Mes savoir-être")],
            )
            .await;
        id.to_string()
    }

    pub(crate) async fn add_to(&self, collection: &str, badge: &str) {
        self.call(
            "set_collection_badge",
            &[("id", collection), ("badge_id", badge), ("holds", "true")],
        )
        .await;
    }

    async fn collection(&self, id: &str) -> Value {
        self.call("collection", &[("id", id)]).await
    }

    pub(crate) async fn publish(&self, id: &str, publish: bool) -> Value {
        self.call(
            "publish_collection",
            &[("id", id), ("publish", &publish.to_string())],
        )
        .await
    }

    /// Imports fixtures and answers their badge ids, in order.
    async fn import_ids(&self, names: &[&str]) -> Vec<String> {
        let files: Vec<(&str, Vec<u8>)> = names.iter().map(|name| (*name, fixture(name))).collect();
        let (_, body) = self.import(&files).await;
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                assert_eq!(result["outcome"], "added", "{result}");
                result["badge"]["id"].to_string()
            })
            .collect()
    }
}

/// One more genuine badge for the learner (OB 3.0, did:key: verifiable offline).
fn organiser_son_temps() -> Vec<u8> {
    use besace_badges::issue::{ob3_credential, BadgeSpec, DidKeyIssuer};
    let issuer = DidKeyIssuer::from_seed([5; 32]);
    let spec = BadgeSpec {
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
    };
    let credential = issuer
        .sign(ob3_credential(&issuer, &spec), "2026-04-01T09:00:00Z")
        .unwrap();
    serde_json::to_vec(&credential).unwrap()
}

fn ids_of(collection: &Value) -> Vec<String> {
    collection["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|badge| badge["id"].to_string())
        .collect()
}

/// The path part of a share URL.
pub(crate) fn path_of(url: &str) -> String {
    let start = url.find("/g/").expect("a gallery link");
    url[start..].to_owned()
}

/// A visitor with no account and no cookies.
async fn visit(app: &TestApp, path: &str) -> reqwest::Response {
    app.new_browser().get(path).await
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
            page.contains("Parler en public") && page.contains("Checked on"),
            "{page}"
        );
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
        assert!(french.text().await.unwrap().contains("Vérifié le"));

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

on_both_databases!(
    another_learner_can_neither_read_nor_change_a_collection,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let badges = app.import_ids(&["baked-di.png"]).await;
        let badge = badges[0].as_str();
        let collection = app.create_collection("Stage").await;
        let id = collection.as_str();
        app.add_to(id, badge).await;

        let other = app.new_browser();
        other
            .signup("bruno.leroy@example.org", "Bruno Leroy", PASSWORD)
            .await;
        let own = other.create_collection("À moi").await;
        let own = own.as_str();
        let attempts: [(&str, Vec<(&str, &str)>); 9] = [
            ("collection", vec![("id", id)]),
            (
                "update_collection",
                vec![("id", id), ("name", "Volée"), ("description", "")],
            ),
            ("delete_collection", vec![("id", id)]),
            ("publish_collection", vec![("id", id), ("publish", "true")]),
            (
                "set_collection_badge",
                vec![("id", id), ("badge_id", badge), ("holds", "false")],
            ),
            (
                "move_collection_badge",
                vec![("id", id), ("badge_id", badge), ("up", "false")],
            ),
            ("reorder_collection", vec![("id", id), ("order[0]", badge)]),
            // Someone else's badge into one's own collection.
            (
                "set_collection_badge",
                vec![("id", own), ("badge_id", badge), ("holds", "true")],
            ),
            (
                "add_badges_to_collection",
                vec![("id", own), ("badge_ids[0]", badge)],
            ),
        ];
        for (function, form) in &attempts {
            let response = other.post_form(&format!("/api/{function}"), form).await;
            assert_eq!(response.status(), 404, "{function} must refuse another learner");
        }
        let response = other
            .post_form("/api/badge_collections", &[("badge_id", badge)])
            .await;
        assert_eq!(response.status(), 404);
        let anonymous = app.new_browser();
        let response = anonymous.post_form("/api/my_collections", &[]).await;
        assert_eq!(response.status(), 401);

        // Untouched: same name, same badge, still private.
        let detail = app.collection(id).await;
        assert_eq!(detail["name"], "Stage");
        assert_eq!(ids_of(&detail), badges);
        assert!(detail["share_url"].is_null());
        let mine = app.call("badge_collections", &[("badge_id", badge)]).await;
        assert_eq!(mine[0]["holds"], true);
    }
);

on_both_databases!(a_collection_needs_a_sensible_name, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.learner_with_verified(LEARNER).await;
    let long = "x".repeat(101);
    for name in ["", "   ", long.as_str()] {
        let response = app
            .post_form("/api/create_collection", &[("name", name), ("description", "")])
            .await;
        assert_error(response, 422, "InvalidCollectionName").await;
    }
    let id = app.create_collection("  Savoir-être  ").await;
    let response = app
        .post_form(
            "/api/update_collection",
            &[("id", &id), ("name", ""), ("description", "")],
        )
        .await;
    assert_error(response, 422, "InvalidCollectionName").await;
    let list = app.call("my_collections", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        list[0]["name"], "Savoir-être",
        "trimmed, and unchanged by the refused edit"
    );
});

on_both_databases!(besace_demo_makes_a_real_backpack_once, |db: TestDb| async move {
    // A server started for the demo: the only kind that trusts the demo issuer.
    let app = db.spawn_app_with(|args| args.demo = true).await;
    let database = besace_server::startup::open_database(&db.serve_args().database)
        .await
        .unwrap();
    let first = besace_server::demo::create(&database, &app.address)
        .await
        .unwrap();
    let again = besace_server::demo::create(&database, &app.address)
        .await
        .unwrap();
    assert_eq!(first.badges, 14);
    assert_eq!(again.gallery_url, first.gallery_url, "run twice, same backpack");

    app.login(first.email, first.password).await;
    let listed = app.badges_query("per_page=50").await;
    assert_eq!(listed["total"], 14, "{listed}");
    let badges = listed["badges"].as_array().unwrap();
    assert!(badges.iter().all(|b| b["status"] == "verified"), "{listed}");
    assert!(
        badges.iter().all(|b| b["image"].is_string()),
        "every badge has a picture"
    );
    // Open Badges 2.0 signed PNG and hosted SVG, Open Badges 3.0 PNG, SVG and JSON: all
    // verified offline, the 2.0 ones through the demo issuer's bundled documents.
    let formats: std::collections::BTreeSet<(&str, &str)> = badges
        .iter()
        .map(|b| (b["spec"].as_str().unwrap(), b["media_type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        formats.into_iter().collect::<Vec<_>>(),
        [
            ("ob2", "image/png"),
            ("ob2", "image/svg+xml"),
            ("ob3", "application/json"),
            ("ob3", "image/png"),
            ("ob3", "image/svg+xml")
        ]
    );
    let collections = app.call("my_collections", &[]).await;
    assert_eq!(collections.as_array().unwrap().len(), 2);

    let (status, html) = app.new_browser().get_html(&path_of(&first.gallery_url)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Camille Durand") && html.contains("Être ponctuel"),
        "{html}"
    );
    assert_eq!(html.matches("class=\"badge-card\"").count(), 6);
    assert!(!html.contains('@'));
});

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
