//! From the bytes a learner gives to the badge payload: a JSON document, a compact JWS/JWT
//! or a URL, whatever the container (PNG, SVG, raw JSON, raw JWS, URL).

use serde_json::Value;

use crate::jws::looks_like_compact_jws;
use crate::limits::{parse_json, JsonError, Limits};
use crate::png::{PngError, KEYWORD_OB3};
use crate::svg::SvgError;

/// Where the payload was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Png,
    Svg,
    Json,
    Jws,
    Url,
}

/// The badge data itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Json(Value),
    Jws(String),
    Url(String),
}

/// The result of extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub container: Container,
    /// The container said "3.0" (`openbadgecredential` chunk or `openbadges:credential`).
    pub v3_container: bool,
    /// The SVG carries scripts or event handlers (shown only sandboxed through `<img>`).
    pub active_content: bool,
    pub payload: Payload,
}

/// Why no badge could be extracted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("the input is empty")]
    Empty,
    #[error("the input is larger than {0} bytes")]
    TooLarge(usize),
    #[error("PNG: {0}")]
    Png(#[from] PngError),
    #[error("SVG: {0}")]
    Svg(#[from] SvgError),
    #[error("JSON: {0}")]
    Json(#[from] JsonError),
    #[error("the text is not valid UTF-8")]
    NotUtf8,
    #[error("the badge data is neither JSON, a signed badge (JWS) nor a URL")]
    UnknownPayload,
    #[error("the file is not a PNG, an SVG, JSON, a JWS or a URL")]
    UnknownContainer,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Classifies badge text found in a container (or given as is).
pub fn classify_text(text: &str, limits: &Limits) -> Result<Payload, ExtractError> {
    let t = text.trim().trim_start_matches('\u{feff}');
    if t.starts_with('{') || t.starts_with('[') {
        return Ok(Payload::Json(parse_json(t.as_bytes(), limits)?));
    }
    if looks_like_compact_jws(t) {
        if t.len() > limits.max_json_bytes * 2 {
            return Err(ExtractError::TooLarge(limits.max_json_bytes * 2));
        }
        return Ok(Payload::Jws(t.to_string()));
    }
    if (t.starts_with("https://") || t.starts_with("http://"))
        && !t.contains(char::is_whitespace)
        && url::Url::parse(t).is_ok()
    {
        return Ok(Payload::Url(t.to_string()));
    }
    Err(ExtractError::UnknownPayload)
}

fn looks_like_xml(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    b[start..].starts_with(b"<")
}

/// Extracts the badge payload from `bytes`.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extracted, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Empty);
    }
    if bytes.len() > limits.max_image_bytes.max(limits.max_json_bytes) {
        return Err(ExtractError::TooLarge(
            limits.max_image_bytes.max(limits.max_json_bytes),
        ));
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        let b = crate::png::extract(bytes, limits.max_inflated_text)?;
        return Ok(Extracted {
            container: Container::Png,
            v3_container: b.keyword == KEYWORD_OB3,
            active_content: false,
            payload: classify_text(&b.text, limits)?,
        });
    }
    if looks_like_xml(bytes) {
        let b = crate::svg::extract(bytes, limits.max_xml_events)?;
        return Ok(Extracted {
            container: Container::Svg,
            v3_container: b.credential,
            active_content: b.active_content,
            payload: classify_text(&b.text, limits)?,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ExtractError::NotUtf8)?;
    let payload = match classify_text(text, limits) {
        Ok(p) => p,
        Err(ExtractError::UnknownPayload) => return Err(ExtractError::UnknownContainer),
        Err(e) => return Err(e),
    };
    if matches!(payload, Payload::Json(_)) && bytes.len() > limits.max_json_bytes {
        return Err(ExtractError::TooLarge(limits.max_json_bytes));
    }
    Ok(Extracted {
        container: match payload {
            Payload::Json(_) => Container::Json,
            Payload::Jws(_) => Container::Jws,
            Payload::Url(_) => Container::Url,
        },
        v3_container: false,
        active_content: false,
        payload,
    })
}
