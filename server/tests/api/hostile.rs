//! Hostile input, through the doors an attacker uses: markup in badge and collection text
//! on every page that shows it, `next` links that try to leave the site, malformed and
//! oversized server-function calls, sessions that outlive a password change, the public
//! demo key, and fetch errors that would map Besace's network.
use crate::collections::path_of;
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

const LEARNER: &str = "ana.martin@example.org";
/// Each payload closes what it lands in (a title, an attribute, a tag) and opens a script.
const SCRIPT: &str = "</title><script>alert('name')</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert('attr')>";
/// A textarea's content ends at the first `</textarea>`.
const TEXTAREA: &str = "</textarea><script>alert('area')</script>";

/// A genuine OB 3.0 badge (eddsa-rdfc-2022, did:key) whose every text field is markup,
/// minted with the library's issuer kit.
fn hostile_badge() -> Vec<u8> {
    use besace_badges::issue::{BadgeSpec, Target};
    let name = format!("Être ponctuel {SCRIPT}");
    let description = format!("Arrive à l'heure {ATTRIBUTE}");
    let criteria = format!("<script>alert('criteria')</script> {ATTRIBUTE}");
    let issuer_name = format!("Centre {SCRIPT}");
    let alignment = format!("Savoir-être {ATTRIBUTE}");
    let spec = BadgeSpec {
        id: "urn:uuid:0b5e0000-0000-4000-8000-000000000013",
        issuer_name: &issuer_name,
        issuer_url: "javascript:alert('issuer-url')",
        achievement_id: "https://hostile.besace.test/badges/etre-ponctuel",
        name: &name,
        description: &description,
        criteria: &criteria,
        image_url: "javascript:alert('image')",
        recipient_email: LEARNER,
        salt: Some("sel"),
        valid_from: "2026-04-01T09:00:00Z",
        tags: &["<b onmouseover=alert('tag')>tag</b>"],
        issuer_email: Some("contact@hostile.besace.test"),
        alignments: &[Target {
            name: &alignment,
            url: "javascript:alert('alignment')",
            framework: "<svg onload=alert('framework')>",
            code: "C1",
        }],
    };
    signed_ob3(13, &spec)
}

/// Markup that came in as text must leave as text: no tag, no handler, no script URL.
fn assert_inert(page: &str, html: &str) {
    for live in [
        "<script>alert",
        "<img src=x",
        "<b onmouseover",
        "<svg onload",
        "href=\"javascript:",
        "src=\"javascript:",
        "</title><script>",
    ] {
        assert!(!html.contains(live), "{page} holds {live:?}:\n{html}");
    }
}

/// The learner's pages allow no script but our own files and the nonce'd hydration script;
/// answers the policy.
fn assert_strict_policy(page: &str, response: &reqwest::Response) -> String {
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self' 'nonce-"), "{page}: {policy}");
    assert!(!policy.contains("unsafe-inline"), "{page}: {policy}");
    assert!(policy.contains("object-src 'none'"), "{page}: {policy}");
    policy
}

async fn page(client: &TestClient, path: &str) -> String {
    let response = client.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let policy = assert_strict_policy(path, &response);
    let html = response.text().await.unwrap();
    // Every inline script the page has carries this response's nonce.
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("<script nonce=\"{nonce}\"")).count()
        + html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\"")).count()
        // leptos_i18n writes one empty script, which no policy runs or blocks.
        + html.matches("<script></script>").count();
    assert_eq!(scripts, with_nonce, "{path}: a script without the nonce:\n{html}");
    html
}

