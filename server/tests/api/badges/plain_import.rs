//! The import page without the wasm: its forms post multipart to `POST /import`, as a
//! browser sends them, and the page comes back with each result, said in words a learner
//! uses, once.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::{
    header,
    multipart::{Form, Part},
    Response,
};

/// The file form as a browser posts it: every chosen file, or one empty part when none is.
async fn post_files(app: &TestClient, files: &[(&str, Vec<u8>)]) -> Response {
    let form = if files.is_empty() {
        Form::new().part("file", Part::bytes(Vec::new()).file_name(""))
    } else {
        files.iter().fold(Form::new(), |form, (name, bytes)| {
            form.part("file", Part::bytes(bytes.clone()).file_name(name.to_string()))
        })
    };
    app.client
        .post(app.url("/import"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn french_page(app: &TestClient, path: &str) -> String {
    app.client
        .get(app.url(path))
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

on_both_databases!(
    the_import_page_works_without_the_wasm_and_says_what_to_do,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let page = french_page(&app, "/import").await;
        for form in [r#"name="file""#, r#"name="url""#, r#"name="text""#] {
            assert!(page.contains(form), "{form} is on the page");
        }
        assert_eq!(form_count(&page), 3, "three plain forms post to /import");
        assert!(page.contains("Choisir mes badges"));
        assert!(page.contains("Autres façons"));

        let picture = besace_server::share::qr_code_png("https://example.org/ma-photo");
        let response = post_files(
            &app,
            &[
                ("parler-en-public.png", fixture("baked-di.png")),
                ("photo.png", picture),
                (
                    "attestation.pdf",
                    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
                ),
                (
                    "<img src=x onerror=alert(1)>.png",
                    fixture("di-tampered-name.json"),
                ),
            ],
        )
        .await;
        let done = location(&response);
        assert!(
            done.starts_with("/import?done=") && done.ends_with("#results"),
            "{done}"
        );
        assert_eq!(
            app.badges().await.len(),
            1,
            "the genuine badge is in the backpack"
        );

        let page = french_page(&app, &done).await;
        assert!(
            page.contains("Ajoutés\u{a0}: 1 · Non ajoutés\u{a0}: 3"),
            "the summary line"
        );
        assert!(page.contains("Parler en public"));
        assert!(page.contains("C'est une image ordinaire, sans badge à l'intérieur."));
        assert!(page.contains("C'est un document (PDF ou traitement de texte), pas un badge."));
        assert!(page.contains("Besace n'a pas pu prouver que ce badge vient bien de l'organisme"));
        // A file's name is the learner's (or anyone's) text: shown, never markup.
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;.png"));
        assert!(!page.contains("<img src=x"));
        // None of these can pass by being sent again: no "try again" is offered.
        assert!(!page.contains("Réessayer"));
        // A reload shows the same; the page alone, or another learner's batch, shows none.
        assert!(french_page(&app, &done)
            .await
            .contains("Ajoutés\u{a0}: 1 · Non ajoutés\u{a0}: 3"));
        assert!(!french_page(&app, "/import").await.contains("Non ajoutés"));
        let other = app.new_browser();
        other.login(LEARNER, PASSWORD).await;
        assert!(!french_page(&other, &done).await.contains("Non ajoutés"));

        // The button pressed with nothing chosen: the page says what to do.
        let response = post_files(&app, &[]).await;
        let back = location(&response);
        assert_eq!(back, "/import?error=NothingToImport#import-form");
        let page = french_page(&app, &back).await;
        assert!(page.contains("Choisissez d'abord un badge sur votre appareil"));

        // A link, from the folded form.
        let form = Form::new().text("url", "http://127.0.0.1:9/badge.json");
        let response = app
            .client
            .post(app.url("/import"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .multipart(form)
            .send()
            .await
            .unwrap();
        let done = location(&response);
        let (_, page) = app.get_html(&done).await;
        assert!(
            page.contains("http://127.0.0.1:9/badge.json"),
            "a link is named by itself"
        );
        assert!(page.contains("Not added: 1"));
        assert_eq!(app.badges().await.len(), 1, "nothing refused is stored");

        // Logged out, the form leads to the login page, and back here after it.
        let visitor = app.new_browser();
        let response = post_files(&visitor, &[("a.png", fixture("baked-di.png"))]).await;
        assert_eq!(location(&response), "/login?next=%2Fimport");
    }
);

fn form_count(page: &str) -> usize {
    page.matches(r#"action="/import""#).count()
}
