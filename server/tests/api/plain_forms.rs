//! The app's forms posted by a browser without the wasm (a slow phone, or before it
//! arrives): each comes back to its page with its error or its success said in place, at
//! the control the learner used (`server/src/plain_forms.rs`, `app::pages::posted`).
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;

/// The redirect's address, relative to the server, and the page it leads to.
async fn back(app: &TestApp, response: reqwest::Response) -> (String, String) {
    assert!(
        [302, 303].contains(&response.status().as_u16()),
        "a plain post goes back to its page: {}",
        response.status()
    );
    let location = response.headers()[header::LOCATION].to_str().unwrap().to_owned();
    let path = location
        .strip_prefix(&app.address)
        .unwrap_or(&location)
        .to_owned();
    let (status, page) = app.get_html(path.split('#').next().unwrap()).await;
    assert_eq!(status, 200, "{path}: {page}");
    (path, page)
}

on_both_databases!(
    a_form_without_the_wasm_says_how_it_went_where_the_learner_was,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let change = |current: &'static str, focus: &'static str| {
            let app = &app;
            async move {
                let form = [
                    ("current_password", current),
                    ("new_password", "Un autre vélo, bleu celui-là"),
                    ("__focus", focus),
                ];
                app.post_page_form_from("/settings", "/api/change_password", &form)
                    .await
            }
        };

        // A wrong password: the error, in place, and nothing changed.
        let (path, page) = back(&app, change("pas le bon", "settings-password").await).await;
        assert_eq!(
            path,
            "/settings?__path=%2Fapi%2Fchange_password&error=WrongPassword#settings-password"
        );
        assert!(page.contains("This is not your current password."), "{page}");
        assert!(page.contains(r#"role="alert""#), "{page}");
        assert!(!page.contains("Your password has been changed"), "{page}");
        assert!(!page.contains("WrongPassword"), "no raw error: {page}");
        let other = app.new_browser();
        assert_eq!(other.login(LEARNER, PASSWORD).await.status(), 200);

        // The right one, posted from the page that said the error: the notice, in place,
        // and the error is gone. A hostile `__focus` is dropped, never written into the
        // address.
        let from = "/settings?__path=%2Fapi%2Fchange_password&error=WrongPassword";
        let form = [
            ("current_password", PASSWORD),
            ("new_password", "Un autre vélo, bleu celui-là"),
            ("__focus", "\"><script>alert(1)</script>"),
        ];
        let response = app.post_page_form_from(from, "/api/change_password", &form).await;
        let (path, page) = back(&app, response).await;
        assert_eq!(path, "/settings?__done=%2Fapi%2Fchange_password");
        assert!(page.contains("Your password has been changed."), "{page}");
        assert!(!page.contains("This is not your current password."), "{page}");

        // Another form's notice is its own: the language form says it is saved, in the
        // new language, and the password's notice is not shown again.
        let form = [("language", "fr"), ("__focus", "settings-language")];
        let response = app
            .post_page_form_from("/settings", "/api/set_language", &form)
            .await;
        let (path, page) = back(&app, response).await;
        assert_eq!(path, "/settings?__done=%2Fapi%2Fset_language#settings-language");
        assert!(page.contains("Votre langue a été enregistrée."), "{page}");
        assert!(!page.contains("mot de passe a été changé"), "{page}");

        // An address made up by hand in server_fn's own form is a bad request (Leptos's
        // router reads it for the page's actions), and the page shows at most one of the
        // app's sentences.
        let (status, page) = app
            .get_html("/settings?__path=%2Fapi%2Fchange_password&__err=%3Cscript%3E")
            .await;
        assert_eq!(status, 400);
        assert!(
            page.contains("Changer de mot de passe"),
            "the page, in French now: {page}"
        );
        assert!(!page.contains("<script>alert"), "{page}");
    }
);

on_both_databases!(
    the_collection_editor_without_the_wasm_comes_back_to_the_badge_moved,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let badges = app.import_ids(&["di-expired.json", "baked-di.png"]).await;
        let collection = app.create_collection("Stage").await;
        let id = collection.as_str();
        for badge in &badges {
            app.add_to(id, badge).await;
        }
        let page = format!("/collections/{id}");
        let (_, before) = app.get_html(&page).await;
        let first = &badges[0];
        assert!(
            before.contains(&format!(r#"name="__focus" value="down-{first}""#)),
            "every form names its control: {before}"
        );
        let form = [
            ("id", id),
            ("badge_id", first.as_str()),
            ("up", "false"),
            ("__focus", &format!("down-{first}")),
        ];
        let response = app
            .post_page_form_from(&page, "/api/move_collection_badge", &form)
            .await;
        let (path, after) = back(&app, response).await;
        assert_eq!(
            path,
            format!("{page}?__done=%2Fapi%2Fmove_collection_badge#down-{first}")
        );
        let position = |id: &str| after.find(&format!(r#"id="down-{id}""#)).unwrap();
        assert!(position(&badges[1]) < position(first), "moved down: {after}");
    }
);
