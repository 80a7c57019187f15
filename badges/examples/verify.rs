//! `cargo run -p besace-badges --example verify -- <FILE|URL> [--recipient EMAIL]... [--json]
//! [--allow-private-network] [--at RFC3339] [--lang en|fr]` — the library call the
//! `besace verify` subcommand makes, with a minimal argument parser (the library does not
//! depend on clap; the `besace` binary owns the real command line).
use besace_badges::{verify_request, HttpFetcher, Lang, Limits, Verdict, VerifyRequest};

const USAGE: &str = "usage: verify <FILE|URL> [--recipient EMAIL]... [--json] [--allow-private-network] \
                     [--at RFC3339] [--lang en|fr]";

/// The request, and whether private addresses may be fetched.
fn parse(mut argv: impl Iterator<Item = String>) -> Result<(VerifyRequest, bool), String> {
    let mut req = VerifyRequest::default();
    let mut allow_private_network = false;
    let mut input = None;
    while let Some(arg) = argv.next() {
        let mut value = |flag: &str| argv.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--recipient" => req.recipients.push(value("--recipient")?),
            "--json" => req.json = true,
            "--allow-private-network" => allow_private_network = true,
            "--at" => {
                let at = value("--at")?;
                let at = chrono::DateTime::parse_from_rfc3339(&at)
                    .map_err(|e| format!("--at: not an RFC 3339 date-time: {e}"))?;
                req.at = Some(at.with_timezone(&chrono::Utc));
            }
            "--lang" => {
                req.lang = match value("--lang")?.as_str() {
                    "en" => Lang::En,
                    "fr" => Lang::Fr,
                    _ => return Err("--lang: expected en or fr".into()),
                }
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if input.is_some() => return Err(format!("unexpected argument {arg}")),
            _ => input = Some(arg),
        }
    }
    req.input = input.ok_or("a FILE or URL is required")?;
    Ok((req, allow_private_network))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (req, allow_private_network) = match parse(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let fetcher = HttpFetcher::new(allow_private_network, Limits::default());
    let (verdict, out) = verify_request(&req, &fetcher).await;
    let code = match verdict {
        Verdict::Valid => 0,
        Verdict::Invalid => 1,
        Verdict::Unreadable => 2,
    };
    if verdict == Verdict::Unreadable {
        eprintln!("{out}");
    } else {
        println!("{out}");
    }
    std::process::exit(code);
}
