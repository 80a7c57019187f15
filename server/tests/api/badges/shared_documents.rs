//! Issuers' documents are kept across badges with their HTTP caching headers: the
//! background check asks an issuer only for what may have changed (each hosted assertion,
//! conditionally), while the learner's "check again" still sees a revocation at once.
use crate::helpers::*;
use crate::on_both_databases;
use besace_badges::issue::{disc_png, BadgeSpec, HostedIssuer};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const OB2: &str = "https://w3id.org/openbadges/v2";

/// An issuer on `site` with a profile (listing its key and revocation list), a badge
/// class, `hosted` hosted assertions and `signed` signed ones (JWS); answers the hosted
/// URLs and the signed badges' JWS and ids. The profile says `no-cache`, as many sites do;
/// the rest stays fresh an hour.
fn issue(site: &IssuerSite, hosted: usize, signed: usize) -> (Vec<String>, Vec<(String, String)>) {
    let base = &site.base;
    let pem = String::from_utf8(library_fixture("keys/test-issuer.pem")).unwrap();
    let issuer = HostedIssuer::new(&pem, base).unwrap();
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let spec = |id: String| BadgeSpec {
        id: leak(id),
        issuer_name: "Centre bien tenu",
        issuer_url: "https://bien-tenu.example/",
        achievement_id: leak(format!("{base}/badges/accueil.json")),
        name: "Accueillir le public",
        description: "Accueille et oriente les visiteurs.",
        criteria: "Observé pendant un mois.",
        image_url: leak(format!("{base}/badges/accueil.png")),
        recipient_email: LEARNER,
        valid_from: "2026-10-01T09:00:00Z",
        ..Default::default()
    };
    let first = spec(format!("{base}/assertions/0.json"));
    let mut profile = issuer.profile(&first);
    profile["revocationList"] = json!(format!("{base}/revocations.json"));
    site.put("/issuer.json", profile.to_string(), "no-cache");
    site.put("/key.json", issuer.key().unwrap().to_string(), "max-age=3600");
    let class = issuer.badge_class(&first).to_string();
    site.put("/badges/accueil.json", class, "public, max-age=3600");
    site.put("/badges/accueil.png", disc_png(32, [200, 80, 20]), "max-age=3600");
    revoke(site, &[]);
    let hosted = (0..hosted)
        .map(|n| {
            let spec = spec(format!("{base}/assertions/{n}.json"));
            let assertion = issuer.assertion(&spec, false).to_string();
            site.put(&format!("/assertions/{n}.json"), assertion, "max-age=3600");
            spec.id.to_owned()
        })
        .collect();
    let signed = (0..signed)
        .map(|n| {
            let spec = spec(format!("{base}/signed/{n}.json"));
            let jws = issuer.sign(&issuer.assertion(&spec, true)).unwrap();
            (jws, spec.id.to_owned())
        })
        .collect();
    (hosted, signed)
}

/// The issuer's revocation list, naming `revoked` (fresh for an hour).
fn revoke(site: &IssuerSite, revoked: &[&str]) {
    let entries: Vec<Value> = revoked
        .iter()
        .map(|id| json!({ "id": id, "revocationReason": "Délivré par erreur" }))
        .collect();
    let list = json!({
        "@context": OB2,
        "id": format!("{}/revocations.json", site.base),
        "type": "RevocationList",
        "issuer": format!("{}/issuer.json", site.base),
        "revokedAssertions": entries
    });
    site.put("/revocations.json", list.to_string(), "max-age=3600");
}

/// Imports the badges and answers their ids, all verified.
async fn import_all(app: &TestApp, hosted: &[String], signed: &[(String, String)]) -> Vec<String> {
    let mut fields: Vec<(&str, String)> = hosted.iter().map(|url| ("url", url.clone())).collect();
    fields.extend(signed.iter().map(|(jws, _)| ("text", jws.clone())));
    let (status, body) = app.import_fields(&fields).await;
    assert_eq!(status, 200, "{body}");
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            assert_eq!(result["outcome"], "added", "{result}");
            assert_eq!(result["badge"]["status"], "verified", "{result}");
            result["badge"]["id"].to_string()
        })
        .collect()
}

on_both_databases!(
    background_checks_ask_issuers_only_for_each_hosted_assertion_conditionally,
    |db: TestDb| async move {
        let site = IssuerSite::start().await;
        let (hosted, signed) = issue(&site, 3, 3);
        let app = db
            .spawn_app_with(|args| {
                args.allow_private_network = true;
                args.reverify_every = Duration::from_secs(2).into();
            })
            .await;
        app.learner_with_verified(LEARNER).await;
        let ids = import_all(&app, &hosted, &signed).await;
        // From here on, the background checks alone.
        site.forget_asked();
        let start = Instant::now();
        for id in &ids {
            while app.badge(id).await["history"].as_array().unwrap().len() < 2 {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "badge {id} was not checked again"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let asked = site.asked();
        // Only the hosted assertions, each with its validator, each unchanged: the profile
        // (`no-cache`, kept for the floor), key, class and revocation list were reused.
        let paths: BTreeSet<&str> = asked.iter().map(|asked| asked.path.as_str()).collect();
        let expected: BTreeSet<&str> =
            ["/assertions/0.json", "/assertions/1.json", "/assertions/2.json"].into();
        assert_eq!(paths, expected, "{asked:?}");
        assert!(
            asked.iter().all(|asked| asked.conditional && asked.status == 304),
            "{asked:?}"
        );
        for id in &ids {
            assert_eq!(app.badge(id).await["status"], "verified");
        }
    }
);

on_both_databases!(
    the_learners_check_again_sees_a_revocation_the_kept_documents_do_not_know_yet,
    |db: TestDb| async move {
        let site = IssuerSite::start().await;
        let (hosted, signed) = issue(&site, 1, 1);
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let ids = import_all(&app, &hosted, &signed).await;
        // Both revoked at the issuer's, though the kept copies say fresh for an hour.
        site.put_status("/assertions/0.json", 410, "", "max-age=3600");
        revoke(&site, &[signed[0].1.as_str()]);
        for id in &ids {
            let detail = app.badge_call("verify_badge_again", id).await;
            assert_eq!(detail["status"], "revoked", "{detail}");
        }
        // The revocation list was asked again conditionally and had changed.
        let list: Vec<Asked> = site
            .asked()
            .into_iter()
            .filter(|asked| asked.path == "/revocations.json")
            .collect();
        assert!(
            list.last()
                .is_some_and(|asked| asked.conditional && asked.status == 200),
            "{list:?}"
        );
    }
);
