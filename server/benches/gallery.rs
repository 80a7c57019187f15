//! Load benchmark of the public gallery (docs/PERFORMANCE.md): a published collection of 30 real
//! badges served by the release `besace serve`, loaded with `wrk -t2 -c64` next to nginx
//! sending the very same bytes from a file, in the same run. Reports requests/s, p99 and
//! the server's memory (idle, and peak under load).
//!
//! Then, on PostgreSQL, the same gallery behind nginx as a load balancer: one process,
//! then two on one database (README, "Several processes").
//!
//! `scripts/bench-gallery` installs wrk and nginx (Debian) and runs it; directly:
//! `cargo bench -p server --bench gallery` (BESACE_BENCH_SECONDS=10 by default; PostgreSQL
//! on 127.0.0.1:5432 or BESACE_BENCH_POSTGRES_URL, else the balanced runs are skipped).
use besace_server::startup::open_database;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BADGES: usize = 30;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Resident memory of a process, in KiB: now (`VmRSS`) and its peak (`VmHWM`).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn wait_until_up(url: &str) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if Command::new("curl")
            .args(["-sf", "-o", "/dev/null", url])
            .status()
            .is_ok_and(|s| s.success())
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{url} did not answer");
}

struct Load {
    requests_per_second: f64,
    p99: String,
    errors: String,
}

/// `wrk -t2 -c64 --latency` for `seconds`, with extra request headers.
fn wrk(url: &str, seconds: u32, headers: &[&str]) -> Load {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c64", &format!("-d{seconds}s"), "--latency"]);
    for header in headers {
        command.args(["-H", header]);
    }
    let output = command
        .arg(url)
        .output()
        .expect("wrk is installed (scripts/bench-gallery)");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let after = |prefix: &str| {
        text.lines()
            .find(|line| line.trim_start().starts_with(prefix))
            .map(|line| line.trim_start()[prefix.len()..].trim().to_owned())
            .unwrap_or_default()
    };
    Load {
        requests_per_second: after("Requests/sec:").parse().unwrap_or(0.0),
        p99: after("99%"),
        errors: after("Non-2xx or 3xx responses:"),
    }
}

