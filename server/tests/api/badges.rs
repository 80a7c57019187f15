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
    let path = format!("{}/badges/fixtures/ob3/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

impl TestClient {
    /// Imports files in one request; answers the status and the per-file results.
    pub async fn import(&self, files: &[(&str, Vec<u8>)]) -> (u16, Value) {
        let mut form = Form::new();
        for (name, bytes) in files {
            form = form.part("file", Part::bytes(bytes.clone()).file_name(name.to_string()));
        }
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
        let response = self.client.get(self.url("/api/badges")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["badges"].as_array().unwrap().clone()
    }
}

impl TestApp {
    /// Signs up `email` and follows the mailed link, so badges issued to it can be imported.
    pub async fn learner_with_verified(&self, email: &str) {
        self.signup(email, "Ana Martin", PASSWORD).await;
        let link = self.next_link(email).await;
        assert_eq!(self.get_html(&link).await.0, 200);
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
        // Signed up with the badge's address but not verified yet: it does not count.
        app.signup(LEARNER, "Ana", PASSWORD).await;
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
        app.get(&link).await;

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

on_both_databases!(badges_are_only_their_owner_s, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.learner_with_verified(LEARNER).await;
    let (_, body) = app.import(&[("a.png", fixture("baked-di.png"))]).await;
    let id = body["results"][0]["badge"]["id"].to_string();
    let original = format!("/api/badges/{id}/original");

    let other = app.new_browser();
    other.signup("jean@ecole.fr", "Jean", PASSWORD).await;
    let response = other.client.get(other.url(&original)).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(other.badges().await.is_empty());

    let anonymous = app.new_browser();
    for path in ["/api/badges", original.as_str()] {
        let response = anonymous.client.get(anonymous.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let (status, _) = anonymous.import(&[("a.png", fixture("baked-di.png"))]).await;
    assert_eq!(status, 401);
});

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
