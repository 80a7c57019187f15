//! Importing through `POST /api/badges/import` (multipart): files kept with their original
//! bytes, the same badge twice, forged and broken files, links and pasted text.
use super::{failed_checks, outcomes, reasons};
use crate::helpers::static_site as issuer_site;
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;

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
        // Its salted hash is of an address the learner added: it waits for that address's
        // link, rather than being refused with "add an address".
        assert_eq!(outcomes(&body), ["waiting"], "{body}");
        assert_eq!(body["results"][0]["awaiting_confirmation"], LEARNER);
        assert!(app.badges().await.is_empty());
        // A forged badge naming the same learner earns no advice about its recipient.
        let (_, body) = app
            .import(&[("forged.json", fixture("di-tampered-recipient.json"))])
            .await;
        assert_eq!(outcomes(&body), ["refused"]);
        assert_eq!(body["results"][0]["wrong_recipient"], false, "{body}");
        assert_eq!(body["results"][0]["reason"], "not_genuine");
        assert_eq!(body["results"][0]["retry"], false);
        assert_eq!(body["results"][0]["awaiting_confirmation"], Value::Null);
        assert_eq!(body["results"][0]["issued_to"], Value::Null);
        assert_eq!(
            location_of(&app.follow_link(&link).await),
            "/verify-email?confirmed&arrived=1",
            "the badge that waited is in"
        );
        assert_eq!(app.badges().await.len(), 1);

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
        // Each refusal is named for what the learner gave.
        assert_eq!(reasons(&body), ["not_genuine", "damaged", "not_a_badge", ""]);
        assert_eq!(app.badges().await.len(), 1, "nothing refused is stored");

        // Expired but genuine: kept, clearly marked.
        let (_, body) = app.import(&[("expired.json", fixture("di-expired.json"))]).await;
        assert_eq!(outcomes(&body), ["added"]);
        assert_eq!(body["results"][0]["badge"]["status"], "expired");
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
            // Nothing listens there: the site is down, which may pass.
            ("url", "http://127.0.0.1:1/badge.json".to_owned()),
            ("text", format!("\n  {}\n", jwt.trim())),
            ("text", "{ not a badge".to_owned()),
            // A link pasted in the text box is fetched like one given as a link.
            ("text", format!(" {site}/badges/parler.json\n")),
        ])
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        outcomes(&body),
        [
            "added",
            "refused",
            "too_large",
            "refused",
            "added",
            "refused",
            "already"
        ],
        "{body}"
    );
    assert_eq!(failed_checks(&body["results"][1]), ["hosted.fetch"]);
    assert_eq!(failed_checks(&body["results"][3]), ["hosted.fetch"]);
    assert_eq!(body["results"][4]["badge"]["name"], "Précision");
    assert_eq!(failed_checks(&body["results"][5]), ["extract"]);
    assert_eq!(
        reasons(&body),
        ["", "not_found", "", "unreachable", "", "damaged", ""]
    );
    let retries: Vec<bool> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["retry"] == true)
        .collect();
    assert_eq!(
        retries,
        [false, false, false, true, false, false, false],
        "only the site that is down"
    );

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
