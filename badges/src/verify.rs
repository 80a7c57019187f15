//! The entry points: bytes or a URL in, a [`Report`] out.

use crate::context::{Ctx, VerifyOptions};
use crate::extract::{extract, Payload};
use crate::fetch::{FetchError, FetchKind, FetchResponse, Fetcher};
use crate::jws::CompactJws;
use crate::report::{CheckId, Report};
use crate::{ob2, ob3};

/// Verifies a badge from the bytes a learner gave (baked PNG or SVG, JSON, JWS/JWT, or a
/// URL as text). Network access only through `fetcher`.
pub async fn verify_bytes(bytes: &[u8], fetcher: &dyn Fetcher, opts: &VerifyOptions) -> Report {
    let ctx = Ctx::new(fetcher, opts);
    let mut r = Report::default();
    let payload = match extract(bytes, &opts.limits) {
        Ok(x) => x.payload,
        Err(e) => {
            r.fail(CheckId::Extract, e.to_string());
            return r;
        }
    };
    r.pass(CheckId::Extract);
    match payload {
        Payload::Url(u) => match fetch_input(&ctx, &u).await {
            Ok(resp) => verify_fetched(&ctx, &mut r, &resp).await,
            Err(e) => {
                r.fail(CheckId::HostedFetch, format!("{u}: {e}"));
            }
        },
        other => verify_payload(&ctx, &mut r, other, None).await,
    }
    check_trust(&mut r, &ctx);
    r.unreachable = ctx.unreachable();
    r
}

/// A badge from an issuer whose keys everyone holds fails, whatever its signature says.
/// An entry names the issuer's id, or (ending with `/`) a site whose every document is
/// that issuer's: then a badge that relies on a document there is distrusted even when
/// that document could not be read.
fn check_trust(r: &mut Report, ctx: &Ctx<'_>) {
    let distrusted = &ctx.opts.distrusted_issuers;
    if distrusted.is_empty() {
        return;
    }
    let names = |id: &str| {
        distrusted
            .iter()
            .any(|d| d == id || (d.ends_with('/') && id.starts_with(d.as_str())))
    };
    let asked = ctx.asked();
    let relied_on = [r.badge.issuer.id.as_deref(), r.badge.id.as_deref()]
        .into_iter()
        .flatten()
        .chain(asked.iter().map(String::as_str));
    if relied_on.into_iter().any(names) {
        r.fail(
            CheckId::IssuerTrust,
            "the issuer's private key is public (demo issuer)",
        );
    }
}

/// Verifies the badge at `url` (a hosted assertion, a baked image, a credential or JWT).
/// An error means the URL could not be read at all (`besace verify` exits 2).
pub async fn verify_url(
    url: &str,
    fetcher: &dyn Fetcher,
    opts: &VerifyOptions,
) -> Result<Report, FetchError> {
    let ctx = Ctx::new(fetcher, opts);
    let resp = fetch_input(&ctx, url).await?;
    let mut r = Report::default();
    verify_fetched(&ctx, &mut r, &resp).await;
    check_trust(&mut r, &ctx);
    r.unreachable = ctx.unreachable();
    Ok(r)
}

async fn fetch_input(ctx: &Ctx<'_>, url: &str) -> Result<FetchResponse, FetchError> {
    let resp = ctx.get(url, FetchKind::Badge).await?;
    if resp.status != 410 && !(200..300).contains(&resp.status) {
        return Err(FetchError::Http(format!("HTTP {}", resp.status)));
    }
    Ok(resp)
}

/// The document fetched from a URL the learner gave (or that a PNG/SVG pointed to).
async fn verify_fetched(ctx: &Ctx<'_>, r: &mut Report, resp: &FetchResponse) {
    if resp.status == 410 {
        r.pass(CheckId::Extract);
        r.fail(CheckId::Revocation, format!("{} answers HTTP 410 Gone", resp.url));
        return;
    }
    let payload = match extract(&resp.body, ctx.limits()) {
        Ok(x) => x.payload,
        Err(e) => {
            r.fail(CheckId::Extract, format!("{}: {e}", resp.url));
            return;
        }
    };
    r.pass(CheckId::Extract);
    if let Payload::Url(u) = &payload {
        // A URL that points to another URL: follow no further.
        r.fail(CheckId::Extract, format!("{}: points on to {u}", resp.url));
        return;
    }
    verify_payload(ctx, r, payload, Some(&resp.url)).await;
}

async fn verify_payload(ctx: &Ctx<'_>, r: &mut Report, payload: Payload, found_at: Option<&str>) {
    match payload {
        Payload::Json(v) => {
            if ob3::is_credential(&v) {
                ob3::verify_json(ctx, r, v).await
            } else {
                ob2::verify_json(ctx, r, v, found_at).await
            }
        }
        Payload::Jws(s) => {
            let jws = match CompactJws::parse(&s, ctx.limits()) {
                Ok(j) => j,
                Err(e) => {
                    r.fail(CheckId::Extract, e.to_string());
                    return;
                }
            };
            let Some(payload) = ob3::jwt_payload(&jws, ctx) else {
                r.fail(CheckId::Extract, "the signed payload is not valid JSON");
                return;
            };
            if ob3::is_credential(&payload) {
                ob3::verify_jwt(ctx, r, jws, payload).await
            } else {
                ob2::verify_signed(ctx, r, jws, payload).await
            }
        }
        Payload::Url(u) => {
            r.fail(CheckId::Extract, format!("unexpected nested URL {u}"));
        }
    }
}
