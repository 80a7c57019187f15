//! The public pages and the account export read their data in a fixed number of queries,
//! whatever the size of the backpack: counted on a real SQLite database, for a small and a
//! large backpack.
use besace_core::{
    badges::{self, BadgeSpec, BadgeStatus},
    changes::Store,
    collections::{self, CollectionText},
    domain::{DisplayName, Email},
    exports, profiles, showcases, users,
};
use chrono::Utc;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, Database, DatabaseConnection};
use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

struct Backpack {
    _dir: tempdir::Dir,
    db: DatabaseConnection,
    token: String,
    user: users::User,
}

mod tempdir {
    /// A folder removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A learner with `size` badges (each with two history lines), all in one published
/// collection, and a public profile showing the whole backpack.
async fn backpack(size: usize) -> Backpack {
    let dir = std::env::temp_dir().join(format!("besace-queries-{}-{size}", std::process::id()));
    // A process of an earlier run may have had this id and left its database behind.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = Database::connect(format!("sqlite://{}?mode=rwc", dir.join("q.db").display()))
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    let store = Store::new(db.clone());
    let user = users::create_confirmed(
        &db,
        &Email::parse("ana@example.org").unwrap(),
        &DisplayName::parse("Ana").unwrap(),
        "not a hash".into(),
        None,
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for n in 0..size {
        let now = Utc::now();
        let badge = badges::entity::ActiveModel {
            user_id: Set(user.id),
            credential_id: Set(Some(format!("https://campus.example/a/{n}"))),
            original_sha256: Set(format!("{n:064}")),
            original_media_type: Set("application/json".into()),
            original: Set(vec![b'x'; 1024]),
            spec: Set(BadgeSpec::Ob2),
            method: Set(None),
            name: Set(format!("Badge {n}")),
            issuer_name: Set("Campus".into()),
            issued_on: Set(None),
            expires_at: Set(None),
            status: Set(BadgeStatus::Verified),
            report: Set(
                r#"{"version":1,"badge":{"issuer":{"id":"https://campus.example/i"}},"checks":[]}"#.into(),
            ),
            verified_at: Set(now),
            created_at: Set(now),
            image_sha256: Set(None),
            pushed_by_client_id: Set(None),
            issuer_id: Set(Some("https://campus.example/i".into())),
            ..Default::default()
        }
        .insert(&db)
        .await
        .unwrap();
        for _ in 0..2 {
            badges::check_entity::ActiveModel {
                badge_id: Set(badge.id),
                checked_at: Set(now),
                status: Set(BadgeStatus::Verified),
                report: Set("{}".into()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
        }
        ids.push(badge.id);
    }
    let text = CollectionText::parse("Savoir-être", "").unwrap();
    let collection = collections::create(&db, user.id, text).await.unwrap();
    assert!(collections::add_badges(&store, user.id, collection.id, &ids)
        .await
        .unwrap());
    let token = collections::publish(&store, user.id, collection.id)
        .await
        .unwrap()
        .and_then(|c| c.share_token)
        .unwrap();
    profiles::set(
        &store,
        user.id,
        Some("ana".into()),
        profiles::ProfileMode::Backpack,
    )
    .await
    .unwrap();
    Backpack {
        _dir: tempdir::Dir(dir),
        db,
        token,
        user,
    }
}

/// A connection to the same database that counts the statements it runs.
fn counting(db: &DatabaseConnection) -> (DatabaseConnection, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let mut db = db.clone();
    let seen = count.clone();
    db.set_metric_callback(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    });
    (db, count)
}

/// Queries each read takes for this backpack: (gallery, profile, account export).
async fn queries(backpack: &Backpack) -> (usize, usize, usize) {
    let (db, count) = counting(&backpack.db);
    let gallery = showcases::collection(&db, &backpack.token)
        .await
        .unwrap()
        .unwrap();
    let after_gallery = count.swap(0, Ordering::SeqCst);
    let profile = showcases::profile(&db, "ana").await.unwrap().unwrap();
    let after_profile = count.swap(0, Ordering::SeqCst);
    let export = exports::account(&db, &backpack.user, "https://besace.test")
        .await
        .unwrap();
    let after_export = count.swap(0, Ordering::SeqCst);
    // What was read is complete, in the learner's order.
    let size = export.badges.len();
    assert_eq!(gallery.badges.len(), size);
    assert!(gallery
        .badges
        .iter()
        .all(|b| b.issuer_id.as_deref() == Some("https://campus.example/i")));
    assert_eq!(profile.badges.len(), size);
    assert_eq!(profile.collections[0].1.len(), size);
    assert!(export
        .badges
        .iter()
        .all(|b| b.history.as_ref().unwrap().len() == 2));
    assert_eq!(export.collections[0].badges.len(), size);
    (after_gallery, after_profile, after_export)
}

#[tokio::test]
async fn public_pages_and_the_export_read_in_a_fixed_number_of_queries() {
    let small = queries(&backpack(2).await).await;
    let large = queries(&backpack(40).await).await;
    assert_eq!(small, large, "the number of queries grows with the backpack");
    let (gallery, profile, export) = large;
    assert!(gallery <= 3, "gallery: {gallery} queries");
    assert!(profile <= 4, "profile: {profile} queries");
    assert!(export <= 6, "export: {export} queries");
}
