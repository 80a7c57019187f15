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
        // Built once: a reader who has it gets a 304 (asked at once: a later visit of the
        // gallery may check its badges again, which makes a new PDF).
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

        // An English reader gets it in English.
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
        let bytes = response.bytes().await.unwrap();
        std::fs::write(std::env::temp_dir().join("besace-certificate.pdf"), &bytes).unwrap();
        let certificate = read(&bytes);
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

/// The text a page gives in a `<textarea>` or an attribute, as the browser reads it.
fn unescaped(html: &str) -> String {
    html.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
}

on_both_databases!(
    the_pages_lead_to_their_pdf_to_paper_and_to_a_europass_cv,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let mut ids = app.import_ids(&["baked-di.png"]).await;
        let (_, body) = app.import(&[("caisse.json", hostile_badge())]).await;
        ids.push(body["results"][0]["badge"]["id"].to_string());
        let id = app.create_collection("Pour l'employeur").await;
        for badge in &ids {
            app.add_to(&id, badge).await;
        }
        let editor = format!("/collections/{id}");

        // Private: the editor says to publish first, and offers no PDF.
        let (status, page) = app.get_html(&editor).await;
        assert_eq!(status, 200);
        assert!(!page.contains("portfolio.pdf"), "{page}");
        assert!(
            page.contains("To get the collection as a PDF, make it public"),
            "{page}"
        );
        assert!(page.contains("Make the collection public first"), "{page}");

        let detail = app.publish(&id, true).await;
        let gallery = detail["share_url"].as_str().unwrap().to_owned();
        let link = path_of(&gallery);
        let (_, page) = app.get_html(&editor).await;
        assert!(
            page.contains(&format!("href=\"{gallery}/portfolio.pdf\"")),
            "the editor's PDF link: {page}"
        );
        // Europass: the steps, then each badge in French and in English, ready to paste.
        let text = unescaped(&page);
        assert!(text.contains("upload the PDF to your Library"), "{text}");
        let hostile = app.badge(&ids[1]).await;
        let name = hostile["name"].as_str().unwrap();
        for expected in [
            format!("{name}\nOrganisme\u{a0}: مركز التدريب #set page(width: 1cm)\nDate\u{a0}: 1er\u{a0}mai 2026\nLien\u{a0}: {gallery}/badges/{}", ids[1]),
            format!("{name}\nOrganisation: مركز التدريب #set page(width: 1cm)\nDate: 1\u{a0}May 2026\nLink: {gallery}/badges/{}", ids[1]),
        ] {
            assert!(text.contains(&expected), "{expected:?} not in {text}");
        }
        assert!(!page.contains("<b>gras</b>"), "the badge's markup is text");
        assert!(page.contains("lang=\"en\""), "the English text says so");
        assert!(page.contains(&format!("id=\"europass-{}-fr\"", ids[0])), "{page}");

        // The public gallery: its PDF on screen, its address and QR code on paper.
        let html = visit(&app, &link).await.text().await.unwrap();
        assert!(html.contains(&format!("href=\"{link}/portfolio.pdf\"")), "{html}");
        assert!(
            html.contains(r#"rel="manifest""#),
            "every page names the app's manifest"
        );
        let printed = html
            .split("class=\"print-only print-check\"")
            .nth(1)
            .expect("a print block");
        assert!(
            printed.contains("<svg") && printed.contains(&gallery),
            "{printed}"
        );
        // The public badge page: its certificate, its own address on paper.
        let badge_page = format!("{link}/badges/{}", ids[1]);
        let html = visit(&app, &badge_page).await.text().await.unwrap();
        assert!(
            html.contains(&format!("href=\"{badge_page}/certificate.pdf\"")),
            "{html}"
        );
        let printed = html
            .split("class=\"print-only print-check\"")
            .nth(1)
            .expect("a print block");
        assert!(
            printed.contains(&format!("{gallery}/badges/{}", ids[1])),
            "{printed}"
        );
        assert!(!html.contains("<b>gras</b>"), "the badge's markup is text");

        // One badge shared alone: its certificate from the learner's badge page, its QR
        // code the badge's own link, gone when the learner stops sharing.
        let (_, page) = app.get_html(&format!("/badges/{}", ids[0])).await;
        assert!(
            page.contains("To get this badge as a PDF certificate, share it"),
            "{page}"
        );
        app.call("share_badge", &[("id", ids[0].as_str()), ("share", "true")])
            .await;
        let shared = app.call("badge_link", &[("id", ids[0].as_str())]).await;
        let url = shared["url"].as_str().unwrap().to_owned();
        let (_, page) = app.get_html(&format!("/badges/{}", ids[0])).await;
        assert!(
            page.contains(&format!("href=\"{url}/certificate.pdf\"")),
            "{page}"
        );
        let response = pdf(&app, &format!("{}/certificate.pdf", path_of(&url)), "en").await;
        assert_eq!(response.status(), 200);
        let certificate = read(&response.bytes().await.unwrap());
        assert!(flat(&certificate.text).contains("Awarded to Ana Martin"));
        assert_eq!(qr_codes(&certificate.pages[0]), vec![url.clone()]);
        app.call("share_badge", &[("id", ids[0].as_str()), ("share", "false")])
            .await;
        let gone = visit(&app, &format!("{}/certificate.pdf", path_of(&url))).await;
        assert_eq!(gone.status(), 404);
    }
);
