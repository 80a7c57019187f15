//! `besace verify <FILE|URL> [--recipient EMAIL]... [--json] [--allow-private-network] [--at RFC3339]`:
//! the command line, the exit codes and the printing. The verification itself, and the
//! text it shows, are the library's ([`besace_badges::command`]).

use besace_badges::{verify_request, Fetcher, HttpFetcher, Lang, Limits, Verdict, VerifyRequest};
use chrono::{DateTime, Utc};

/// Exit code: the badge is valid.
pub const EXIT_VALID: i32 = 0;
/// Exit code: the badge is not valid.
pub const EXIT_INVALID: i32 = 1;
/// Exit code: the input could not be read, or the command line is wrong.
pub const EXIT_UNREADABLE: i32 = 2;

fn parse_at(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 date-time: {e}"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    match s {
        "en" => Ok(Lang::En),
        "fr" => Ok(Lang::Fr),
        _ => Err("expected en or fr".into()),
    }
}

/// Verify one badge exactly as the import does.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// A badge file (baked PNG or SVG, JSON, JWS/JWT) or an http(s) URL.
    #[arg(value_name = "FILE|URL")]
    pub input: String,
    /// An identity (e-mail address, URL, telephone) the learner owns; repeatable.
    #[arg(long = "recipient", value_name = "EMAIL")]
    pub recipients: Vec<String>,
    /// Print the verification report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Allow fetching from loopback and private addresses (tests only).
    #[arg(long, env = "BESACE_ALLOW_PRIVATE_NETWORK", value_parser = clap::builder::FalseyValueParser::new())]
    pub allow_private_network: bool,
    /// Verify as of this moment instead of now (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_at)]
    pub at: Option<DateTime<Utc>>,
    /// Language of the messages: en or fr.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    /// Trust the demo issuer, whose keys are public, as `besace serve --demo` does.
    #[arg(long, env = "BESACE_DEMO", value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,
    /// Issuers whose keys are public (set by the program, not on the command line).
    #[arg(skip)]
    pub distrusted_issuers: Vec<String>,
}

impl VerifyArgs {
    /// What the library is asked.
    pub fn request(&self) -> VerifyRequest {
        VerifyRequest {
            input: self.input.clone(),
            recipients: self.recipients.clone(),
            json: self.json,
            at: self.at,
            lang: self.lang,
            distrusted_issuers: self.distrusted_issuers.clone(),
        }
    }
}

/// The process exit code of a verdict.
pub fn exit_code(verdict: Verdict) -> i32 {
    match verdict {
        Verdict::Valid => EXIT_VALID,
        Verdict::Invalid => EXIT_INVALID,
        Verdict::Unreadable => EXIT_UNREADABLE,
    }
}

/// What `besace verify` prints and its exit code, for a given fetcher.
pub async fn verify_with(args: &VerifyArgs, fetcher: &dyn Fetcher) -> (i32, String) {
    let (verdict, out) = verify_request(&args.request(), fetcher).await;
    (exit_code(verdict), out)
}

/// Runs `besace verify`: prints the result and returns the process exit code.
pub async fn run_verify(args: VerifyArgs) -> i32 {
    let fetcher = HttpFetcher::new(args.allow_private_network, Limits::default());
    run_verify_with(&args, &fetcher).await
}

/// [`run_verify`] through a given fetcher (one that also knows bundled documents).
pub async fn run_verify_with(args: &VerifyArgs, fetcher: &dyn Fetcher) -> i32 {
    let (code, out) = verify_with(args, fetcher).await;
    if code == EXIT_UNREADABLE {
        eprintln!("{out}");
    } else {
        println!("{out}");
    }
    code
}
