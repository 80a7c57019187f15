//! `credentialStatus`: 1EdTech revocation lists and (signed) bitstring status lists.

use std::io::Read as _;

use base64::Engine as _;
use serde_json::Value;

use super::proof::verify_proofs;
use crate::context::Ctx;
use crate::json::{as_list, id_of, str_of};
use crate::jws::B64URL;
use crate::report::{CheckId, Report};

/// Bit `index` of a gzip-compressed, base64url (optionally multibase `u`) bitstring.
fn status_bit(encoded: &str, index: usize, cap: usize) -> Result<bool, String> {
    let b64 = encoded.strip_prefix('u').unwrap_or(encoded);
    let gz = B64URL
        .decode(b64)
        .map_err(|_| "encodedList is not base64url".to_string())?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .take(cap as u64 + 1)
        .read_to_end(&mut bits)
        .map_err(|_| "encodedList is not gzip".to_string())?;
    if bits.len() > cap {
        return Err(format!("the status list inflates past {cap} bytes"));
    }
    let byte = bits
        .get(index / 8)
        .ok_or_else(|| format!("index {index} is outside the status list"))?;
    Ok(byte >> (7 - (index % 8)) & 1 == 1)
}

pub(super) async fn check_status(ctx: &Ctx<'_>, r: &mut Report, cred: &Value, issuer_id: &str) {
    let entries = as_list(cred.get("credentialStatus"));
    let cred_id = id_of(cred);
    for entry in entries {
        let kind = str_of(entry, "type").unwrap_or_default();
        match kind {
            "1EdTechRevocationList" => {
                let Some(url) = id_of(entry) else {
                    r.fail(CheckId::Revocation, "credentialStatus has no id");
                    return;
                };
                let list = match ctx.get_status_list(url).await {
                    Ok(l) => l,
                    Err(e) => {
                        r.fail(CheckId::Revocation, format!("revocation list unavailable: {e}"));
                        return;
                    }
                };
                let revoked = as_list(list.get("revokedCredentials")).into_iter().find(|e| {
                    cred_id.is_some()
                        && id_of(e) == cred_id
                        && e.get("revoked").and_then(Value::as_bool) != Some(false)
                });
                if let Some(e) = revoked {
                    let reason = str_of(e, "revocationReason").unwrap_or("no reason given");
                    r.fail(CheckId::Revocation, format!("listed as revoked: {reason}"));
                    return;
                }
            }
            "BitstringStatusListEntry" | "StatusList2021Entry" => {
                let purpose = str_of(entry, "statusPurpose").unwrap_or("revocation");
                let index = match entry.get("statusListIndex") {
                    Some(Value::String(s)) => s.parse::<usize>().ok(),
                    Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
                    _ => None,
                };
                let (Some(index), Some(url)) = (index, str_of(entry, "statusListCredential")) else {
                    r.fail(CheckId::Revocation, "credentialStatus is incomplete");
                    return;
                };
                let list = match ctx.get_status_list(url).await {
                    Ok(l) => l,
                    Err(e) => {
                        r.fail(CheckId::Revocation, format!("status list unavailable: {e}"));
                        return;
                    }
                };
                // The list must be the issuer's own, signed by it.
                if list.get("issuer").and_then(id_of) != Some(issuer_id) {
                    r.fail(CheckId::Revocation, "the status list is not the issuer's");
                    return;
                }
                if let Err((_, d)) = verify_proofs(ctx, &list, issuer_id).await {
                    r.fail(CheckId::Revocation, format!("the status list is not signed: {d}"));
                    return;
                }
                let encoded = as_list(list.get("credentialSubject"))
                    .into_iter()
                    .find_map(|s| str_of(s, "encodedList"));
                let Some(encoded) = encoded else {
                    r.fail(CheckId::Revocation, "the status list has no encodedList");
                    return;
                };
                match status_bit(encoded, index, ctx.limits().max_inflated_text) {
                    Ok(false) => {}
                    Ok(true) if purpose == "revocation" || purpose == "suspension" => {
                        r.fail(
                            CheckId::Revocation,
                            format!("status list bit {index} is set ({purpose})"),
                        );
                        return;
                    }
                    Ok(true) => {}
                    Err(e) => {
                        r.fail(CheckId::Revocation, e);
                        return;
                    }
                }
            }
            other => {
                r.fail(
                    CheckId::Revocation,
                    format!("unsupported credentialStatus type {other:?}"),
                );
                return;
            }
        }
    }
    r.pass(CheckId::Revocation);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bits_are_read_left_to_right() {
        use std::io::Write as _;
        let mut bits = vec![0u8; 16];
        bits[1] = 0b0100_0000; // index 9
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&bits).unwrap();
        let enc = format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gz.finish().unwrap())
        );
        assert_eq!(status_bit(&enc, 9, 1024), Ok(true));
        assert_eq!(status_bit(&enc, 8, 1024), Ok(false));
        assert!(status_bit(&enc, 9, 8).is_err());
        assert!(status_bit(&enc, 1000, 1024).is_err());
    }
}
