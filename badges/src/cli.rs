//! `besace verify <FILE|URL> [--recipient EMAIL]... [--json] [--allow-private-network] [--at RFC3339]`

use std::io::Read as _;

use chrono::{DateTime, Utc};

use crate::context::VerifyOptions;
use crate::fetch::{Fetcher, HttpFetcher};
use crate::limits::Limits;
use crate::report::{Lang, Report};
use crate::verify::{verify_bytes, verify_url};

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

/// What `besace verify` prints and its exit code, for a given fetcher.
pub async fn verify_with(args: &VerifyArgs, fetcher: &dyn Fetcher) -> (i32, String) {
    let opts = VerifyOptions {
        recipients: args.recipients.clone(),
        now: args.at,
        limits: Limits::default(),
        distrusted_issuers: args.distrusted_issuers.clone(),
    };
    let input = args.input.trim();
    let report = if input.starts_with("http://") || input.starts_with("https://") {
        match verify_url(input, fetcher, &opts).await {
            Ok(r) => r,
            Err(e) => return (EXIT_UNREADABLE, unreadable(args.lang, input, &e.to_string())),
        }
    } else {
        match read_capped(input, opts.limits.max_image_bytes.max(opts.limits.max_json_bytes)) {
            Ok(bytes) => verify_bytes(&bytes, fetcher, &opts).await,
            Err(e) => return (EXIT_UNREADABLE, unreadable(args.lang, input, &e)),
        }
    };
    let code = if report.valid() { EXIT_VALID } else { EXIT_INVALID };
    let out = if args.json {
        serde_json::to_string_pretty(&report.to_json(args.lang)).unwrap_or_default()
    } else {
        human(&report, args.lang)
    };
    (code, out)
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

fn read_capped(path: &str, cap: usize) -> Result<Vec<u8>, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    f.take(cap as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() > cap {
        return Err(format!("larger than {cap} bytes"));
    }
    Ok(buf)
}

fn unreadable(lang: Lang, input: &str, why: &str) -> String {
    match lang {
        Lang::En => format!("Could not read {input}: {why}"),
        Lang::Fr => format!("Impossible de lire {input} : {why}"),
    }
}

/// The plain-words summary printed without `--json`.
pub fn human(r: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let verdict = match (lang, r.valid()) {
        (Lang::En, true) => "VALID: this badge is genuine.",
        (Lang::En, false) => "NOT VALID: this badge could not be verified.",
        (Lang::Fr, true) => "VALIDE : ce badge est authentique.",
        (Lang::Fr, false) => "NON VALIDE : ce badge n'a pas pu être vérifié.",
    };
    out.push_str(verdict);
    out.push('\n');
    let b = &r.badge;
    let label = |en: &'static str, fr: &'static str| if lang == Lang::Fr { fr } else { en };
    if let Some(n) = &b.name {
        out.push_str(&format!("{}: {n}\n", label("Badge", "Badge")));
    }
    if let Some(n) = b.issuer.name.as_ref().or(b.issuer.id.as_ref()) {
        out.push_str(&format!("{}: {n}\n", label("Issuer", "Émetteur")));
        let known = match (&b.issuer.identity, lang) {
            (crate::IssuerIdentity::Domain { domain }, Lang::En) => format!("known by its domain, {domain}"),
            (crate::IssuerIdentity::Domain { domain }, Lang::Fr) => {
                format!("connu par son domaine, {domain}")
            }
            (crate::IssuerIdentity::SelfAsserted, Lang::En) => {
                "not confirmed (the name is the badge's own claim)".to_owned()
            }
            (crate::IssuerIdentity::SelfAsserted, Lang::Fr) => {
                "non confirmée (le nom est celui que le badge se donne)".to_owned()
            }
        };
        out.push_str(&format!(
            "{}: {known}\n",
            label("Issuer identity", "Identité de l'émetteur")
        ));
    }
    if let Some(d) = &b.issued_on {
        out.push_str(&format!("{}: {d}\n", label("Issued on", "Émis le")));
    }
    if let Some(d) = &b.expires {
        out.push_str(&format!("{}: {d}\n", label("Expires", "Expire le")));
    }
    if let Some(i) = &r.recipient.identity {
        out.push_str(&format!("{}: {i}\n", label("Issued to", "Attribué à")));
    }
    for c in &r.checks {
        let mark = if c.ok { "  ok  " } else { "  FAIL" };
        out.push_str(&format!("{mark} {}", c.id.message(lang, c.ok)));
        if let (false, Some(d)) = (c.ok, &c.detail) {
            out.push_str(&format!(" [{d}]"));
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}
