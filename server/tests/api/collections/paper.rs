//! A published collection on paper: its portfolio PDF and one badge's certificate, read back
//! as a recruiter's tools read them (poppler's pdftotext and pdftoppm, a QR decoder), in the
//! reader's language, cached with an ETag, and gone with the link.
use super::visit;
use crate::helpers::*;
use crate::on_both_databases;
use besace_pdf::reading::{flat, margins_blank, qr_codes, read};
use reqwest::header;

const ESSAY: &str = "Tient la caisse et rend la monnaie sans erreur. ";

/// A badge whose text tries to be markup, runs right to left, and goes on for pages.
fn hostile_badge() -> Vec<u8> {
    use besace_badges::issue::BadgeSpec;
    let description = format!("{} {}", "Inconstitutionnellement".repeat(10), ESSAY.repeat(100));
    signed_ob3(
        6,
        &BadgeSpec {
            id: "urn:uuid:5c0e0000-0000-4000-8000-000000000006",
            issuer_name: "مركز التدريب #set page(width: 1cm)",
            issuer_url: "https://caisse.besace.test",
            achievement_id: "https://caisse.besace.test/badges/tenir-la-caisse",
            name: "Tenir la caisse *vite* $x$ <b>gras</b>",
            description: &description,
            criteria: "]) #panic(\"boum\") [",
            image_url: "https://caisse.besace.test/badges/tenir-la-caisse.png",
            recipient_email: LEARNER,
            salt: Some("sel"),
            valid_from: "2026-05-01T09:00:00Z",
            ..Default::default()
        },
    )
}

async fn pdf(app: &TestApp, path: &str, lang: &str) -> reqwest::Response {
    app.new_browser()
        .client
        .get(app.url(path))
        .header(header::ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .unwrap()
}

on_both_databases!(
    a_published_collection_prints_as_a_portfolio_and_each_badge_as_a_certificate,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let mut ids = app.import_ids(&["baked-di.png", "baked-jwt.svg"]).await;
        let (_, body) = app.import(&[("caisse.json", hostile_badge())]).await;
        ids.push(body["results"][0]["badge"]["id"].to_string());
        let id = app.create_collection("Pour l'employeur").await;
        for badge in &ids {
            app.add_to(&id, badge).await;
        }
        let names: Vec<String> = {
            let mut names = Vec::new();
            for badge in &ids {
                names.push(app.badge(badge).await["name"].as_str().unwrap().to_owned());
            }
            names
        };

        // Private: no PDF under a token that does not exist.
        let unknown = "/g/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/portfolio.pdf";
        assert_eq!(visit(&app, unknown).await.status(), 404);

        let detail = app.publish(&id, true).await;
        let gallery = detail["share_url"].as_str().unwrap().to_owned();
        let link = path_of(&gallery);
        let response = pdf(&app, &format!("{link}/portfolio.pdf"), "fr-FR,fr;q=0.9").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/pdf");
        let etag = response.headers()[header::ETAG].to_str().unwrap().to_owned();
        let bytes = response.bytes().await.unwrap();
        let portfolio = read(&bytes);
        let text = flat(&portfolio.text);
        for expected in [
            "Portfolio d'Open Badges",
            "Pour l'employeur",
            "Mes savoir-être",
            "Badges de Ana Martin",
            "Tenir la caisse *vite* $x$ <b>gras</b>",
            "]) #panic(\"boum\") [",
            "Délivré par",
            "Vérifiez maintenant",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text}");
        }
        for name in &names {
            assert!(text.contains(name.as_str()), "{name} not in {text}");
        }
        assert!(text.contains("Centre de formation"), "the issuers: {text}");
        assert!(!text.contains('@'), "never the learner's address: {text}");
        assert_eq!(
            text.matches("monnaie").count(),
            100,
            "the whole description, across page breaks"
        );
        assert!(
            portfolio.info.contains("Title:           Pour l'employeur"),
            "{}",
            portfolio.info
        );
        assert!(
            portfolio.info.contains("Author:          Ana Martin"),
            "{}",
            portfolio.info
        );
        assert!(
            portfolio.info.contains("Tagged:          yes"),
            "{}",
            portfolio.info
        );
        assert!(portfolio.info.contains("(A4)"), "{}", portfolio.info);
        assert!(portfolio.pages.len() >= 2, "the long description runs on");
        // Every page leads back to the live gallery, and nothing runs into the margins.
        for page in &portfolio.pages {
            assert_eq!(qr_codes(page), vec![gallery.clone()]);
            assert!(margins_blank(page, 12.0));
        }
        assert_eq!(
            visit(&app, &path_of(&gallery)).await.status(),
            200,
            "the QR code opens the gallery"
        );

        // Built once: a reader who has it gets a 304; an English reader gets it in English.
        let again = app
            .new_browser()
            .client
            .get(app.url(&format!("{link}/portfolio.pdf")))
            .header(header::ACCEPT_LANGUAGE, "fr")
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        let english = pdf(&app, &format!("{link}/portfolio.pdf"), "en").await;
        let english = flat(&read(&english.bytes().await.unwrap()).text);
        assert!(
            english.contains("Open Badges portfolio") && english.contains("Issued by"),
            "{english}"
        );

        // One badge's certificate: its own name as the title, its page behind the QR code.
        let badge_page = format!("{gallery}/badges/{}", ids[0]);
        let response = pdf(&app, &format!("{link}/badges/{}/certificate.pdf", ids[0]), "fr").await;
        assert_eq!(response.status(), 200);
        let certificate = read(&response.bytes().await.unwrap());
        let text = flat(&certificate.text);
        assert!(
            text.contains("Certificat Open Badge") && text.contains("Attribué à Ana Martin"),
            "{text}"
        );
        assert!(text.contains(names[0].as_str()), "{text}");
        assert!(!text.contains(names[1].as_str()), "only this badge: {text}");
        assert_eq!(qr_codes(&certificate.pages[0]), vec![badge_page]);
        let outside = format!("{link}/badges/999999/certificate.pdf");
        assert_eq!(visit(&app, &outside).await.status(), 404);

        // Unpublished: both die with the link, cached or not.
        app.publish(&id, false).await;
        assert_eq!(visit(&app, &format!("{link}/portfolio.pdf")).await.status(), 404);
        let certificate = format!("{link}/badges/{}/certificate.pdf", ids[0]);
        assert_eq!(visit(&app, &certificate).await.status(), 404);
    }
);
