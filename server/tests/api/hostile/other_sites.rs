//! Markup in badge and collection text, as it leaves for other sites: Mahara writes a
//! badge's name and picture into attributes as they come, Moodle shows an issuer's name
//! and a criteria narrative as they come. What Besace hands them opens no tag, closes no
//! attribute and links nowhere but the web.
use super::{hostile_badge, SCRIPT};
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

/// Every string in the answer, wherever it is.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Object(map) => map.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}

fn assert_no_markup(what: &str, answer: &Value) {
    let mut all = Vec::new();
    strings(answer, &mut all);
    for text in all {
        assert!(
            !text.contains(['<', '>', '"']),
            "{what} carries markup: {text:?} in {answer}"
        );
        assert!(
            !text.to_lowercase().starts_with("javascript:"),
            "{what} carries a script link: {text:?}"
        );
    }
}

on_both_databases!(
    hostile_text_leaves_for_mahara_and_moodle_inert,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let (status, imported) = app.import(&[("hostile.json", hostile_badge())]).await;
        assert_eq!(status, 200, "{imported}");
        assert_eq!(imported["results"][0]["outcome"], "added", "{imported}");
        let badge = imported["results"][0]["badge"]["id"].to_string();
        let collection = app.create_collection(&format!("Atelier {SCRIPT}")).await;
        app.add_to(&collection, &badge).await;
        app.publish(&collection, true).await;

        app.set_eportfolio(true).await;
        let mahara = Mahara::new(&app.address);
        let uid = mahara.user_id(LEARNER).await.unwrap();
        let groups = mahara.group_names(&uid).await;
        assert_eq!(groups.len(), 1);
        let (status, html, json) = mahara.group_html(&uid, groups[0].0).await;
        assert_eq!(status, 200);
        assert_no_markup("the Displayer", &json);
        // Mahara's own concatenation gives one tag with its four attributes, nothing more.
        assert_eq!(html.matches('<').count(), 1, "{html}");
        assert_eq!(html.matches('"').count(), 10, "{html}");
        assert!(html.contains("Être ponctuel"), "{html}");

        let password = app.platform_password("Moodle", "published").await;
        let mut moodle = MoodleBackpack::new(&app.url("/v2"));
        assert!(matches!(
            moodle.authenticate(LEARNER, &password).await,
            MoodleSignIn::Connected { .. }
        ));
        let collections = moodle.collections().await;
        assert_no_markup("the collections", &Value::Array(collections.clone()));
        let badges = moodle.badges(collections[0]["entityId"].as_str().unwrap()).await;
        assert_no_markup("the assertion", &badges[0]);
        assert_eq!(badges[0]["badgeclass"]["issuer"]["url"], "", "{}", badges[0]);
    }
);
