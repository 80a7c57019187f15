//! Importing badges through `POST /api/badges/import` (multipart), on both databases, with
//! OB 3.0 fixtures made by independent tools (did:key issuers: verifiable offline).
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::{
    header,
    multipart::{Form, Part},
};
use serde_json::Value;

const LEARNER: &str = "ana.martin@example.org";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../badges/fixtures/ob3/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

impl TestClient {
    /// Imports files in one request; answers the status and the per-file results.
    pub async fn import(&self, files: &[(&str, Vec<u8>)]) -> (u16, Value) {
        let form = files.iter().fold(Form::new(), |form, (name, bytes)| {
            form.part("file", Part::bytes(bytes.clone()).file_name(name.to_string()))
        });
        self.post_import(form).await
    }

    /// Imports URLs (`url`) and pasted text (`text`) in one request.
    pub async fn import_fields(&self, fields: &[(&str, String)]) -> (u16, Value) {
        let form = fields.iter().fold(Form::new(), |form, (name, value)| {
            form.text(name.to_string(), value.clone())
        });
        self.post_import(form).await
    }

    async fn post_import(&self, form: Form) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/api/badges/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn badges(&self) -> Vec<Value> {
        self.badges_query("").await["badges"].as_array().unwrap().clone()
    }

    /// `GET /api/badges?{query}`: a page of badges and the total.
    pub async fn badges_query(&self, query: &str) -> Value {
        let response = self
            .client
            .get(self.url(&format!("/api/badges?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// The badge page's data (the `badge` server function).
    pub async fn badge(&self, id: &str) -> Value {
        let response = self.post_form("/api/badge", &[("id", id)]).await;
        assert_eq!(response.status(), 200, "badge {id}");
        response.json().await.unwrap()
    }
}

impl TestApp {
    /// Signs up `email` (which the mailed link verifies), so badges issued to it can be
    /// imported.
    pub async fn learner_with_verified(&self, email: &str) {
        self.signup(email, "Ana Martin", PASSWORD).await;
    }
}

fn outcomes(results: &Value) -> Vec<&str> {
    results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect()
}

on_both_databases!(
    a_genuine_badge_is_kept_with_its_original_bytes,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let png = fixture("baked-di.png");
        let (status, body) = app.import(&[("parler-en-public.png", png.clone())]).await;
        assert_eq!(status, 200);
        assert_eq!(outcomes(&body), ["added"], "{body}");
        let badge = &body["results"][0]["badge"];
        assert_eq!(badge["name"], "Parler en public");
        assert_eq!(badge["issuer"], "Centre de formation Démo");
        assert_eq!(badge["status"], "verified");
        assert_eq!(badge["spec"], "ob3");

        let listed = app.badges().await;
        assert_eq!(listed.len(), 1);
        let response = app
            .client
            .get(app.url(&format!("/api/badges/{}/original", listed[0]["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "image/png");
        assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(response.headers()[header::CONTENT_SECURITY_POLICY], "sandbox");
        assert!(response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(
            response.bytes().await.unwrap().as_ref(),
            png.as_slice(),
            "the bytes are unchanged"
        );
    }
);

on_both_databases!(the_same_badge_twice_is_already_there, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.learner_with_verified(LEARNER).await;
    let (_, first) = app.import(&[("a.png", fixture("baked-di.png"))]).await;
    let id = first["results"][0]["badge"]["id"].clone();
    // Same bytes; then the same credential in an SVG and as JSON; then another badge.
    let (status, body) = app
        .import(&[
            ("again.png", fixture("baked-di.png")),
            ("same.svg", fixture("baked-di.svg")),
            ("same.json", fixture("di-didkey.json")),
            ("other.jwt", fixture("jwt-eddsa.jwt")),
        ])
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        outcomes(&body),
        ["already", "already", "already", "added"],
        "{body}"
    );
    assert_eq!(body["results"][0]["badge_id"], id);
    assert_eq!(app.badges().await.len(), 2);
});

on_both_databases!(
    forged_foreign_and_broken_files_are_refused,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        // The badge's address is in the account but not verified yet: it does not count.
        app.signup("ana.perso@example.org", "Ana", PASSWORD).await;
        assert!(app.add_email(LEARNER).await.status().is_success());
        let link = app.next_link(LEARNER).await;
        let (_, body) = app.import(&[("a.png", fixture("baked-di.png"))]).await;
        assert_eq!(outcomes(&body), ["refused"]);
        let failed: Vec<&str> = body["results"][0]["report"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["ok"] == false)
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(failed, ["recipient"]);
        assert!(body["results"][0]["report"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("issued to someone else"));
        assert_eq!(body["results"][0]["wrong_recipient"], true);
        // Its salted hash is of an address the learner added: confirm it, says the answer,
        // rather than "add an address".
        assert_eq!(body["results"][0]["awaiting_confirmation"], LEARNER);
        assert_eq!(body["results"][0]["issued_to"], Value::Null);
        // A forged badge naming the same learner earns no advice about its recipient.
        let (_, body) = app
            .import(&[("forged.json", fixture("di-tampered-recipient.json"))])
            .await;
        assert_eq!(outcomes(&body), ["refused"]);
        assert_eq!(body["results"][0]["wrong_recipient"], false, "{body}");
        assert_eq!(body["results"][0]["awaiting_confirmation"], Value::Null);
        assert_eq!(body["results"][0]["issued_to"], Value::Null);
        assert_eq!(
            location_of(&app.follow_link(&link).await),
            "/verify-email?confirmed"
        );

        let mut corrupt = fixture("baked-di.png");
        corrupt.truncate(corrupt.len() / 2);
        let oversize = vec![b' '; 5 * 1024 * 1024 + 1];
        let (status, body) = app
            .import(&[
                ("tampered.json", fixture("di-tampered-name.json")),
                ("corrupt.png", corrupt),
                ("random.bin", b"\x00\x01 not a badge".to_vec()),
                ("huge.json", oversize),
            ])
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            outcomes(&body),
            ["refused", "refused", "refused", "too_large"],
            "{body}"
        );
        assert!(app.badges().await.is_empty(), "nothing refused is stored");

        // Expired but genuine: kept, clearly marked.
        let (_, body) = app.import(&[("expired.json", fixture("di-expired.json"))]).await;
        assert_eq!(outcomes(&body), ["added"]);
        assert_eq!(body["results"][0]["badge"]["status"], "expired");
    }
);

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

on_both_databases!(import_by_url_and_by_pasted_text, |db: TestDb| async move {
    let site = issuer_site(vec![
        ("/badges/parler.json", fixture("di-didkey.json")),
        ("/big", vec![b' '; 6 * 1024 * 1024]),
    ])
    .await;
    let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
    app.learner_with_verified(LEARNER).await;
    let jwt = String::from_utf8(fixture("jwt-eddsa.jwt")).unwrap();
    let (status, body) = app
        .import_fields(&[
            ("url", format!("{site}/badges/parler.json")),
            ("url", format!("{site}/missing")),
            ("url", format!("{site}/big")),
            ("text", format!("\n  {}\n", jwt.trim())),
            ("text", "{ not a badge".to_owned()),
            // A link pasted in the text box is fetched like one given as a link.
            ("text", format!(" {site}/badges/parler.json\n")),
        ])
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        outcomes(&body),
        ["added", "refused", "too_large", "added", "refused", "already"],
        "{body}"
    );
    assert_eq!(failed_checks(&body["results"][1]), ["hosted.fetch"]);
    assert_eq!(body["results"][3]["badge"]["name"], "Précision");
    assert_eq!(failed_checks(&body["results"][4]), ["extract"]);

    // The original kept for a URL is the document the issuer served.
    let id = &body["results"][0]["badge"]["id"];
    let response = app
        .client
        .get(app.url(&format!("/api/badges/{id}/original")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        fixture("di-didkey.json").as_slice()
    );

    // A server that does not allow private addresses refuses to fetch from this machine.
    let guarded = db.spawn_app().await;
    guarded.login(LEARNER, PASSWORD).await;
    let (_, body) = guarded
        .import_fields(&[("url", format!("{site}/badges/parler.json"))])
        .await;
    assert_eq!(outcomes(&body), ["refused"]);
    assert!(
        body["results"][0]["report"]["checks"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("not on the public internet"),
        "{body}"
    );
});

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

on_both_databases!(the_backpack_filters_sorts_and_pages, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.learner_with_verified(LEARNER).await;
    app.import(&[
        ("a.png", fixture("baked-di.png")),
        ("expired.json", fixture("di-expired.json")),
        ("precision.jwt", fixture("jwt-eddsa.jwt")),
    ])
    .await;
    let names = |body: &Value| -> Vec<String> {
        body["badges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                format!(
                    "{} {}",
                    b["name"].as_str().unwrap(),
                    b["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    let body = app.badges_query("sort=name").await;
    assert_eq!(body["total"], 3);
    assert_eq!(
        names(&body),
        [
            "Parler en public expired",
            "Parler en public verified",
            "Précision verified"
        ]
    );
    let body = app.badges_query("status=expired").await;
    assert_eq!(names(&body), ["Parler en public expired"]);
    // Case-insensitive, every word must match; % and _ are plain characters.
    assert_eq!(app.badges_query("q=PARLER%20public").await["total"], 2);
    assert_eq!(app.badges_query("q=Centre%20Parler").await["total"], 2);
    assert_eq!(app.badges_query("q=%25").await["total"], 0);
    let body = app.badges_query("sort=name&per_page=2&page=2").await;
    assert_eq!(body["total"], 3);
    assert_eq!(names(&body), ["Précision verified"]);

    let (_, html) = app.get_html("/backpack?status=expired").await;
    assert_eq!(html.matches(r#"<li class="badge-card">"#).count(), 1, "{html}");
    let (_, html) = app.get_html("/backpack?q=nothing-like-this").await;
    assert!(html.contains("No badge matches this search."), "{html}");
});

/// The names of the failed checks of one import result.
fn failed_checks(result: &Value) -> Vec<&str> {
    result["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

/// A web server on 127.0.0.1 standing in for an issuer's site: each path answers its bytes,
/// anything else 404.
async fn issuer_site(routes: Vec<(&'static str, Vec<u8>)>) -> String {
    let mut router = axum::Router::new();
    for (path, bytes) in routes {
        router = router.route(path, axum::routing::get(move || async move { bytes.clone() }));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

on_both_databases!(
    the_backpack_page_shows_each_badge_with_its_status,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (status, html) = app.get_html("/backpack").await;
        assert_eq!(status, 200);
        assert!(html.contains("Your backpack is empty for now"));

        app.import(&[
            ("a.png", fixture("baked-di.png")),
            ("expired.json", fixture("di-expired.json")),
        ])
        .await;
        let (status, html) = app.get_html("/backpack").await;
        assert_eq!(status, 200);
        assert!(!html.contains("Your backpack is empty for now"), "{html}");
        assert_eq!(html.matches(r#"<li class="badge-card">"#).count(), 2, "{html}");
        assert!(html.contains("Parler en public"));
        assert!(html.contains("Centre de formation Démo"));
        assert!(
            html.contains(">Verified<") && html.contains(">Expired<"),
            "{html}"
        );
    }
);

/// A genuine OB 3.0 badge (eddsa-rdfc-2022, did:key: verifiable offline) naming its
/// recipient's address in clear, as some issuers do.
fn badge_issued_in_clear_to(email: &str) -> Vec<u8> {
    use besace_badges::issue::{ob3_credential, BadgeSpec, DidKeyIssuer, Target};
    let issuer = DidKeyIssuer::from_seed([3; 32]);
    let spec = BadgeSpec {
        id: "urn:uuid:7a2b0c1d-0000-4000-8000-000000000010",
        issuer_name: "Lycée professionnel Démo",
        issuer_url: "https://lycee.besace.test",
        achievement_id: "https://lycee.besace.test/badges/remplir-un-formulaire",
        name: "Remplir un formulaire",
        description: "Remplit un formulaire administratif sans aide.",
        criteria: "Trois formulaires remplis sans erreur.",
        image_url: "https://lycee.besace.test/badges/remplir-un-formulaire.png",
        recipient_email: email,
        salt: None,
        valid_from: "2026-02-02T09:00:00Z",
        issuer_email: Some("contact@lycee.besace.test"),
        alignments: &[Target {
            name: "Compléter un document administratif",
            url: "https://lycee.besace.test/referentiel#formulaires",
            framework: "Référentiel Démo",
            code: "ADM-2",
        }],
        ..Default::default()
    };
    let credential = issuer
        .sign(ob3_credential(&issuer, &spec), "2026-02-02T09:00:00Z")
        .unwrap();
    serde_json::to_vec(&credential).unwrap()
}

on_both_databases!(
    a_badge_for_another_address_goes_in_once_that_address_is_verified,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let badge = badge_issued_in_clear_to("Marie@Ecole.fr");
        let (_, body) = app.import(&[("marie.json", badge.clone())]).await;
        assert_eq!(outcomes(&body), ["refused"], "{body}");
        assert_eq!(failed_checks(&body["results"][0]), ["recipient"]);
        assert_eq!(body["results"][0]["issued_to"], "marie@ecole.fr");

        // What the import page's button does: add the address; the learner follows the link.
        let response = app.add_email("marie@ecole.fr").await;
        assert!(response.status().is_success(), "{}", response.status());
        let (_, body) = app.import(&[("marie.json", badge.clone())]).await;
        assert_eq!(
            outcomes(&body),
            ["refused"],
            "an unverified address does not count"
        );
        let link = app.next_link("marie@ecole.fr").await;
        assert_eq!(
            location_of(&app.follow_link(&link).await),
            "/verify-email?confirmed"
        );
        let (_, body) = app.import(&[("marie.json", badge)]).await;
        assert_eq!(outcomes(&body), ["added"], "{body}");
        assert_eq!(body["results"][0]["badge"]["name"], "Remplir un formulaire");

        // Its page tells who to contact at the issuer and which skill it stands for.
        let id = body["results"][0]["badge"]["id"].to_string();
        let (status, html) = app.get_html(&format!("/badges/{id}")).await;
        assert_eq!(status, 200);
        for shown in [
            "contact@lycee.besace.test",
            "Compléter un document administratif",
            "Référentiel Démo · ADM-2",
            "https://lycee.besace.test/referentiel#formulaires",
        ] {
            assert!(html.contains(shown), "{shown} missing from the badge page");
        }
    }
);
