//! `besace verify`: arguments, exit codes (0 valid, 1 invalid, 2 unreadable/usage) and output.
//! The badges are the verification library's fixtures (`badges/fixtures`).

use besace_badges::testing::*;
use besace_server::verify_cli::{verify_with, VerifyArgs, EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID};
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: VerifyArgs,
}

fn args(argv: &[&str]) -> Result<VerifyArgs, clap::Error> {
    let mut full = vec!["verify"];
    full.extend_from_slice(argv);
    Cli::try_parse_from(full).map(|c| c.args)
}

fn path(rel: &str) -> String {
    fixtures().join(rel).to_string_lossy().into_owned()
}

#[tokio::test]
async fn a_valid_badge_exits_0_with_plain_words() {
    let p = path("ob2/signed.png");
    let a = args(&[&p, "--recipient", LEARNER, "--at", "2026-06-01T00:00:00Z"]).unwrap();
    let (code, out) = verify_with(&a, &MapFetcher::new()).await;
    assert_eq!(code, EXIT_VALID, "{out}");
    assert!(out.starts_with("VALID: this badge is genuine."), "{out}");
    assert!(out.contains("Badge: Être ponctuel"), "{out}");
    assert!(out.contains("Issued to: ana.martin@example.org"), "{out}");
}

#[tokio::test]
async fn an_invalid_badge_exits_1_and_json_is_the_report() {
    let p = path("ob3/di-tampered-name.json");
    let a = args(&[&p, "--json", "--at", "2026-06-01T00:00:00Z", "--lang", "fr"]).unwrap();
    let (code, out) = verify_with(&a, &MapFetcher::new()).await;
    assert_eq!(code, EXIT_INVALID);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["spec"], "ob3");
    assert_eq!(v["method"], "eddsa-rdfc-2022");
    assert!(v["errors"][0]
        .as_str()
        .unwrap()
        .starts_with("La signature numérique n'est pas valide"));
}

#[tokio::test]
async fn expiry_depends_on_at() {
    let p = path("ob2/signed-expired.png");
    let before = args(&[&p, "--at", "2025-12-01T00:00:00Z"]).unwrap();
    assert_eq!(verify_with(&before, &MapFetcher::new()).await.0, EXIT_VALID);
    let after = args(&[&p, "--at", "2026-02-01T00:00:00+01:00"]).unwrap();
    let (code, out) = verify_with(&after, &MapFetcher::new()).await;
    assert_eq!(code, EXIT_INVALID);
    assert!(out.contains("FAIL The badge has expired"), "{out}");
}

#[tokio::test]
async fn unreadable_input_exits_2() {
    let a = args(&["/nonexistent/badge.png"]).unwrap();
    let (code, out) = verify_with(&a, &MapFetcher::new()).await;
    assert_eq!(code, EXIT_UNREADABLE);
    assert!(out.starts_with("Could not read /nonexistent/badge.png"), "{out}");
    let a = args(&["https://issuer.example/no-such-badge.json"]).unwrap();
    assert_eq!(verify_with(&a, &MapFetcher::new()).await.0, EXIT_UNREADABLE);
}

#[test]
fn usage_errors_are_reported_by_clap() {
    assert!(args(&[]).is_err());
    assert!(args(&["x.png", "--at", "tomorrow"]).is_err());
    assert!(args(&["x.png", "--lang", "de"]).is_err());
    let a = args(&[
        "x.png",
        "--recipient",
        "a@b.c",
        "--recipient",
        "d@e.f",
        "--allow-private-network",
    ])
    .unwrap();
    assert_eq!(a.recipients, ["a@b.c", "d@e.f"]);
    assert!(a.allow_private_network);
}

#[tokio::test]
async fn a_hosted_url_is_verified_through_the_real_fetcher() {
    let server = serve(routes()).await;
    // The fixture host is mapped onto the 127.0.0.1 server by the test fetcher.
    let url = "http://hosted.besace.test/ob2/allowed/1.json";
    let a = args(&[url, "--recipient", LEARNER, "--at", "2026-06-01T00:00:00Z"]).unwrap();
    let (code, out) = verify_with(&a, &LocalFetcher::new(server.port)).await;
    assert_eq!(code, EXIT_VALID, "{out}");
    let url = format!("http://127.0.0.1:{}/ob2/allowed/1.json", server.port);
    // Without --allow-private-network the real fetcher refuses 127.0.0.1: exit 2.
    let a = args(&[&url]).unwrap();
    let (code, out) = besace_server::verify_cli::verify_with(
        &a,
        &besace_badges::HttpFetcher::new(a.allow_private_network, besace_badges::Limits::default()),
    )
    .await;
    assert_eq!(code, EXIT_UNREADABLE, "{out}");
    assert!(out.contains("not on the public internet"), "{out}");
}

/// The server runs verifications inside axum handlers and spawned tasks: the futures must
/// be `Send`.
#[test]
fn verification_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let f = besace_badges::NoFetch;
    let o = besace_badges::VerifyOptions::default();
    assert_send(&besace_badges::verify_bytes(b"", &f, &o));
    assert_send(&besace_badges::verify_url("https://x.example/", &f, &o));
    let a = args(&["x.png"]).unwrap();
    assert_send(&verify_with(&a, &f));
    assert_send(&besace_server::verify_cli::run_verify(a.clone()));
}

#[tokio::test]
async fn besace_verify_takes_every_real_issuers_badge() {
    // The real-world fixtures (fixtures/gen/gen_moodle.py and gen_realworld.py), hosted
    // ones through the real fetcher on the test server, exactly as `besace verify` runs.
    let server = serve(routes()).await;
    let fetcher = LocalFetcher::new(server.port);
    for (file, recipient, known_by) in [
        (
            "moodle/baked.png",
            Some(LEARNER),
            "known by its domain, moodle.besace.test",
        ),
        (
            "moodle/assertion.json",
            Some(LEARNER),
            "known by its domain, moodle.besace.test",
        ),
        (
            "realworld/badgr-assertion.json",
            Some(LEARNER),
            "known by its domain, badgr.besace.test",
        ),
        (
            "realworld/credly-assertion.json",
            Some(LEARNER),
            "known by its domain, credly.besace.test",
        ),
        (
            "realworld/passport-assertion.json",
            Some(LEARNER),
            "known by its domain, passport.besace.test",
        ),
        (
            "realworld/1edtech-sample.jwt",
            None,
            "known by its domain, example.com",
        ),
        (
            "ob3/jwt-eddsa.jwt",
            Some(LEARNER),
            "not confirmed (the name is the badge's own claim)",
        ),
    ] {
        let p = path(file);
        let mut argv = vec![p.as_str(), "--at", "2026-06-01T00:00:00Z"];
        if let Some(recipient) = recipient {
            argv.extend(["--recipient", recipient]);
        }
        let (code, out) = verify_with(&args(&argv).unwrap(), &fetcher).await;
        assert_eq!(code, EXIT_VALID, "{file}: {out}");
        assert!(
            out.contains(&format!("Issuer identity: {known_by}")),
            "{file}: {out}"
        );
    }
}
