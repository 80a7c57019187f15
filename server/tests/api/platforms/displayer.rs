//! Mahara's Open Badges block (the Mozilla Displayer API) against Besace: nobody is found
//! until the learner allows it, then only by a verified address and only the published
//! collections; ids do not outlive the setting, and sweeping them runs out of budget. The
//! client is `helpers::Mahara`.
use crate::helpers::moodle_site as issuer_site;
use crate::helpers::*;
use crate::on_both_databases;
use serde_json::Value;

on_both_databases!(
    mahara_shows_the_published_collections_once_the_learner_allows_it,
    |db: TestDb| async move {
        let site = issuer_site().await;
        let app = db.spawn_app_with(|args| args.allow_private_network = true).await;
        app.learner_with_verified(LEARNER).await;
        let hosted_url = site.hosted["id"].as_str().unwrap().to_owned();
        let (_, imported) = app.import_fields(&[("url", hosted_url)]).await;
        let badge = imported["results"][0]["badge"]["id"].to_string();
        let atelier = app.create_collection("Atelier").await;
        app.add_to(&atelier, &badge).await;
        let gallery = app.publish(&atelier, true).await["share_url"]
            .as_str()
            .unwrap()
            .to_owned();
        let brouillon = app.create_collection("Brouillon").await;
        app.add_to(&brouillon, &badge).await;
        // A second address, added but not confirmed.
        app.add_email("ana.pro@example.org").await;

        let mahara = Mahara::new(&app.address);
        // Before the learner allows it: the same "missing" as for an address nobody has.
        let (status, before) = mahara.backpack_id(LEARNER).await;
        let (_, nobody) = mahara.backpack_id("nobody@example.org").await;
        assert_eq!((status.as_u16(), &before), (404, &nobody));
        assert_eq!(before["status"], "missing");

        app.set_eportfolio(true).await;
        let (_, settings) = app.get_html("/settings").await;
        assert!(
            settings.contains("Les sites d&#x27;e-portfolio peuvent trouver")
                || settings.contains("E-portfolio sites can find"),
            "{settings}"
        );
        let (status, found) = mahara.backpack_id(&LEARNER.to_uppercase()).await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["status"], "okay");
        let uid = found["userId"].clone();
        assert!(
            uid.as_i64().is_some_and(|id| id >= 100_000_000),
            "a random id, not a row number: {uid}"
        );
        let (status, unconfirmed) = mahara.backpack_id("ana.pro@example.org").await;
        assert_eq!((status.as_u16(), &unconfirmed), (404, &nobody));

        let groups = mahara.group_names(&uid).await;
        assert_eq!(
            groups,
            [(atelier.parse::<i64>().unwrap(), "Atelier (1 badges)".to_owned())]
        );
        let (status, html, json) = mahara.group_html(&uid, groups[0].0).await;
        assert_eq!(status, 200);
        assert!(html.contains("title=\"Respecter des consignes\""), "{html}");
        let entry = &json["badges"][0];
        let assertion = &entry["assertion"];
        assert_eq!(assertion["badge"]["issuer"]["name"], "Campus Moodle");
        assert_eq!(assertion["badge"]["issuer"]["origin"], "https://moodle.example");
        assert_eq!(assertion["issued_on"], "2026-10-01");
        assert!(assertion.get("expires").is_none(), "never expires: {assertion}");
        assert!(
            entry["hostedUrl"].as_str().unwrap().starts_with(&gallery),
            "{entry}"
        );
        let picture = reqwest::get(entry["imageUrl"].as_str().unwrap()).await.unwrap();
        assert_eq!(picture.status(), 200);
        // The unpublished collection cannot be read, even by its id.
        let (status, _, _) = mahara.group_html(&uid, brouillon.parse().unwrap()).await;
        assert_eq!(status, 404);

        // Unpublishing hides it at once; turning the setting off kills the id.
        app.publish(&atelier, false).await;
        assert!(mahara.group_names(&uid).await.is_empty());
        app.set_eportfolio(false).await;
        let (status, _) = mahara.backpack_id(LEARNER).await;
        assert_eq!(status, 404);
        let old = reqwest::get(app.url(&format!("/displayer/{uid}/groups.json")))
            .await
            .unwrap();
        assert_eq!(old.status(), 404);
        app.publish(&atelier, true).await;
        app.set_eportfolio(true).await;
        let new_uid = mahara.user_id(LEARNER).await.unwrap();
        assert_ne!(new_uid, uid, "a new id each time it is turned on");
        assert!(mahara.group_names(&uid).await.is_empty());
    }
);

on_both_databases!(
    sweeping_displayer_ids_runs_out_of_budget,
    |db: TestDb| async move {
        let app = db.spawn_app_with(|args| args.rate_limit_per_ip = 5).await;
        let mut codes = Vec::new();
        for id in 100_000_000..100_000_012_i64 {
            let response = reqwest::get(app.url(&format!("/displayer/{id}/groups.json")))
                .await
                .unwrap();
            codes.push(response.status().as_u16());
            let body: Value = response.json().await.unwrap();
            assert!(body["status"].is_string(), "{body}");
        }
        assert!(codes[..5].iter().all(|code| *code == 404), "{codes:?}");
        assert!(codes[5..].iter().all(|code| *code == 429), "{codes:?}");
        let (status, _) = Mahara::new(&app.address).backpack_id(LEARNER).await;
        assert_eq!(status, 429);
        // Malformed ids and files are misses too, in JSON.
        for path in [
            "/displayer/abc/groups.json",
            "/displayer/1/other.json",
            "/displayer/1/group/x.json",
        ] {
            let response = reqwest::get(app.url(path)).await.unwrap();
            assert_eq!(response.status(), 429, "{path}");
        }
    }
);
