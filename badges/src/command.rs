//! `besace verify` without its command line: read one badge (a file or an http(s) URL),
//! verify it exactly as the import does, and render the report in plain words or as
//! JSON. The `besace` binary parses the arguments, prints the text and turns the
//! [`Verdict`] into the process exit code.

use std::io::Read as _;

use chrono::{DateTime, Utc};

use crate::context::VerifyOptions;
use crate::fetch::Fetcher;
use crate::limits::Limits;
use crate::report::{Lang, Report};
use crate::verify::{verify_bytes, verify_url};

/// What `besace verify` is asked: one badge, and how to verify and report it.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    /// A badge file (baked PNG or SVG, JSON, JWS/JWT) or an http(s) URL.
    pub input: String,
    /// Identities (e-mail address, URL, telephone) the learner owns.
    pub recipients: Vec<String>,
    /// Render the verification report as JSON instead of plain words.
    pub json: bool,
    /// Verify as of this moment instead of now.
    pub at: Option<DateTime<Utc>>,
    /// Language of the messages.
    pub lang: Lang,
    /// Issuers whose keys are public.
    pub distrusted_issuers: Vec<String>,
}

/// The outcome of [`verify_request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The badge is valid.
    Valid,
    /// The badge is not valid.
    Invalid,
    /// The input could not be read (file or URL); the text says why.
    Unreadable,
}

/// Verifies `req.input` through `fetcher`: the verdict, and the text to show (the
/// plain-words summary, the JSON report, or why the input could not be read).
pub async fn verify_request(req: &VerifyRequest, fetcher: &dyn Fetcher) -> (Verdict, String) {
    let opts = VerifyOptions {
        recipients: req.recipients.clone(),
        now: req.at,
        limits: Limits::default(),
        distrusted_issuers: req.distrusted_issuers.clone(),
    };
    let input = req.input.trim();
    let report = if input.starts_with("http://") || input.starts_with("https://") {
        match verify_url(input, fetcher, &opts).await {
            Ok(r) => r,
            Err(e) => return (Verdict::Unreadable, unreadable(req.lang, input, &e.to_string())),
        }
    } else {
        match read_capped(input, opts.limits.max_image_bytes.max(opts.limits.max_json_bytes)) {
            Ok(bytes) => verify_bytes(&bytes, fetcher, &opts).await,
            Err(e) => return (Verdict::Unreadable, unreadable(req.lang, input, &e)),
        }
    };
    let verdict = if report.valid() {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    let out = if req.json {
        serde_json::to_string_pretty(&report.to_json(req.lang)).unwrap_or_default()
    } else {
        human(&report, req.lang)
    };
    (verdict, out)
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
