//! `cargo run -p besace-badges --example verify -- <FILE|URL>`: the library call the
//! `besace verify` subcommand makes, with no options. The command line with its flags is
//! the binary's (`server/src/verify_cli.rs`); this shows only how a caller uses the library.
use besace_badges::{verify_request, HttpFetcher, Limits, Verdict, VerifyRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Some(input) = std::env::args().nth(1) else {
        eprintln!("usage: verify <FILE|URL>");
        std::process::exit(2);
    };
    let request = VerifyRequest {
        input,
        ..Default::default()
    };
    let (verdict, out) = verify_request(&request, &HttpFetcher::new(false, Limits::default())).await;
    println!("{out}");
    std::process::exit(if verdict == Verdict::Valid { 0 } else { 1 });
}
