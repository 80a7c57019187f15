//! A collection is its owner's only, and needs a sensible name.
use super::ids_of;
use crate::helpers::*;
use crate::on_both_databases;

on_both_databases!(
    another_learner_can_neither_read_nor_change_a_collection,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        app.learner_with_verified(LEARNER).await;
        let badges = app.import_ids(&["baked-di.png"]).await;
        let badge = badges[0].as_str();
        let collection = app.create_collection("Stage").await;
        let id = collection.as_str();
        app.add_to(id, badge).await;

        let other = app.new_browser();
        other
            .signup("bruno.leroy@example.org", "Bruno Leroy", PASSWORD)
            .await;
        let own = other.create_collection("À moi").await;
        let own = own.as_str();
        let attempts: [(&str, Vec<(&str, &str)>); 9] = [
            ("collection", vec![("id", id)]),
            (
                "update_collection",
                vec![("id", id), ("name", "Volée"), ("description", "")],
            ),
            ("delete_collection", vec![("id", id)]),
            ("publish_collection", vec![("id", id), ("publish", "true")]),
            (
                "set_collection_badge",
                vec![("id", id), ("badge_id", badge), ("holds", "false")],
            ),
            (
                "move_collection_badge",
                vec![("id", id), ("badge_id", badge), ("up", "false")],
            ),
            ("reorder_collection", vec![("id", id), ("order[0]", badge)]),
            // Someone else's badge into one's own collection.
            (
                "set_collection_badge",
                vec![("id", own), ("badge_id", badge), ("holds", "true")],
            ),
            (
                "add_badges_to_collection",
                vec![("id", own), ("badge_ids[0]", badge)],
            ),
        ];
        for (function, form) in &attempts {
            let response = other.post_form(&format!("/api/{function}"), form).await;
            assert_eq!(response.status(), 404, "{function} must refuse another learner");
        }
        let response = other
            .post_form("/api/badge_collections", &[("badge_id", badge)])
            .await;
        assert_eq!(response.status(), 404);
        let anonymous = app.new_browser();
        let response = anonymous.post_form("/api/my_collections", &[]).await;
        assert_eq!(response.status(), 401);

        // Untouched: same name, same badge, still private.
        let detail = app.collection(id).await;
        assert_eq!(detail["name"], "Stage");
        assert_eq!(ids_of(&detail), badges);
        assert!(detail["share_url"].is_null());
        let mine = app.call("badge_collections", &[("badge_id", badge)]).await;
        assert_eq!(mine[0]["holds"], true);
    }
);

on_both_databases!(a_collection_needs_a_sensible_name, |db: TestDb| async move {
    let app = db.spawn_app().await;
    app.learner_with_verified(LEARNER).await;
    let long = "x".repeat(101);
    for name in ["", "   ", long.as_str()] {
        let response = app
            .post_form("/api/create_collection", &[("name", name), ("description", "")])
            .await;
        assert_error(response, 422, "InvalidCollectionName").await;
    }
    let id = app.create_collection("  Savoir-être  ").await;
    let response = app
        .post_form(
            "/api/update_collection",
            &[("id", &id), ("name", ""), ("description", "")],
        )
        .await;
    assert_error(response, 422, "InvalidCollectionName").await;
    let list = app.call("my_collections", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        list[0]["name"], "Savoir-être",
        "trimmed, and unchanged by the refused edit"
    );
});
