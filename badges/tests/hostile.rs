//! Hostile input (docs/CONTRACTS.md, "Hostile input"): every case gives a clear error within bounded
//! memory and time, and never a panic.
mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use besace_badges::{extract, FetchError, FetchKind, Fetcher, HttpFetcher, Limits};
use common::*;

/// (fixture, words the extraction error must contain)
const REFUSED: &[(&str, &str)] = &[
    ("hostile/truncated.png", "cut short"),
    ("hostile/bad-crc.png", "CRC"),
    ("hostile/ztxt-bomb.png", "inflate past 2097152"),
    ("hostile/itxt-bomb.png", "inflate past 2097152"),
    ("hostile/itxt-invalid-utf8.png", "corrupt"),
    ("hostile/no-badge.png", "no Open Badges text chunk"),
    ("hostile/billion-laughs.svg", "entities"),
    ("hostile/xxe.svg", "entities"),
    ("hostile/deep.json", "nested deeper than 64"),
    ("hostile/huge.json", "larger than 2097152"),
    ("hostile/invalid-utf8.json", "not valid"),
    ("hostile/not-a-badge.txt", "not a PNG, an SVG"),
    ("hostile/garbage.bin", "UTF-8"),
];

#[tokio::test]
async fn hostile_files_are_refused_with_a_clear_error() {
    for (file, words) in REFUSED {
        let bytes = read(file);
        let started = Instant::now();
        let err = extract(&bytes, &Limits::default()).expect_err(file);
        assert!(
            err.to_string().contains(words),
            "{file}: {err} (wanted {words:?})"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "{file} took too long");
        let r = verify(file, &[LEARNER]).await;
        assert!(!r.valid(), "{file}");
        assert_eq!(failed(&r), ["extract"], "{file}");
        let fr = r.to_json(besace_badges::Lang::Fr);
        assert!(
            fr["errors"][0]
                .as_str()
                .unwrap()
                .starts_with("Aucun badge lisible"),
            "{file}"
        );
        insta::assert_json_snapshot!(file.replace(['/', '.'], "_"), r);
    }
}

#[tokio::test]
async fn a_scripted_svg_is_read_but_flagged_as_active_content() {
    let bytes = read("hostile/scripted.svg");
    let x = extract(&bytes, &Limits::default()).unwrap();
    assert!(x.active_content);
    // The badge inside is still the issuer's and verifies: the SVG is only ever shown
    // through <img> with a sandboxing CSP.
    let r = verify("hostile/scripted.svg", &[LEARNER]).await;
    assert!(r.valid(), "{:?}", failed(&r));
    let clean = extract(&read("ob2/signed.svg"), &Limits::default()).unwrap();
    assert!(!clean.active_content);
}

#[test]
fn caps_can_be_tightened() {
    let tight = Limits {
        max_inflated_text: 1024,
        ..Limits::default()
    };
    let e = extract(&read("ob3/baked-di-compressed.png"), &tight).unwrap_err();
    assert!(e.to_string().contains("inflate past 1024"), "{e}");
    assert!(extract(&read("ob3/baked-di-compressed.png"), &Limits::default()).is_ok());
    let small = Limits {
        max_image_bytes: 100,
        max_json_bytes: 100,
        ..Limits::default()
    };
    let e = extract(&read("ob2/signed.png"), &small).unwrap_err();
    assert!(e.to_string().contains("larger than"), "{e}");
}

