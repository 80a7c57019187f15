//! Besace as an installed phone app, through the doors a phone uses: the manifest Chromium
//! reads to install it (the shape of the W3C Web App Manifest and its `share_target`, as
//! Chromium's share sheet posts to it), the service worker's script, and the share sheet's
//! multipart post of a badge file or a link, logged in or not.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::{
    header,
    multipart::{Form, Part},
    Response,
};
use serde_json::Value;

async fn manifest(app: &TestClient, lang: &str) -> Value {
    let response = app
        .client
        .get(app.url("/manifest.webmanifest"))
        .header(header::ACCEPT_LANGUAGE, lang)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/manifest+json"
    );
    response.json().await.unwrap()
}

/// A PNG's width and height, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[1..4], b"PNG");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// What Chromium posts when a file and a link are shared with the installed app: the
/// manifest's `params` names, `multipart/form-data`, from no page (`Sec-Fetch-Site: none`).
async fn share(browser: &TestClient, parts: Form) -> Response {
    browser
        .client
        .post(browser.url("/share-target"))
        .header("sec-fetch-site", "none")
        .header(header::ORIGIN, "null")
        .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .multipart(parts)
        .send()
        .await
        .unwrap()
}

fn shared_file(name: &str, bytes: Vec<u8>, media_type: &str) -> Form {
    Form::new()
        .text("title", "Votre badge")
        .text("text", "")
        .text("url", "")
        .part(
            "files",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str(media_type)
                .unwrap(),
        )
}