fn nginx(root: &Path, port: u16) -> Option<Child> {
    let config = root.join("nginx.conf");
    std::fs::write(
        &config,
        format!(
            "daemon off; worker_processes 2; pid {root}/nginx.pid; error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  server {{ listen 127.0.0.1:{port}; root {root}/static; location / {{ try_files /gallery.html =404; }} }} }}",
            root = root.display()
        ),
    )
    .ok()?;
    std::fs::create_dir_all(root.join("tmp")).ok()?;
    Command::new("nginx")
        .args(["-c", &config.to_string_lossy(), "-p", &root.to_string_lossy()])
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// nginx on `port` balancing over the processes on `upstreams`, as deploy/nginx does.
fn balancer(root: &Path, port: u16, upstreams: &[u16]) -> Option<Child> {
    let servers: String = upstreams
        .iter()
        .map(|upstream| format!("server 127.0.0.1:{upstream}; "))
        .collect();
    let config = root.join(format!("balancer-{port}.conf"));
    std::fs::write(
        &config,
        format!(
            "daemon off; worker_processes 2; pid {root}/balancer-{port}.pid; error_log {root}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off;
  client_body_temp_path {root}/tmp; proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;
  upstream besace {{ {servers}keepalive 16; }}
  server {{ listen 127.0.0.1:{port};
    location / {{ proxy_pass http://besace; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }} }} }}",
            root = root.display()
        ),
    )
    .ok()?;
    std::fs::create_dir_all(root.join("tmp")).ok()?;
    Command::new("nginx")
        .args(["-c", &config.to_string_lossy(), "-p", &root.to_string_lossy()])
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

fn stop_nginx(mut nginx: Child) {
    // SIGQUIT lets the master stop its workers (a killed master would leave them running).
    let _ = Command::new("kill")
        .args(["-QUIT", &nginx.id().to_string()])
        .status();
    let _ = nginx.wait();
}

/// The gallery on PostgreSQL behind nginx: one `besace serve`, then two on one database.
fn balanced(dir: &Path, seconds: u32) {
    let admin_url = std::env::var("BESACE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("besace_gallery_bench_{}", std::process::id());
    let database_url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let admin = runtime.block_on(async {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect(&admin_url).await.ok()?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .ok()?;
        Some(admin)
    });
    let Some(admin) = admin else {
        println!("  PostgreSQL is not reachable: no balanced runs");
        return;
    };
    let ports = [free_port(), free_port()];
    let front = free_port();
    let public = format!("http://127.0.0.1:{front}");
    let gallery = runtime.block_on(async {
        let database = besace_server::config::DatabaseArgs {
            database_url: Some(database_url.clone()),
            data_dir: dir.to_path_buf(),
        };
        let db = open_database(&database).await.expect("the bench database opens");
        besace_server::demo::large_gallery(&db, &public, BADGES)
            .await
            .expect("the bench gallery is made")
    });
    let mut nodes: Vec<Child> = ports
        .iter()
        .map(|port| {
            Command::new(env!("CARGO_BIN_EXE_besace"))
                .arg("serve")
                .env("DATABASE_URL", &database_url)
                .env("BESACE_ADDR", format!("127.0.0.1:{port}"))
                .env("BESACE_PUBLIC_URL", &public)
                .env("BESACE_TRUSTED_PROXIES", "127.0.0.1")
                .env("BESACE_DATA_DIR", dir)
                .env("BESACE_REVERIFY_EVERY", "0s")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null())
                .spawn()
                .expect("besace starts")
        })
        .collect();
    for port in ports {
        wait_until_up(&format!("http://127.0.0.1:{port}/healthz"));
    }
    println!("On PostgreSQL, behind nginx (wrk -t2 -c64 -d{seconds}s, uncompressed):");
    for count in [1, 2] {
        let Some(nginx) = balancer(dir, front, &ports[..count]) else {
            println!("  nginx is not installed: no balanced runs");
            break;
        };
        wait_until_up(&format!("{public}/healthz"));
        let load = wrk(&gallery, seconds, &[]);
        let peaks: Vec<String> = nodes[..count]
            .iter()
            .map(|node| format!("{:.1}", memory_kib(node.id()).1 as f64 / 1024.0))
            .collect();
        println!(
            "  {count} process{:<3}  {:>10.0} req/s   p99 {:>9}   peak memory {} MiB{}",
            if count > 1 { "es" } else { "" },
            load.requests_per_second,
            load.p99,
            peaks.join(" + "),
            if load.errors.is_empty() {
                String::new()
            } else {
                format!("   non-2xx: {}", load.errors)
            }
        );
        stop_nginx(nginx);
    }
    for node in &mut nodes {
        let _ = node.kill();
        let _ = node.wait();
    }
    runtime.block_on(async {
        use sea_orm::ConnectionTrait;
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
    });
}

fn main() {
    let seconds: u32 = std::env::var("BESACE_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("besace-gallery-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("static")).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let database = besace_server::config::DatabaseArgs {
        database_url: None,
        data_dir: dir.clone(),
    };

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let gallery = runtime.block_on(async {
        let db = open_database(&database).await.expect("the bench database opens");
        besace_server::demo::large_gallery(&db, &base, BADGES)
            .await
            .expect("the bench gallery is made")
    });

    let mut server = Command::new(env!("CARGO_BIN_EXE_besace"))
        .arg("serve")
        .env("BESACE_ADDR", format!("127.0.0.1:{port}"))
        .env("BESACE_DATA_DIR", &dir)
        .env("BESACE_REVERIFY_EVERY", "0s")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("besace starts");
    wait_until_up(&format!("{base}/healthz"));
    let (idle_kib, _) = memory_kib(server.id());

    // The same bytes for nginx: the page as Besace sends it uncompressed.
    let page = Command::new("curl")
        .args(["-sf", &gallery])
        .output()
        .unwrap()
        .stdout;
    assert!(
        page.len() > 10_000,
        "the gallery page came back ({} bytes)",
        page.len()
    );
    std::fs::write(dir.join("static/gallery.html"), &page).unwrap();
    let nginx_port = free_port();
    let mut reference = nginx(&dir, nginx_port);
    let nginx_url = format!("http://127.0.0.1:{nginx_port}/");
    if reference.is_some() {
        wait_until_up(&nginx_url);
    }

    println!(
        "Public gallery of {BADGES} badges: {} bytes of HTML; wrk -t2 -c64 -d{seconds}s",
        page.len()
    );
    let besace = wrk(&gallery, seconds, &[]);
    let besace_br = wrk(&gallery, seconds, &["Accept-Encoding: br"]);
    let (_, peak_kib) = memory_kib(server.id());
    let nginx_load = reference.as_ref().map(|_| wrk(&nginx_url, seconds, &[]));

    let line = |name: &str, load: &Load| {
        println!(
            "  {name:<34} {:>10.0} req/s   p99 {:>9}   {}",
            load.requests_per_second,
            load.p99,
            if load.errors.is_empty() {
                String::new()
            } else {
                format!("non-2xx: {}", load.errors)
            }
        )
    };
    line("besace, uncompressed", &besace);
    line("besace, brotli", &besace_br);
    match &nginx_load {
        Some(nginx_load) => {
            line("nginx, same bytes from a file", nginx_load);
            println!(
                "  besace / nginx: {:.2} (budget: at least 0.40)",
                besace.requests_per_second / nginx_load.requests_per_second
            );
        }
        None => println!("  nginx is not installed: no reference run (scripts/bench-gallery installs it)"),
    }
    println!(
        "  server memory: {:.1} MiB idle, {:.1} MiB peak under load (budget: 64 / 256)",
        idle_kib as f64 / 1024.0,
        peak_kib as f64 / 1024.0
    );

    let _ = server.kill();
    let _ = server.wait();
    if let Some(nginx) = reference.take() {
        stop_nginx(nginx);
    }
    balanced(&dir, seconds);
    let _ = std::fs::remove_dir_all(&dir);
}
