//! Compact JWS / JWT (RFC 7515/7519): parsing and signature checks over the exact
//! signing input.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::Value;

use crate::keys::{KeyError, PublicKey};
use crate::limits::{parse_json, Limits};

/// base64url, padding optional (some issuer tools pad).
pub const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A parsed compact JWS.
#[derive(Debug, Clone)]
pub struct CompactJws {
    pub header: Value,
    pub payload: Vec<u8>,
    signing_input_len: usize,
    raw: String,
    pub signature: Vec<u8>,
}

/// Why a JWS could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwsError {
    #[error("not a compact JWS (three base64url parts)")]
    NotCompact,
    #[error("the JWS header is not valid JSON")]
    BadHeader,
    #[error("the JWS payload is not valid JSON: {0}")]
    BadPayload(String),
    #[error("the JWS has no algorithm")]
    NoAlg,
}

/// Cheap test: three dot-separated base64url parts, the first starting like `{"`.
pub fn looks_like_compact_jws(s: &str) -> bool {
    let s = s.trim();
    let mut parts = s.split('.');
    let (Some(h), Some(p), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !h.is_empty()
        && h.starts_with("ey")
        && [h, p, sig].iter().all(|x| {
            x.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
        })
}

impl CompactJws {
    pub fn parse(s: &str, limits: &Limits) -> Result<Self, JwsError> {
        let s = s.trim();
        if s.len() > limits.max_json_bytes * 2 || !looks_like_compact_jws(s) {
            return Err(JwsError::NotCompact);
        }
        let mut parts = s.split('.');
        let (h, p, sig) = match (parts.next(), parts.next(), parts.next()) {
            (Some(h), Some(p), Some(sig)) => (h, p, sig),
            _ => return Err(JwsError::NotCompact),
        };
        let header_bytes = B64URL.decode(h).map_err(|_| JwsError::NotCompact)?;
        let header = parse_json(&header_bytes, limits).map_err(|_| JwsError::BadHeader)?;
        if !header.is_object() {
            return Err(JwsError::BadHeader);
        }
        let payload = B64URL.decode(p).map_err(|_| JwsError::NotCompact)?;
        let signature = B64URL.decode(sig).map_err(|_| JwsError::NotCompact)?;
        Ok(CompactJws {
            header,
            payload,
            signing_input_len: h.len() + 1 + p.len(),
            raw: s.to_string(),
            signature,
        })
    }

    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The payload as JSON, under the JSON caps.
    pub fn payload_json(&self, limits: &Limits) -> Result<Value, JwsError> {
        parse_json(&self.payload, limits).map_err(|e| JwsError::BadPayload(e.to_string()))
    }

    /// Checks the signature with `key`, using the header's algorithm (`none` is refused).
    pub fn verify(&self, key: &PublicKey) -> Result<(), KeyError> {
        let alg = self.alg().ok_or(KeyError::UnsupportedAlg("none".into()))?;
        key.verify_jose(
            alg,
            &self.raw.as_bytes()[..self.signing_input_len],
            &self.signature,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_compact_form_only() {
        assert!(looks_like_compact_jws("eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln"));
        assert!(!looks_like_compact_jws("eyJ.a.b.c"));
        assert!(!looks_like_compact_jws("https://example.org/a.b"));
        assert!(!looks_like_compact_jws("{\"a\":1}"));
    }

    #[test]
    fn none_algorithm_never_verifies() {
        let jws = CompactJws::parse("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", &Limits::default());
        // An empty signature part is still three parts.
        let jws = jws.unwrap();
        let key = PublicKey::from_multibase("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp").unwrap();
        assert_eq!(jws.verify(&key), Err(KeyError::UnsupportedAlg("none".into())));
    }
}
