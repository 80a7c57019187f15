//! Several `besace serve` processes on one PostgreSQL database behave as one: a session
//! works on any of them, and a write on one is seen by every other's public-page cache
//! within a second (PostgreSQL `NOTIFY`). SQLite stays one process: these run on
//! PostgreSQL only.
use crate::helpers::*;
use std::time::{Duration, Instant};

/// How long node B takes to answer `status` for `path`, polling every 20 ms for up to 1 s.
async fn within_a_second(node: &TestClient, path: &str, status: u16) -> Duration {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        if node.get(path).await.status() == status {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{path} did not answer {status} on the other node within 1 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_node_is_seen_by_the_others_at_once() {
    run(Backend::Postgres, |db: TestDb| async move {
        let a = db.spawn_app().await;
        let b = db.spawn_app().await;
        a.learner_with_verified(LEARNER).await;
        let badges = a.import_ids(&["baked-di.png"]).await;
        let collection = a.create_collection("Atelier").await;
        a.add_to(&collection, &badges[0]).await;
        let link = path_of(a.publish(&collection, true).await["share_url"].as_str().unwrap());

        // The session made on A works on B (same cookie jar, same host, other port).
        let on_b = TestClient {
            address: b.address.clone(),
            client: a.client.clone(),
            mail: a.mail.clone(),
        };
        assert_eq!(on_b.me().await["email"], LEARNER);

        // B builds and caches the gallery; A unpublishes; B stops serving it at once.
        assert_eq!(b.get(&link).await.status(), 200);
        assert_eq!(b.get(&link).await.status(), 200);
        a.publish(&collection, false).await;
        let took = within_a_second(&b, &link, 404).await;
        eprintln!("unpublished on A, 404 on B after {took:?}");

        // And the other way round: published again on B, served on A (a new link).
        let again = path_of(
            on_b.publish(&collection, true).await["share_url"]
                .as_str()
                .unwrap(),
        );
        assert_eq!(a.get(&again).await.status(), 200);
        a.call(
            "update_collection",
            &[("id", &collection), ("name", "Atelier bois"), ("description", "")],
        )
        .await;
        let start = Instant::now();
        loop {
            let (_, page) = b.get_html(&again).await;
            if page.contains("Atelier bois") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "renamed on A, stale on B: {page}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_whose_listening_connection_was_lost_forgets_its_cached_pages() {
    use sea_orm::{ConnectionTrait, Database};
    run(Backend::Postgres, |db: TestDb| async move {
        let a = db.spawn_app().await;
        a.learner_with_verified(LEARNER).await;
        let badges = a.import_ids(&["baked-di.png"]).await;
        let collection = a.create_collection("Atelier").await;
        a.add_to(&collection, &badges[0]).await;
        let link = path_of(a.publish(&collection, true).await["share_url"].as_str().unwrap());
        assert_eq!(a.get(&link).await.status(), 200);
        // A change no notice tells of (made behind Besace's back): the cached page stays.
        let sql = Database::connect(&db.url).await.unwrap();
        sql.execute_unprepared(&format!(
            "UPDATE collections SET share_token = NULL WHERE id = {collection}"
        ))
        .await
        .unwrap();
        assert_eq!(a.get(&link).await.status(), 200, "served from the cache");
        // The listening connection goes: once it is back, nothing cached is trusted.
        sql.execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .unwrap();
        let start = Instant::now();
        while a.get(&link).await.status() != 404 {
            assert!(
                start.elapsed() < Duration::from_secs(3),
                "still served after the reconnection"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
}

/// With two nodes, each due badge is checked once per period, not once per node: a node
/// claims what it checks, and the other leaves it alone (the issuer here is slow, so both
/// nodes look for due badges while the first is still checking them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_checks_run_once_whatever_the_number_of_nodes() {
    run(Backend::Postgres, |db: TestDb| async move {
        let urls = slow_hosted_badges(4, Duration::from_millis(150)).await;
        let period = |args: &mut besace_server::config::ServeArgs| {
            args.allow_private_network = true;
            args.reverify_every = Duration::from_secs(6).into();
        };
        let a = db.spawn_app_with(period).await;
        let _b = db.spawn_app_with(period).await;
        a.learner_with_verified(LEARNER).await;
        let fields: Vec<(&str, String)> = urls.iter().map(|url| ("url", url.clone())).collect();
        let (status, body) = a.import_fields(&fields).await;
        assert_eq!(status, 200, "{body}");
        let ids: Vec<String> = body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                assert_eq!(result["outcome"], "added", "{result}");
                result["badge"]["id"].to_string()
            })
            .collect();
        let checks = |id: String| {
            let a = &a;
            async move { a.badge(&id).await["history"].as_array().unwrap().len() }
        };
        // Wait until every badge was checked again once.
        let start = Instant::now();
        for id in &ids {
            while checks(id.clone()).await < 2 {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "badge {id} was not checked again"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        // Both nodes looked meanwhile: still one check each, not two.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        for id in &ids {
            assert_eq!(
                checks(id.clone()).await,
                2,
                "badge {id} was checked by both nodes"
            );
        }
    })
    .await
}

/// Attempt budgets are counted once for all nodes: three lookups allowed per minute and
/// address, spent across A and B together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempt_budgets_hold_across_nodes() {
    run(Backend::Postgres, |db: TestDb| async move {
        let budget = |args: &mut besace_server::config::ServeArgs| args.rate_limit_per_ip = 3;
        let a = db.spawn_app_with(budget).await;
        let b = db.spawn_app_with(budget).await;
        let mut codes = Vec::new();
        for node in [&a, &b, &a, &b, &a, &b] {
            let (status, _) = Mahara::new(&node.address).backpack_id("nobody@example.org").await;
            codes.push(status.as_u16());
        }
        assert_eq!(codes, [404, 404, 404, 429, 429, 429], "{codes:?}");
    })
    .await
}

/// Processes started at once on a new database: one migrates, the others wait for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_started_at_once_on_a_new_database_all_start() {
    run(Backend::Postgres, |db: TestDb| async move {
        let (a, b, c) = tokio::join!(db.spawn_app(), db.spawn_app(), db.spawn_app());
        for node in [&a, &b, &c] {
            assert_eq!(node.get("/healthz").await.status(), 200);
        }
    })
    .await
}

/// A `besace serve` process killed (SIGKILL) in the middle of a background batch leaves its
/// claims behind; once their lease is out another node checks those badges, each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_left_by_a_killed_node_is_finished_by_another() {
    run(Backend::Postgres, |db: TestDb| async move {
        // Each answer takes a second: a background check (its assertion asked again, the
        // issuer's other documents kept) lasts one.
        let urls = slow_hosted_badges(3, Duration::from_secs(1)).await;
        let importer = db.spawn_app_with(|args| args.allow_private_network = true).await;
        importer.learner_with_verified(LEARNER).await;
        let fields: Vec<(&str, String)> = urls.iter().map(|url| ("url", url.clone())).collect();
        let (status, body) = importer.import_fields(&fields).await;
        assert_eq!(status, 200, "{body}");
        let ids: Vec<String> = body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                assert_eq!(result["outcome"], "added", "{result}");
                result["badge"]["id"].to_string()
            })
            .collect();
        let checks = |id: String| {
            let importer = &importer;
            async move { importer.badge(&id).await["history"].as_array().unwrap().len() }
        };

        // The imports took seconds apart: all due at once, so one batch takes them all.
        let database = sea_orm::Database::connect(&db.url).await.unwrap();
        {
            use sea_orm::ConnectionTrait;
            database
                .execute_unprepared("UPDATE badges SET verified_at = verified_at - interval '1 hour'")
                .await
                .unwrap();
        }
        // A real process, which takes the due badges and is killed while checking them.
        let mut doomed = std::process::Command::new(env!("CARGO_BIN_EXE_besace"))
            .arg("serve")
            .env("DATABASE_URL", &db.url)
            .env("BESACE_ADDR", "127.0.0.1:0")
            .env("BESACE_ALLOW_PRIVATE_NETWORK", "1")
            .env("BESACE_REVERIFY_EVERY", "1s")
            .env("BESACE_RECHECK_LEASE", "4s")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("besace serve starts");
        let claimed = || async {
            use sea_orm::{ConnectionTrait, Statement};
            let row = database
                .query_one(Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    "SELECT count(*) AS n FROM badges WHERE recheck_claimed_until IS NOT NULL",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        };
        let start = Instant::now();
        while claimed().await < ids.len() as i64 {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the process took no badge ({:?})",
                doomed.try_wait()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        doomed.kill().expect("SIGKILL");
        doomed.wait().unwrap();
        let killed_at = Instant::now();
        for id in &ids {
            assert_eq!(
                checks(id.clone()).await,
                1,
                "the killed process finished badge {id}"
            );
        }

        // The survivor leaves the claims alone while their lease lasts, then checks each.
        let _survivor = db
            .spawn_app_with(|args| {
                args.allow_private_network = true;
                args.reverify_every = Duration::from_secs(1).into();
            })
            .await;
        for id in &ids {
            while checks(id.clone()).await < 2 {
                assert!(
                    killed_at.elapsed() < Duration::from_secs(30),
                    "badge {id} was left unchecked"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        // The lease (4 s) ran out before the survivor began: it cannot have checked sooner.
        assert!(
            killed_at.elapsed() > Duration::from_secs(4),
            "the survivor took badges another process held"
        );
    })
    .await
}