on_both_databases!(
    markup_in_badges_and_collections_is_text_on_every_page,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (status, body) = app.import(&[("hostile.json", hostile_badge())]).await;
        assert_eq!(status, 200, "{body}");
        let result = &body["results"][0];
        assert_eq!(result["outcome"], "added", "{result}");
        let badge = result["badge"]["id"].to_string();

        let html = page(&app, &format!("/badges/{badge}")).await;
        assert_inert("badge page", &html);
        assert!(
            html.contains("<title>Être ponctuel &lt;/title&gt;&lt;script&gt;alert(&#x27;name&#x27;)&lt;/script&gt; · Besace</title>"),
            "{html}"
        );
        assert!(html.contains("Arrive à l'heure \"&gt;&lt;img src=x"), "{html}");
        let html = page(&app, "/backpack").await;
        assert_inert("backpack", &html);
        assert!(html.contains("&lt;/title&gt;&lt;script&gt;"), "{html}");

        let collection = app.create_collection(&format!("Pour l'employeur {SCRIPT}")).await;
        app.call(
            "update_collection",
            &[
                ("id", collection.as_str()),
                ("name", &format!("Pour l'employeur {SCRIPT}")),
                ("description", &format!("{ATTRIBUTE} {TEXTAREA}")),
            ],
        )
        .await;
        app.add_to(&collection, &badge).await;
        let detail = app.publish(&collection, true).await;
        let html = page(&app, &format!("/collections/{collection}")).await;
        assert_inert("collection editor", &html);
        assert!(
            html.contains("<title>Pour l&#x27;employeur &lt;/title&gt;"),
            "{html}"
        );
        // The embed snippet is shown as the HTML to copy, escaped once more inside its box.
        assert!(html.contains("&amp;lt;/title&amp;gt;"), "{html}");
        let html = page(&app, "/collections").await;
        assert_inert("collections", &html);
        // The snippets a learner copies into other sites are escaped for HTML.
        for snippet in ["embed", "signature"] {
            let code = detail["share"][snippet].as_str().unwrap();
            assert_inert(snippet, code);
            assert!(code.contains("&lt;/title&gt;"), "{snippet}: {code}");
        }

        // The public pages: the gallery (with its Open Graph and Twitter tags), the badge
        // view, the JSON for displayers and oEmbed.
        let link = path_of(detail["share_url"].as_str().unwrap());
        let visitor = app.new_browser();
        let (status, html) = visitor.get_html(&link).await;
        assert_eq!(status, 200);
        assert_inert("gallery", &html);
        assert!(
            html.contains(r#"<meta property="og:title" content="Pour l&#x27;employeur &lt;/title&gt;"#),
            "{html}"
        );
        let (status, html) = visitor.get_html(&format!("{link}/badges/{badge}")).await;
        assert_eq!(status, 200);
        assert_inert("public badge", &html);
        let embed: Value = visitor
            .client
            .get(app.url("/oembed"))
            .query(&[("url", app.url(&link).as_str()), ("format", "json")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_inert("oEmbed", embed["html"].as_str().unwrap());
        let document = visitor.get(&format!("{link}/collection.json")).await;
        assert_eq!(document.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
);

on_both_databases!(next_never_leads_off_the_site, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.signup(LEARNER, "Ana Martin", PASSWORD).await;
    for (index, (next, lands)) in [
        ("/inbox", "/inbox"),
        ("/connect?x=1", "/connect?x=1"),
        ("/\t/evil.example", "/backpack"),
        ("/\n/evil.example", "/backpack"),
        ("/\r\n/evil.example", "/backpack"),
        ("/\x0b/evil.example", "/%0B/evil.example"),
        ("/%09/evil.example", "/%09/evil.example"),
        ("//evil.example", "/backpack"),
        ("/\\evil.example", "/backpack"),
        ("https://evil.example/", "/backpack"),
        ("javascript:alert(1)", "/backpack"),
    ]
    .into_iter()
    .enumerate()
    {
        let browser = app.new_browser();
        let response = browser
            .post_page_form(
                "/api/login",
                &[("email", LEARNER), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(response.headers()[header::LOCATION], lands, "{next:?}");
        // At sign-up, `next` rides in the mailed link, and is checked again when used.
        let address = format!("n{index}@example.org");
        let response = browser
            .post_page_form(
                "/api/signup",
                &[
                    ("email", &address),
                    ("display_name", "Ana"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(response.headers()[header::LOCATION], "/check-your-mail");
        let mail = app.mail.next().await;
        assert_eq!(mail.to, [address]);
        let link = mail.link(&format!("{}/verify-email?token=", app.address));
        let response = browser.follow_link(&link).await;
        assert_eq!(response.headers()[header::LOCATION], lands, "{next:?} via {link}");
    }
});

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
    a_password_change_ends_every_other_session,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.signup(LEARNER, "Ana Martin", PASSWORD).await;
        let phone = app.new_browser();
        phone.login(LEARNER, PASSWORD).await;
        assert_eq!(phone.me().await["email"], LEARNER);

        let new_password = "Un autre vélo, bleu cette fois";
        let response = app
            .post_form(
                "/api/change_password",
                &[("current_password", PASSWORD), ("new_password", new_password)],
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(app.me().await["email"], LEARNER, "the changing device stays in");
        assert_eq!(phone.me().await, Value::Null, "the other device is out");
        assert_eq!(phone.get("/backpack").await.status(), 302);

        // "Log out everywhere" ends this session too, and every other.
        let laptop = app.new_browser();
        laptop.login(LEARNER, new_password).await;
        assert_eq!(laptop.me().await["email"], LEARNER);
        let (_, settings) = app.get_html("/settings").await;
        assert!(settings.contains("/api/logout_everywhere"), "{settings}");
        let response = app.post_form("/api/logout_everywhere", &[]).await;
        assert!(response.status().is_redirection() || response.status().is_success());
        assert_eq!(app.me().await, Value::Null);
        assert_eq!(laptop.me().await, Value::Null);
        laptop.login(LEARNER, new_password).await;
        assert_eq!(laptop.me().await["email"], LEARNER, "logging in again works");
    }
);

on_both_databases!(
    the_public_demo_key_proves_nothing_outside_the_demo,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified("camille.durand@example.org").await;
        // An OB 3.0 demo badge (did:key) and an OB 2.0 signed one (RSA key in the repository).
        let files: Vec<(&str, Vec<u8>)> = [(0, "ob2.png"), (2, "ob3.png")]
            .into_iter()
            .map(|(index, name)| (name, besace_server::demo::badge_file(index).unwrap()))
            .collect();
        let (_, body) = app.import(&files).await;
        for result in body["results"].as_array().unwrap() {
            assert_eq!(result["outcome"], "refused", "{result}");
            let checks = result["report"]["checks"].as_array().unwrap();
            let trust = checks
                .iter()
                .find(|c| c["id"] == "issuer.trust")
                .unwrap_or_else(|| panic!("no issuer.trust check: {result}"));
            assert_eq!(trust["ok"], false);
            assert!(
                trust["message"].as_str().unwrap().contains("demonstration key"),
                "{trust}"
            );
        }
        // A server started for the demo takes the same files.
        let demo = db.spawn_app_with(|args| args.demo = true).await;
        demo.login("camille.durand@example.org", PASSWORD).await;
        let (_, body) = demo.import(&files).await;
        for result in body["results"].as_array().unwrap() {
            assert_eq!(result["outcome"], "added", "{result}");
        }
    }
);

on_both_databases!(fetch_errors_do_not_map_the_network, |db: TestDb| async move {
    // With private addresses allowed (a test server), a closed port on loopback; without,
    // a name that resolves to loopback. Neither report names an address or a port state.
    let open = db.spawn_app_with(|args| args.allow_private_network = true).await;
    open.learner_with_verified(LEARNER).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (_, body) = open
        .import_fields(&[("url", format!("http://127.0.0.1:{closed}/badge.json"))])
        .await;
    let shown = body["results"][0]["report"].to_string();
    assert!(shown.contains("did not answer properly"), "{shown}");
    for leak in [
        "refused",
        "tcp",
        "os error",
        "error sending request",
        "Connection",
    ] {
        assert!(!shown.contains(leak), "{leak}: {shown}");
    }

    let closed_to_private = db.spawn_app().await;
    let browser = closed_to_private.new_browser();
    browser.login(LEARNER, PASSWORD).await;
    let (_, body) = browser
        .import_fields(&[("url", "http://localhost:9/badge.json".to_owned())])
        .await;
    let shown = body["results"][0]["report"].to_string();
    assert!(shown.contains("not on the public internet"), "{shown}");
    for leak in ["127.0.0.1", "::1", "private or reserved"] {
        assert!(!shown.contains(leak), "{leak}: {shown}");
    }
});

/// A genuine OB 3.0 badge for `email` whose picture is a `data:` PNG: stored once in `blobs`.
fn badge_with_picture(email: &str, id: &str) -> Vec<u8> {
    use base64::Engine as _;
    use besace_badges::issue::{disc_png, BadgeSpec};
    let picture = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(disc_png(64, [200, 80, 40]))
    );
    let spec = BadgeSpec {
        id,
        issuer_name: "Centre de formation Démo",
        issuer_url: "https://demo.besace.test",
        achievement_id: "https://demo.besace.test/badges/precision",
        name: "Précision",
        description: "Mesure au millimètre près.",
        criteria: "Trois pièces mesurées sans erreur.",
        image_url: &picture,
        recipient_email: email,
        valid_from: "2026-04-01T09:00:00Z",
        ..Default::default()
    };
    signed_ob3(14, &spec)
}

on_both_databases!(
    a_deleted_account_takes_its_pictures_but_not_anothers,
    |db: TestDb| async move {
        use sea_orm::{ConnectionTrait, Statement};
        let app = db.spawn_app().await;
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let blobs = || async {
            let row = database
                .query_one(Statement::from_string(
                    database.get_database_backend(),
                    "SELECT COUNT(*) AS n FROM blobs",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        };
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app
            .import(&[(
                "a.json",
                badge_with_picture(LEARNER, "urn:uuid:0b5e0000-0000-4000-8000-00000000b10b"),
            )])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        assert_eq!(blobs().await, 1);
        // Another learner with a badge showing the same picture.
        let other = app.new_browser();
        let paul = "paul.durand@example.org";
        other.signup(paul, "Paul Durand", PASSWORD).await;
        let (_, body) = other
            .import(&[(
                "b.json",
                badge_with_picture(paul, "urn:uuid:0b5e0000-0000-4000-8000-00000000b10c"),
            )])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        assert_eq!(blobs().await, 1, "one picture, stored once");

        let response = app
            .post_form("/api/delete_account", &[("password", PASSWORD)])
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        assert_eq!(blobs().await, 1, "Paul's badge still shows it");
        let response = other
            .post_form("/api/delete_account", &[("password", PASSWORD)])
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        assert_eq!(blobs().await, 0, "nobody shows it any more");
    }
);

on_both_databases!(
    a_wrong_password_flood_does_not_lock_the_learner_out,
    |db: TestDb| async move {
        // Behind a trusted proxy (here, this machine), X-Forwarded-For names the client.
        let app = db
            .spawn_app_with(|args| {
                args.rate_limit_per_account = 3;
                args.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
            })
            .await;
        app.signup(LEARNER, "Ana Martin", PASSWORD).await;
        let from = |client: &'static str, password: &'static str| {
            let browser = app.new_browser();
            async move {
                browser
                    .client
                    .post(browser.url("/api/login"))
                    .header("x-forwarded-for", client)
                    .form(&[("email", LEARNER), ("password", password)])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        let mut flood = Vec::new();
        for _ in 0..5 {
            flood.push(from("203.0.113.9", "pas le bon mot de passe").await);
        }
        assert_eq!(flood, [401, 401, 401, 429, 429], "the attacker is slowed down");
        assert_eq!(
            from("198.51.100.7", PASSWORD).await,
            200,
            "the learner is not locked out"
        );
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
