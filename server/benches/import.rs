//! Imports 1,000 baked badges through the HTTP API of a real server (release build, SQLite
//! in a temporary folder unless BESACE_BENCH_DATABASE_URL says otherwise) and reports
//! badges per second and the server-side time per import, with and without verification.
//!
//! `cargo bench -p server --bench import` (BESACE_BENCH_BADGES=200 for a shorter run).
mod common;
use besace_badges::issue::{bake_png, disc_png, ob3_credential, BadgeSpec, DidKeyIssuer};
use besace_badges::{verify_bytes, NoFetch, VerifyOptions};
use besace_server::config::{DatabaseArgs, LogFormat, ServeArgs};
use besace_server::startup::Application;
use common::LEARNER;
use reqwest::multipart::{Form, Part};
use std::time::{Duration, Instant};

fn badges(count: usize) -> Vec<Vec<u8>> {
    let issuer = DidKeyIssuer::from_seed([42; 32]);
    let picture = disc_png(128, [47, 93, 80]);
    (0..count)
        .map(|i| {
            let id = format!("urn:uuid:0b0e0000-0000-4000-8000-{i:012}");
            let spec = BadgeSpec {
                id: &id,
                issuer_name: "Centre de formation Démo",
                issuer_url: "https://demo.besace.test",
                achievement_id: "https://demo.besace.test/badges/parler-en-public",
                name: "Parler en public",
                description: "Sait prendre la parole devant un groupe.",
                criteria: "Observé trois fois pendant la formation.",
                image_url: "https://demo.besace.test/badges/parler-en-public.png",
                recipient_email: LEARNER,
                salt: Some("sel"),
                valid_from: "2026-01-05T09:00:00Z",
                tags: &["savoir-être"],
                ..Default::default()
            };
            let credential = issuer
                .sign(ob3_credential(&issuer, &spec), "2026-01-05T09:00:00Z")
                .expect("the bench badge signs");
            bake_png(&picture, &credential).expect("a PNG")
        })
        .collect()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn percentile(mut values: Vec<Duration>, p: f64) -> Duration {
    values.sort();
    values[((values.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let count: usize = std::env::var("BESACE_BENCH_BADGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(count));
}

async fn run(count: usize) {
    let files = badges(count);
    let bytes: usize = files.iter().map(Vec::len).sum();
    println!(
        "{count} baked OB 3.0 PNG badges (eddsa-rdfc-2022, did:key), {} bytes each on average",
        bytes / count
    );

    // Verification alone, in this process, as the import runs it.
    let options = VerifyOptions {
        recipients: vec![LEARNER.into()],
        ..Default::default()
    };
    let mut verify_times = Vec::with_capacity(count);
    for file in &files {
        let start = Instant::now();
        let report = verify_bytes(file, &NoFetch, &options).await;
        verify_times.push(start.elapsed());
        assert!(report.valid());
    }

    let dir = std::env::temp_dir().join(format!("besace-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = std::env::var("BESACE_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", dir.join("besace.db").display()));
    let args = ServeArgs {
        addr: "127.0.0.1:0".parse().unwrap(),
        database: DatabaseArgs {
            database_url: Some(database_url.clone()),
            data_dir: dir.clone(),
        },
        public_url: None,
        site_root: dir.join("site"),
        log_format: LogFormat::Text,
        rate_limit_per_ip: 1000,
        rate_limit_per_account: 1000,
        smtp_url: None,
        mail_from: "Besace <besace@localhost>".into(),
        allow_private_network: false,
        reverify_every: Duration::ZERO.into(),
        recheck_lease: Duration::from_secs(600).into(),
        public_recheck_after: Duration::from_secs(3600).into(),
        demo: false,
        max_import_items: 50,
        trusted_proxies: Vec::new(),
        public_cache_bytes: besace_core::public_pages::DEFAULT_BUDGET,
        known_issuers: None,
    };
    let app = Application::build(&args).await.expect("the app starts");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let client = common::learner_session(&base, &dir).await;

    // One badge per request, one after the other: the learner's import page does the same.
    let mut import_times = Vec::with_capacity(count);
    let started = Instant::now();
    for (i, file) in files.iter().enumerate() {
        let form = Form::new().part(
            "file",
            Part::bytes(file.clone()).file_name(format!("badge-{i}.png")),
        );
        let start = Instant::now();
        let response = client
            .post(format!("{base}/api/badges/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        import_times.push(start.elapsed());
        assert_eq!(body["results"][0]["outcome"], "added", "{body}");
    }
    let wall = started.elapsed();

    // The same files again: everything but verification (read, hash, duplicate lookup).
    let mut duplicate_times = Vec::with_capacity(count);
    for file in &files {
        let form = Form::new().part("file", Part::bytes(file.clone()).file_name("again.png"));
        let start = Instant::now();
        let response = client
            .post(format!("{base}/api/badges/import"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        duplicate_times.push(start.elapsed());
        assert_eq!(body["results"][0]["outcome"], "already");
    }

    // Reading the backpack once it is full: a page of cards, sorted and filtered in SQL.
    let mut page_times = Vec::new();
    for query in [
        "",
        "sort=name&page=20",
        "sort=issued&status=verified&q=parler&page=30",
    ] {
        for _ in 0..20 {
            let start = Instant::now();
            let response = client
                .get(format!("{base}/api/badges?per_page=24&{query}"))
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let _ = response.bytes().await.unwrap();
            page_times.push(start.elapsed());
        }
    }

    let verify_median = median(verify_times.clone());
    let import_median = median(import_times.clone());
    println!(
        "database: {}",
        if database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "imported {count} badges in {:.2} s: {:.0} badges/s (one request per badge, sequential)",
        wall.as_secs_f64(),
        count as f64 / wall.as_secs_f64()
    );
    println!(
        "per import, verification included: median {:.2} ms, p95 {:.2} ms",
        import_median.as_secs_f64() * 1e3,
        percentile(import_times, 0.95).as_secs_f64() * 1e3
    );
    println!(
        "verification alone:                median {:.2} ms, p95 {:.2} ms",
        verify_median.as_secs_f64() * 1e3,
        percentile(verify_times, 0.95).as_secs_f64() * 1e3
    );
    println!(
        "per import, verification excluded: median {:.2} ms (import minus verification)",
        import_median.saturating_sub(verify_median).as_secs_f64() * 1e3
    );
    println!(
        "the same badge again (refused as a duplicate before verifying): median {:.2} ms",
        median(duplicate_times).as_secs_f64() * 1e3
    );
    println!(
        "a page of 24 cards from {count} badges (GET /api/badges, sorted/filtered): median {:.2} ms, p95 {:.2} ms",
        median(page_times.clone()).as_secs_f64() * 1e3,
        percentile(page_times, 0.95).as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