on_both_databases!(
    the_app_installs_from_its_manifest_and_its_worker_knows_the_build,
    |db: TestDb| async move {
        std::fs::create_dir_all(db.site_dir()).unwrap();
        let worker =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../public/sw.js")).unwrap();
        std::fs::write(db.site_dir().join("sw.js"), &worker).unwrap();
        let app = db.spawn_app().await;

        let french = manifest(&app, "fr-FR,fr;q=0.9").await;
        assert_eq!(french["name"], "Besace, mes Open Badges");
        assert_eq!(french["lang"], "fr");
        assert_eq!(french["start_url"], "/backpack");
        assert_eq!(french["scope"], "/");
        assert_eq!(french["display"], "standalone");
        assert_eq!(french["theme_color"], "#2f5d50");
        let english = manifest(&app, "en-GB").await;
        assert_eq!(english["name"], "Besace, my Open Badges");
        assert_eq!(english["lang"], "en");
        // Every icon is there at its size; a maskable one of 192 and of 512 pixels.
        let icons = french["icons"].as_array().unwrap();
        for icon in icons {
            let path = icon["src"].as_str().unwrap();
            let bytes = std::fs::read(format!("{}/../public{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            let (width, height) = png_size(&bytes);
            assert_eq!(
                format!("{width}x{height}"),
                icon["sizes"].as_str().unwrap(),
                "{path}"
            );
        }
        for size in ["192x192", "512x512"] {
            assert!(icons
                .iter()
                .any(|icon| icon["sizes"] == size && icon["purpose"] == "maskable"));
        }
        let target = &french["share_target"];
        assert_eq!(target["action"], "/share-target");
        assert_eq!(target["method"], "POST");
        assert_eq!(target["enctype"], "multipart/form-data");
        assert_eq!(target["params"]["files"][0]["name"], "files");
        assert!(target["params"]["files"][0]["accept"]
            .as_array()
            .unwrap()
            .contains(&Value::from("image/png")));

        // Every page names the manifest; the learner's pages start the worker.
        let (_, landing) = app.get_html("/").await;
        assert!(
            landing.contains(r#"rel="manifest" href="/manifest.webmanifest""#),
            "{landing}"
        );
        assert!(landing.contains(r#"src="/web-app.js""#), "{landing}");

        // The worker: this build's name and both languages' words written in.
        let response = app.client.get(app.url("/sw.js")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"));
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        let script = response.text().await.unwrap();
        assert!(!script.contains("__BESACE_"), "every marker filled");
        let build = script
            .split("const BUILD = \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap();
        assert_eq!(build.len(), 16);
        assert!(build.chars().all(|c| c.is_ascii_hexdigit()), "{build}");
        assert!(script.contains("Hors ligne\u{a0}: vos badges tels qu'ils étaient le {when}."));
        assert!(script.contains("Offline: your badges as they were on {when}."));
    }
);

on_both_databases!(
    a_badge_shared_from_the_phone_is_imported_after_logging_in_if_need_be,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;

        // Logged in: the shared file goes through the import, and the import page says so.
        let response = share(
            &app,
            shared_file("badge.png", fixture("baked-di.png"), "image/png"),
        )
        .await;
        let done = location(&response);
        assert!(
            done.starts_with("/import?done=") && done.ends_with("#results"),
            "{done}"
        );
        assert_eq!(app.badges().await.len(), 1);
        let (_, page) = app.get_html(&done).await;
        assert!(page.contains("Added: 1"), "{page}");

        // Logged out (the session ended): kept while the learner logs in, then imported.
        let phone = app.new_browser();
        let token = String::from_utf8(fixture("jwt-eddsa.jwt")).unwrap();
        let parts = Form::new()
            .text("title", "Mon badge")
            .text("text", token.trim().to_owned())
            .text("url", "");
        let response = share(&phone, parts).await;
        assert_eq!(location(&response), "/login?next=%2Fshare-target");
        assert_eq!(app.badges().await.len(), 1, "nothing imported before logging in");
        phone.login(LEARNER, PASSWORD).await;
        let response = phone.get("/share-target").await;
        let done = location(&response);
        assert!(done.starts_with("/import?done="), "{done}");
        assert_eq!(app.badges().await.len(), 2, "the shared token is in the backpack");
        // Once: the kept items are gone from the session.
        let again = phone.get("/share-target").await;
        assert_eq!(location(&again), "/import");
        assert_eq!(app.badges().await.len(), 2);
    }
);

on_both_databases!(
    what_a_phone_shares_is_read_as_a_learner_means_it_and_hostile_text_is_refused_plainly,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;

        // A mail app shares a link as text, with words around it: it is fetched as a link
        // (here an address a server must not fetch), once even when also given as `url`.
        let link = "http://127.0.0.1:1/assertions/1";
        let parts = Form::new()
            .text("title", "Votre badge")
            .text("text", format!("Bonjour, voici votre badge : {link}."))
            .text("url", link);
        let done = location(&share(&app, parts).await);
        let (_, page) = app.get_html(&done).await;
        assert!(page.contains("Not added: 1"), "one link, tried once: {page}");
        assert!(page.contains(link), "{page}");

        // Markup, a title alone, an empty share: said plainly, nothing stored.
        let parts = Form::new()
            .text("title", "<script>alert(1)</script>")
            .text("text", "<img src=x onerror=alert(1)>")
            .text("url", "");
        let done = location(&share(&app, parts).await);
        let (_, page) = app.get_html(&done).await;
        assert!(!page.contains("<img src=x"), "shown as text, never markup");
        assert!(!page.contains("<script>alert(1)"));
        let parts = Form::new().text("title", "Rien").text("text", "").text("url", "");
        let back = location(&share(&app, parts).await);
        assert_eq!(back, "/import?error=NothingToImport#import-form");
        assert_eq!(app.badges().await.len(), 0);

        // Another site's page posting to it is refused, as every cross-site write is.
        let forged = app
            .client
            .post(app.url("/share-target"))
            .header("sec-fetch-site", "cross-site")
            .header(header::ORIGIN, "https://evil.example")
            .multipart(shared_file("badge.png", fixture("baked-di.png"), "image/png"))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 403);
        assert_eq!(app.badges().await.len(), 0);
    }
);