#[tokio::test]
async fn private_addresses_are_refused_after_dns_and_on_every_redirect() {
    let server = serve(routes()).await;
    let port = server.port;
    // Production settings: loopback refused, by IP and by name.
    let prod = HttpFetcher::new(false, Limits::default());
    for url in [
        format!("http://127.0.0.1:{port}/ob2/issuer.json"),
        format!("http://localhost:{port}/ob2/issuer.json"),
        format!("http://[::1]:{port}/ob2/issuer.json"),
    ] {
        let e = prod.fetch(&url, FetchKind::Json).await.unwrap_err();
        assert!(matches!(e, FetchError::ForbiddenAddress(_)), "{url}: {e}");
    }
    // 127.0.0.1 allowed alone: a redirect to another loopback address is re-checked.
    let one = HttpFetcher::new(false, Limits::default()).allow_ips([IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let ok = one
        .fetch(
            &format!("http://127.0.0.1:{port}/ob2/issuer.json"),
            FetchKind::Json,
        )
        .await
        .unwrap();
    assert_eq!(ok.status, 200);
    let mut routes = routes();
    routes.insert(
        "http://hosted.besace.test/hop".into(),
        Route {
            status: 302,
            body: vec![],
            content_type: "text/plain".into(),
            location: Some(format!("http://127.0.0.2:{port}/ob2/issuer.json")),
        },
    );
    let server2 = serve(routes).await;
    let e = one
        .fetch(&format!("http://127.0.0.1:{}/hop", server2.port), FetchKind::Json)
        .await
        .unwrap_err();
    assert!(
        matches!(e, FetchError::ForbiddenAddress(ref a) if a == "127.0.0.2"),
        "{e}"
    );
}

#[tokio::test]
async fn redirect_loops_stop_after_five_hops() {
    let server = serve(routes()).await;
    let f = HttpFetcher::new(true, Limits::default());
    let e = f
        .fetch(
            &format!("http://127.0.0.1:{}/redirect/loop", server.port),
            FetchKind::Json,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, FetchError::TooManyRedirects(5)), "{e}");
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let mut routes = routes();
    routes.insert(
        "http://hosted.besace.test/big".into(),
        Route {
            status: 200,
            body: vec![b' '; 3 * 1024 * 1024],
            content_type: "application/json".into(),
            location: None,
        },
    );
    let server = serve(routes).await;
    let f = HttpFetcher::new(true, Limits::default());
    let e = f
        .fetch(&format!("http://127.0.0.1:{}/big", server.port), FetchKind::Json)
        .await
        .unwrap_err();
    assert!(matches!(e, FetchError::TooLarge(2097152)), "{e}");
}

#[tokio::test]
async fn slow_servers_time_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let (_sock, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let f = HttpFetcher::new(
        true,
        Limits {
            fetch_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
    );
    let started = Instant::now();
    let e = f
        .fetch(&format!("http://127.0.0.1:{port}/"), FetchKind::Json)
        .await
        .unwrap_err();
    assert!(matches!(e, FetchError::Timeout), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    hold.abort();
}

#[tokio::test]
async fn json_ld_work_is_bounded() {
    let cred: serde_json::Value = serde_json::from_slice(&read("ob3/di-didkey.json")).unwrap();
    // Many copies of a genuine proof: refused before any canonicalisation.
    let mut many_proofs = cred.clone();
    many_proofs["proof"] = serde_json::Value::Array(vec![cred["proof"].clone(); 5]);
    let started = Instant::now();
    let r = besace_badges::verify_bytes(
        many_proofs.to_string().as_bytes(),
        &MapFetcher::new(),
        &opts(&[LEARNER]),
    )
    .await;
    assert_eq!(failed(&r), ["signature"]);
    assert!(r
        .checks
        .iter()
        .any(|c| c.detail.as_deref() == Some("more than 4 proofs")));
    // The same context listed hundreds of times.
    let mut many_contexts = cred.clone();
    let list = cred["@context"].as_array().unwrap().clone();
    let repeated: Vec<serde_json::Value> = (0..250).flat_map(|_| list.iter().cloned()).collect();
    many_contexts["@context"] = serde_json::Value::Array(repeated);
    let r = besace_badges::verify_bytes(
        many_contexts.to_string().as_bytes(),
        &MapFetcher::new(),
        &opts(&[LEARNER]),
    )
    .await;
    assert_eq!(failed(&r), ["signature"]);
    assert!(started.elapsed() < Duration::from_secs(2));
}
