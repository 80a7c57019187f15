//! Background re-verification at scale, on PostgreSQL: 10,000 badges (BESACE_BENCH_BADGES)
//! from 20 issuers served on 127.0.0.1 to 127.0.0.20, each answering 20–50 ms late with `ETag` and
//! `Cache-Control: max-age=3600`, as a well-kept site does. A third of the badges are
//! hosted OB 2.0 assertions, a third signed OB 2.0 (JWS; key and revocation list on the
//! issuer's site), a third OB 3.0 (eddsa-rdfc-2022, did:key, a 1EdTech revocation list on
//! the issuer's site). They are imported through the HTTP API, then made due and checked
//! again by one `besace serve` process (release build), then by two on the same database.
//! Reports badges per second, the requests the issuers received per badge checked, by
//! kind, and each process's peak RSS.
//!
//! `cargo bench -p server --bench reverify` (PostgreSQL on 127.0.0.1:5432, or
//! BESACE_BENCH_POSTGRES_URL; a database of its own is created and dropped).
mod common;
use besace_badges::issue::{bake_png, disc_png, ob3_credential, BadgeSpec, DidKeyIssuer, HostedIssuer};
use common::LEARNER;
use reqwest::multipart::{Form, Part};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ISSUERS: usize = 20;
const FRESH: &str = "public, max-age=3600";

/// What the issuers were asked, by the kind of badge the document serves.
#[derive(Default)]
struct Counts {
    hosted: AtomicU64,
    signed: AtomicU64,
    ob3: AtomicU64,
}

impl Counts {
    fn take(&self) -> [u64; 3] {
        [&self.hosted, &self.signed, &self.ob3].map(|count| count.swap(0, Ordering::Relaxed))
    }
}

/// The badges to import, as a learner would bring them: hosted URLs, signed JWS, baked
/// OB 3.0 pictures.
#[derive(Default)]
struct Badges {
    hosted: Vec<String>,
    signed: Vec<String>,
    ob3: Vec<Vec<u8>>,
}

