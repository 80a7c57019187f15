//! OB 3.0 endorsements: `endorsement` (embedded EndorsementCredentials) and
//! `endorsementJwt` (compact VC-JWTs) on the credential, its achievement and its issuer.
//! Each is verified like a credential — a proof by its own issuer (the endorser), a key
//! bound to that endorser, its dates — but an endorsement that fails never makes the badge
//! itself fail: it is reported as not verified, and pages show only verified ones to
//! visitors. Endorsements of endorsements are not followed.

use serde_json::Value;

use crate::context::Ctx;
use crate::dates;
use crate::json::{as_list, email_of, has_type, id_of, str_of, text_of};
use crate::jws::CompactJws;
use crate::limits::parse_json;
use crate::ob3::{jwt_credential, jwt_key, verify_proofs};
use crate::report::{Endorsed, Endorsement, IssuerIdentity, IssuerInfo};

/// Endorsements read per badge (each costs canonicalisations and fetches).
const MAX_ENDORSEMENTS: usize = 8;

/// The endorsements of `credential`, each verified, in the order they appear.
pub(crate) async fn collect(ctx: &Ctx<'_>, credential: &Value) -> Vec<Endorsement> {
    let achievement = as_list(credential.get("credentialSubject"))
        .into_iter()
        .next()
        .and_then(|subject| subject.get("achievement"))
        .cloned()
        .unwrap_or(Value::Null);
    let issuer = credential.get("issuer").cloned().unwrap_or(Value::Null);
    let mut found = Vec::new();
    for (endorses, node) in [
        (Endorsed::Credential, credential),
        (Endorsed::Achievement, &achievement),
        (Endorsed::Issuer, &issuer),
    ] {
        for embedded in as_list(node.get("endorsement")) {
            found.push((endorses, Source::Embedded(embedded.clone())));
        }
        for jwt in as_list(node.get("endorsementJwt"))
            .into_iter()
            .filter_map(Value::as_str)
        {
            found.push((endorses, Source::Jwt(jwt.to_owned())));
        }
    }
    let mut out = Vec::new();
    for (endorses, source) in found.into_iter().take(MAX_ENDORSEMENTS) {
        out.push(verify(ctx, endorses, source).await);
    }
    out
}

enum Source {
    Embedded(Value),
    Jwt(String),
}

async fn verify(ctx: &Ctx<'_>, endorses: Endorsed, source: Source) -> Endorsement {
    let (document, proof) = match source {
        Source::Embedded(document) => (document, None),
        Source::Jwt(text) => {
            let parsed = CompactJws::parse(&text, ctx.limits())
                .map_err(|e| e.to_string())
                .and_then(|jws| {
                    let payload = parse_json(&jws.payload, ctx.limits()).map_err(|e| e.to_string())?;
                    Ok((jwt_credential(&payload), jws))
                });
            match parsed {
                Ok((credential, jws)) => (credential, Some(jws)),
                Err(why) => return not_verified(endorses, &Value::Null, format!("not a VC-JWT: {why}")),
            }
        }
    };
    let endorser_id = document
        .get("issuer")
        .and_then(id_of)
        .unwrap_or_default()
        .to_owned();
    if !has_type(&document, "EndorsementCredential") {
        return not_verified(endorses, &document, "not an EndorsementCredential".into());
    }
    let proved = match &proof {
        None => verify_proofs(ctx, &document, &endorser_id).await,
        Some(jws) => match jwt_key(ctx, jws, &endorser_id).await {
            Ok(key) => jws
                .verify(&key)
                .map_err(|e| (crate::CheckId::Signature, e.to_string())),
            Err(failure) => Err(failure),
        },
    };
    if let Err((_, why)) = proved {
        return not_verified(endorses, &document, why);
    }
    let from = document
        .get("validFrom")
        .or(document.get("issuanceDate"))
        .and_then(dates::parse);
    let until = document
        .get("validUntil")
        .or(document.get("expirationDate"))
        .and_then(dates::parse);
    let skew = chrono::Duration::seconds(dates::CLOCK_SKEW_SECONDS);
    if from.is_some_and(|d| d > ctx.now + skew) {
        return not_verified(endorses, &document, "not valid yet".into());
    }
    if until.is_some_and(|d| d <= ctx.now) {
        return not_verified(endorses, &document, "expired".into());
    }
    Endorsement {
        verified: true,
        detail: None,
        ..described(endorses, &document)
    }
}

fn not_verified(endorses: Endorsed, document: &Value, why: String) -> Endorsement {
    Endorsement {
        verified: false,
        detail: Some(why),
        ..described(endorses, document)
    }
}

/// What the endorsement says: its endorser, comment and date (untrusted text).
fn described(endorses: Endorsed, document: &Value) -> Endorsement {
    let endorser = document.get("issuer").cloned().unwrap_or(Value::Null);
    let endorser_id = id_of(&endorser).unwrap_or_default();
    let subject = as_list(document.get("credentialSubject"))
        .into_iter()
        .next()
        .cloned()
        .unwrap_or(Value::Null);
    Endorsement {
        endorses,
        endorser: IssuerInfo {
            id: (!endorser_id.is_empty()).then(|| endorser_id.to_owned()),
            name: text_of(endorser.get("name")),
            url: str_of(&endorser, "url").map(str::to_owned),
            email: email_of(&endorser),
            identity: IssuerIdentity::of(endorser_id),
        },
        comment: text_of(subject.get("endorsementComment")),
        issued_on: document
            .get("validFrom")
            .or(document.get("issuanceDate"))
            .and_then(dates::parse)
            .map(|d| d.to_rfc3339()),
        verified: false,
        detail: None,
    }
}
