//! One rule for every door: what an import keeps (a genuine badge, expired or revoked,
//! clearly marked), the push APIs keep too, whatever its proof (Data Integrity or VC-JWT).
use crate::helpers::*;
use crate::on_both_databases;
use besace_badges::issue::{ob3_credential, BadgeSpec, DidKeyIssuer};
use reqwest::header;

fn spec(id: &str) -> BadgeSpec<'_> {
    BadgeSpec {
        id,
        issuer_name: "Centre de formation Démo",
        issuer_url: "https://demo.besace.test",
        achievement_id: "https://demo.besace.test/badges/accueil",
        name: "Accueillir un client",
        description: "Accueillir un client au comptoir.",
        criteria: "Une mise en situation réussie.",
        image_url: "https://demo.besace.test/badges/accueil.png",
        recipient_email: LEARNER,
        salt: Some("sel"),
        valid_from: "2025-01-10T09:00:00Z",
        tags: &[],
        issuer_email: None,
        alignments: &[],
    }
}

/// An expired credential: Data Integrity (`validUntil` passed) or VC-JWT (`exp` passed).
fn expired(id: &str, jwt: bool) -> Vec<u8> {
    let issuer = DidKeyIssuer::from_seed([31; 32]);
    let spec = spec(id);
    let mut credential = ob3_credential(&issuer, &spec);
    if jwt {
        let nbf = chrono::DateTime::parse_from_rfc3339(spec.valid_from)
            .unwrap()
            .timestamp();
        return issuer.sign_jwt(&credential, nbf, Some(nbf + 86_400)).into_bytes();
    }
    credential["validUntil"] = "2025-02-10T09:00:00Z".into();
    serde_json::to_vec(&issuer.sign(credential, spec.valid_from).unwrap()).unwrap()
}

on_both_databases!(
    an_expired_badge_is_kept_marked_by_every_door,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;

        // Manual import (a file) and paste: kept, marked expired.
        let (_, body) = app
            .import(&[(
                "expire.json",
                expired("urn:uuid:d0025000-0000-4000-8000-000000000001", false),
            )])
            .await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        assert_eq!(body["results"][0]["badge"]["status"], "expired");
        let jwt = String::from_utf8(expired("urn:uuid:d0025000-0000-4000-8000-000000000002", true)).unwrap();
        let (_, body) = app.import_fields(&[("text", jwt)]).await;
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
        assert_eq!(body["results"][0]["badge"]["status"], "expired");

        // The OB 3.0 push: both proofs taken (201), and kept the same way once accepted.
        let platform = Platform::register_ob30(&app).await;
        let tokens = connect(&platform, &app, UPSERT).await;
        for (body, content_type) in [
            (
                expired("urn:uuid:d0025000-0000-4000-8000-000000000003", false),
                "application/json",
            ),
            (
                expired("urn:uuid:d0025000-0000-4000-8000-000000000004", true),
                "text/plain",
            ),
        ] {
            let response = platform
                .http
                .post(app.url("/ims/ob/v3p0/credentials"))
                .bearer_auth(&tokens.access)
                .header(header::CONTENT_TYPE, content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                201,
                "{content_type}: {}",
                response.text().await.unwrap()
            );
        }
        let (_, inbox) = app.get_html("/inbox").await;
        for id in form_ids(&inbox, "/api/accept_inbox") {
            submit(&app, "/api/accept_inbox", &[("id", &id)]).await;
        }
        let badges = app.badges().await;
        let statuses: Vec<&str> = badges.iter().map(|b| b["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["expired"; 4], "{badges:?}");
    }
);

on_both_databases!(
    an_expired_badge_is_renewed_through_its_issuers_refresh_service,
    |db: TestDb| async move {
        // The issuer's refresh service on 127.0.0.1 answers the renewed credential.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let service = format!("http://{}/credentials/renew/1", listener.local_addr().unwrap());
        let issuer = DidKeyIssuer::from_seed([31; 32]);
        let spec = spec("urn:uuid:d0025000-0000-4000-8000-000000000010");
        let with_refresh = |valid_until: &str| {
            let mut credential = ob3_credential(&issuer, &spec);
            credential["validUntil"] = valid_until.into();
            credential["refreshService"] =
                serde_json::json!({"id": service, "type": "1EdTechCredentialRefresh"});
            serde_json::to_vec(&issuer.sign(credential, spec.valid_from).unwrap()).unwrap()
        };
        let old = with_refresh("2025-02-10T09:00:00Z");
        let renewed = with_refresh("2030-02-10T09:00:00Z");
        let router = axum::Router::new().route(
            "/credentials/renew/1",
            axum::routing::get(move || async move { renewed.clone() }),
        );
        tokio::spawn(async move { axum::serve(listener, router).await });

        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let (_, body) = app.import(&[("old.json", old)]).await;
        assert_eq!(body["results"][0]["badge"]["status"], "expired", "{body}");
        let id = body["results"][0]["badge"]["id"].to_string();
        let (_, page) = app.get_html(&format!("/badges/{id}")).await;
        assert!(page.contains("Get the renewed badge"), "{page}");

        let renewed = app.badge_call("renew_badge", &id).await;
        assert_eq!(renewed["status"], "verified", "{renewed}");
        assert_eq!(renewed["id"].to_string(), id, "the same badge, renewed in place");
        assert!(renewed["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|line| line["renewed"] == true));
        let (_, page) = app.get_html(&format!("/badges/{id}")).await;
        assert!(!page.contains("Get the renewed badge"));
        assert!(page.contains("Renewed by its issuer"), "{page}");
        // Asked again: nothing newer (the same bytes), a plain answer, the badge unchanged.
        let response = app.post_form("/api/renew_badge", &[("id", &id)]).await;
        assert_error(response, 422, "NoRenewal").await;
        assert_eq!(app.badges().await[0]["status"], "verified");
    }
);
