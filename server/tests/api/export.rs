//! Taking one's data away: the backpack or a collection as a zip of the original files
//! plus an index, and the account as JSON. Only one's own.
use crate::helpers::*;
use crate::on_both_databases;
use reqwest::header;
use serde_json::Value;
use std::io::Read;

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            (file.name().to_owned(), content)
        })
        .collect()
}

on_both_databases!(
    a_learner_downloads_their_backpack_collections_and_account,
    |db: TestDb| async move {
        let app = db.spawn_app().await;
        let database = besace_server::startup::open_database(&db.serve_args().database)
            .await
            .unwrap();
        let demo = besace_server::demo::create(&database, &app.address)
            .await
            .unwrap();
        app.login(demo.email, demo.password).await;

        let response = app.get("/api/export/backpack.zip").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/zip");
        let files = unzip(&response.bytes().await.unwrap());
        assert_eq!(files.len(), 15, "14 badges and the index");
        let (_, index) = files.iter().find(|(name, _)| name == "index.json").unwrap();
        let index: Value = serde_json::from_slice(index).unwrap();
        let listed = index["badges"].as_array().unwrap();
        assert_eq!(listed.len(), 14);
        // Every file is the original, byte for byte: its SHA-256 is the one recorded.
        for entry in listed {
            let (_, bytes) = files.iter().find(|(name, _)| *name == entry["file"]).unwrap();
            let sha = besace_core::sha256_hex(bytes);
            assert_eq!(entry["sha256"], sha.as_str());
        }
        assert!(
            files
                .iter()
                .any(|(name, _)| name == "005-presentation-adaptee.json"),
            "{:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );

        let collections = app
            .post_form("/api/my_collections", &[])
            .await
            .json::<Value>()
            .await
            .unwrap();
        let stage = collections
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "Savoir-être pour mon stage")
            .unwrap();
        let path = format!("/api/collections/{}/export.zip", stage["id"]);
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200);
        assert_eq!(unzip(&response.bytes().await.unwrap()).len(), 7);

        let account: Value = app.get("/api/export/account.json").await.json().await.unwrap();
        assert_eq!(account["account"]["email"], demo.email);
        assert_eq!(account["email_addresses"].as_array().unwrap().len(), 2);
        assert_eq!(account["badges"].as_array().unwrap().len(), 14);
        assert_eq!(account["badges"][0]["history"].as_array().unwrap().len(), 1);
        assert_eq!(account["collections"].as_array().unwrap().len(), 2);
        assert!(!account.to_string().contains("argon2"), "no password hash");

        // Nobody else's: another learner, and nobody at all.
        let other = app.new_browser();
        other
            .signup("bruno.leroy@example.org", "Bruno Leroy", PASSWORD)
            .await;
        assert_eq!(other.get(&path).await.status(), 404);
        let empty = unzip(&other.get("/api/export/backpack.zip").await.bytes().await.unwrap());
        assert_eq!(empty.len(), 1, "only the index of an empty backpack");
        let anonymous = app.new_browser();
        for path in [
            path.as_str(),
            "/api/export/backpack.zip",
            "/api/export/account.json",
        ] {
            assert_eq!(anonymous.get(path).await.status(), 401, "{path}");
        }
    }
);