fn main() {
    let count: usize = std::env::var("BESACE_BENCH_BADGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(count));
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Issuer `n` on a port of its own: its documents, and `per_kind` badges of each kind.
async fn issuer(n: usize, per_kind: usize, counts: Arc<Counts>, badges: &mut Badges) {
    // Each issuer is a host of its own (127.0.0.1, 127.0.0.2, …: all loopback on Linux), as
    // the politeness budget per host would otherwise hold all twenty to one host's rate.
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.{}:0", n + 1))
        .await
        .unwrap();
    let base = leak(format!("http://{}", listener.local_addr().unwrap()));
    let pem = std::fs::read_to_string(format!(
        "{}/../badges/fixtures/keys/test-issuer.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut documents: HashMap<String, Vec<u8>> = HashMap::new();
    let mut put = |path: String, body: Vec<u8>| documents.insert(path, body);
    let spec = |id: String, kind: &str| BadgeSpec {
        id: leak(id),
        issuer_name: leak(format!("Centre de formation {n}")),
        issuer_url: leak(format!("https://centre-{n}.example/")),
        achievement_id: leak(format!("{base}/{kind}/class.json")),
        name: "Accueillir le public",
        description: "Accueille et oriente les visiteurs.",
        criteria: "Observé pendant un mois.",
        image_url: leak(format!("{base}/{kind}/class.png")),
        recipient_email: LEARNER,
        salt: Some("sel"),
        valid_from: "2026-10-01T09:00:00Z",
        ..Default::default()
    };
    for kind in ["h", "s"] {
        let issuer = HostedIssuer::new(&pem, &format!("{base}/{kind}")).unwrap();
        let first = spec(format!("{base}/{kind}/assertions/0.json"), kind);
        let mut profile = issuer.profile(&first);
        profile["revocationList"] = json!(format!("{base}/{kind}/revocations.json"));
        put(format!("/{kind}/issuer.json"), profile.to_string().into_bytes());
        put(
            format!("/{kind}/key.json"),
            issuer.key().unwrap().to_string().into_bytes(),
        );
        put(
            format!("/{kind}/class.json"),
            issuer.badge_class(&first).to_string().into_bytes(),
        );
        put(format!("/{kind}/class.png"), disc_png(32, [200, 80, 20]));
        let list = json!({
            "@context": "https://w3id.org/openbadges/v2",
            "id": format!("{base}/{kind}/revocations.json"),
            "type": "RevocationList",
            "issuer": issuer.profile_url(),
            "revokedAssertions": []
        });
        put(format!("/{kind}/revocations.json"), list.to_string().into_bytes());
        for i in 0..per_kind {
            let spec = spec(format!("{base}/{kind}/assertions/{i}.json"), kind);
            if kind == "h" {
                let assertion = issuer.assertion(&spec, false);
                put(
                    format!("/h/assertions/{i}.json"),
                    assertion.to_string().into_bytes(),
                );
                badges.hosted.push(spec.id.to_owned());
            } else {
                badges
                    .signed
                    .push(issuer.sign(&issuer.assertion(&spec, true)).unwrap());
            }
        }
    }
    let did = DidKeyIssuer::from_seed([n as u8 + 1; 32]);
    let status_url = format!("{base}/o/revocations.json");
    put(
        "/o/revocations.json".to_owned(),
        json!({ "id": status_url, "revokedCredentials": [] })
            .to_string()
            .into_bytes(),
    );
    let picture = disc_png(64, [47, 93, 80]);
    for i in 0..per_kind {
        let spec = spec(format!("urn:uuid:0b0e0000-0000-4000-8{n:03}-{i:012}"), "o");
        let mut credential = ob3_credential(&did, &spec);
        credential["credentialStatus"] = json!({ "id": status_url, "type": "1EdTechRevocationList" });
        let signed = did.sign(credential, "2026-10-01T09:00:00Z").unwrap();
        badges.ob3.push(bake_png(&picture, &signed).unwrap());
    }
    let delay = Duration::from_millis(20 + (n as u64 * 30) / (ISSUERS as u64 - 1));
    tokio::spawn(serve(listener, documents, delay, counts));
}

/// Answers the documents `delay` late, with validators and freshness, `304` to a matching
/// `If-None-Match`; counts each request under the kind its path starts with.
async fn serve(
    listener: tokio::net::TcpListener,
    documents: HashMap<String, Vec<u8>>,
    delay: Duration,
    counts: Arc<Counts>,
) {
    use axum::http::{header, HeaderMap, StatusCode, Uri};
    use axum::response::IntoResponse;
    use sha2::Digest;
    let documents: Arc<HashMap<String, (Vec<u8>, String)>> = Arc::new(
        documents
            .into_iter()
            .map(|(path, body)| {
                let digest = sha2::Sha256::digest(&body);
                let etag = format!(
                    "\"{}\"",
                    digest[..8].iter().map(|b| format!("{b:02x}")).collect::<String>()
                );
                (path, (body, etag))
            })
            .collect(),
    );
    let router = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let (documents, counts) = (documents.clone(), counts.clone());
        async move {
            let counter = match uri.path().get(..3) {
                Some("/h/") => &counts.hosted,
                Some("/s/") => &counts.signed,
                _ => &counts.ob3,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(delay).await;
            let Some((body, etag)) = documents.get(uri.path()) else {
                return StatusCode::NOT_FOUND.into_response();
            };
            let validators = [
                (header::ETAG, etag.clone()),
                (header::CACHE_CONTROL, FRESH.to_owned()),
            ];
            if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
                return (StatusCode::NOT_MODIFIED, validators).into_response();
            }
            (validators, body.clone()).into_response()
        }
    });
    axum::serve(listener, router).await.unwrap();
}

/// A `besace serve` process, stopped when dropped (a panicking bench leaves none behind).
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `besace serve` process on `database_url`, checking every badge older than a day.
fn node(database_url: &str, data_dir: &std::path::Path, port: u16) -> Node {
    Node(
        Command::new(env!("CARGO_BIN_EXE_besace"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("BESACE_DATA_DIR", data_dir)
            .env("BESACE_ADDR", format!("127.0.0.1:{port}"))
            .env("BESACE_ALLOW_PRIVATE_NETWORK", "1")
            .env("BESACE_REVERIFY_EVERY", "1d")
            .env("BESACE_RATE_LIMIT_PER_IP", "100000")
            .env("BESACE_RATE_LIMIT_PER_ACCOUNT", "100000")
            .env("BESACE_MAX_IMPORT_ITEMS", "50")
            .env(
                "RUST_LOG",
                std::env::var("BESACE_BENCH_LOG").unwrap_or("error".into()),
            )
            .stdout(if std::env::var_os("BESACE_BENCH_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("besace serve starts"),
    )
}

/// Issuer by issuer (`per_issuer` each, in a row) to one of each issuer in turn.
fn interleave<T>(badges: Vec<T>, per_issuer: usize) -> Vec<T> {
    let mut slots: Vec<(usize, T)> = badges
        .into_iter()
        .enumerate()
        .map(|(k, badge)| ((k % per_issuer) * ISSUERS + k / per_issuer, badge))
        .collect();
    slots.sort_by_key(|(slot, _)| *slot);
    slots.into_iter().map(|(_, badge)| badge).collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn until_up(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
            if response.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{base} did not start");
}

/// The process's peak resident memory (`VmHWM`), in MiB.
fn peak_rss_mib(node: &Node) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", node.0.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn count_of(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one(sea_orm::Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Imports every badge through the HTTP API, eight requests of up to 50 items at a time.
async fn import(base: &str, client: &reqwest::Client, badges: &Badges) {
    use futures::StreamExt;
    let mut forms = Vec::new();
    for chunk in badges.hosted.chunks(50) {
        forms.push(
            chunk
                .iter()
                .fold(Form::new(), |form, url| form.text("url", url.clone())),
        );
    }
    for chunk in badges.signed.chunks(50) {
        forms.push(
            chunk
                .iter()
                .fold(Form::new(), |form, jws| form.text("text", jws.clone())),
        );
    }
    for chunk in badges.ob3.chunks(50) {
        forms.push(chunk.iter().enumerate().fold(Form::new(), |form, (i, png)| {
            form.part(
                "file",
                Part::bytes(png.clone()).file_name(format!("badge-{i}.png")),
            )
        }));
    }
    let url = format!("{base}/api/badges/import");
    futures::stream::iter(forms)
        .map(|form| {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let body: Value = client
                    .post(url)
                    .multipart(form)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let results = body["results"].as_array();
                for result in results.unwrap_or_else(|| panic!("the import was refused: {body}")) {
                    assert_eq!(result["outcome"], "added", "{result}");
                }
            }
        })
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
}

/// Makes every badge due, starts `nodes` processes and waits until each badge was checked
/// again; answers the time, the requests by kind and each process's peak RSS.
async fn pass(
    db: &DatabaseConnection,
    database_url: &str,
    dir: &std::path::Path,
    nodes: usize,
    counts: &Counts,
) -> (Duration, [u64; 3], Vec<f64>) {
    db.execute_unprepared(
        "UPDATE badges SET verified_at = verified_at - interval '2 days', recheck_claimed_until = NULL",
    )
    .await
    .unwrap();
    counts.take();
    let started = Instant::now();
    let children: Vec<Node> = (0..nodes).map(|_| node(database_url, dir, free_port())).collect();
    let due = "SELECT count(*) FROM badges WHERE verified_at < now() - interval '1 day'";
    while count_of(db, due).await > 0 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    let asked = counts.take();
    let rss = children.iter().map(peak_rss_mib).collect();
    drop(children);
    (elapsed, asked, rss)
}

async fn run(count: usize) {
    let per_kind = (count / ISSUERS / 3).max(1);
    let total = per_kind * 3 * ISSUERS;
    let counts = Arc::new(Counts::default());
    let mut badges = Badges::default();
    for n in 0..ISSUERS {
        issuer(n, per_kind, counts.clone(), &mut badges).await;
    }
    // Learners' badges come from every issuer in turn, not one issuer's hundreds in a row.
    badges.hosted = interleave(std::mem::take(&mut badges.hosted), per_kind);
    badges.signed = interleave(std::mem::take(&mut badges.signed), per_kind);
    badges.ob3 = interleave(std::mem::take(&mut badges.ob3), per_kind);
    println!(
        "{total} badges from {ISSUERS} issuers (20–50 ms per answer): {} hosted, {} signed OB 2.0, {} OB 3.0",
        badges.hosted.len(),
        badges.signed.len(),
        badges.ob3.len()
    );

    let admin_url = std::env::var("BESACE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("besace_bench_{}", std::process::id());
    let admin = Database::connect(&admin_url)
        .await
        .expect("PostgreSQL runs on 127.0.0.1:5432");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let database_url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let dir = std::env::temp_dir().join(format!("besace-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // The import, through one process with no background check due.
    let port = free_port();
    let importer = node(&database_url, &dir, port);
    let base = format!("http://127.0.0.1:{port}");
    until_up(&base).await;
    let client = common::learner_session(&base, &dir).await;
    let started = Instant::now();
    import(&base, &client, &badges).await;
    let imported = started.elapsed();
    let asked = counts.take();
    println!(
        "import: {total} badges in {:.1} s ({:.0} badges/s); requests per badge: hosted {:.2}, signed {:.2}, OB 3.0 {:.2}",
        imported.as_secs_f64(),
        total as f64 / imported.as_secs_f64(),
        asked[0] as f64 / badges.hosted.len() as f64,
        asked[1] as f64 / badges.signed.len() as f64,
        asked[2] as f64 / badges.ob3.len() as f64,
    );
    drop(importer);

    let db = Database::connect(&database_url).await.unwrap();
    for nodes in [1, 2] {
        let (elapsed, asked, rss) = pass(&db, &database_url, &dir, nodes, &counts).await;
        let checks = count_of(&db, "SELECT count(*) FROM badge_checks").await;
        println!(
            "re-verification, {nodes} process{}: {total} badges in {:.1} s ({:.0} badges/s); requests per badge: hosted {:.3}, signed {:.3}, OB 3.0 {:.3}; peak RSS {} MiB; check lines so far {checks}",
            if nodes > 1 { "es" } else { "" },
            elapsed.as_secs_f64(),
            total as f64 / elapsed.as_secs_f64(),
            asked[0] as f64 / badges.hosted.len() as f64,
            asked[1] as f64 / badges.signed.len() as f64,
            asked[2] as f64 / badges.ob3.len() as f64,
            rss.iter().map(|mib| format!("{mib:.1}")).collect::<Vec<_>>().join(" + "),
        );
    }
    drop(db);
    let _ = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
    let _ = std::fs::remove_dir_all(&dir);
}
