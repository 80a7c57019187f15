//! Resource limits: every byte of a badge is hostile, so every buffer has a cap.
//!
//! The defaults are tested below; the README states them.

use std::time::Duration;

/// Caps applied while extracting, parsing and fetching badge data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest JSON document (assertion, credential, profile, key, list) accepted, in bytes.
    pub max_json_bytes: usize,
    /// Largest baked image (PNG or SVG) accepted, in bytes.
    pub max_image_bytes: usize,
    /// Largest text a compressed PNG text chunk (zTXt/iTXt) may inflate to; over it the
    /// chunk is rejected, never truncated.
    pub max_inflated_text: usize,
    /// Deepest nesting of JSON arrays/objects accepted.
    pub max_json_depth: usize,
    /// Most HTTP redirects followed by one fetch.
    pub max_redirects: usize,
    /// Time allowed for one fetch, redirects included.
    pub fetch_timeout: Duration,
    /// Most documents fetched while verifying one badge.
    pub max_fetches: usize,
    /// Most XML elements read from an SVG before giving up.
    pub max_xml_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_json_bytes: 2 * 1024 * 1024,
            max_image_bytes: 5 * 1024 * 1024,
            max_inflated_text: 2 * 1024 * 1024,
            max_json_depth: 64,
            max_redirects: 5,
            fetch_timeout: Duration::from_secs(10),
            max_fetches: 16,
            max_xml_events: 200_000,
        }
    }
}

/// Why a JSON document was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JsonError {
    #[error("the JSON document is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the JSON document is nested deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("the JSON document is not valid: {0}")]
    Syntax(String),
}

/// Nesting depth of a JSON text, counted without parsing it (brackets inside strings are
/// skipped). Stops counting as soon as `limit` is exceeded.
pub fn json_depth_exceeds(bytes: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parses a JSON document under the size and depth caps.
pub fn parse_json(bytes: &[u8], limits: &Limits) -> Result<serde_json::Value, JsonError> {
    if bytes.len() > limits.max_json_bytes {
        return Err(JsonError::TooLarge {
            limit: limits.max_json_bytes,
        });
    }
    if json_depth_exceeds(bytes, limits.max_json_depth) {
        return Err(JsonError::TooDeep {
            limit: limits.max_json_depth,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| JsonError::Syntax(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_caps() {
        let l = Limits::default();
        assert_eq!(l.max_json_bytes, 2 * 1024 * 1024);
        assert_eq!(l.max_image_bytes, 5 * 1024 * 1024);
        assert_eq!(l.max_inflated_text, 2 * 1024 * 1024);
        assert_eq!(l.max_json_depth, 64);
        assert_eq!(l.max_redirects, 5);
        assert_eq!(l.fetch_timeout, Duration::from_secs(10));
    }

    #[test]
    fn depth_is_counted_outside_strings_only() {
        assert!(!json_depth_exceeds(br#"{"a":"[[[[[[[["}"#, 2));
        assert!(json_depth_exceeds(b"[[[1]]]", 2));
        assert!(!json_depth_exceeds(b"[[1],[2]]", 2));
        assert!(!json_depth_exceeds(br#"{"a":"\"[[["}"#, 1));
    }

    #[test]
    fn parse_json_enforces_both_caps() {
        let l = Limits {
            max_json_bytes: 10,
            max_json_depth: 3,
            ..Limits::default()
        };
        assert_eq!(
            parse_json(b"[1,2,3,4,5,6,7]", &l),
            Err(JsonError::TooLarge { limit: 10 })
        );
        assert_eq!(parse_json(b"[[[[1]]]]", &l), Err(JsonError::TooDeep { limit: 3 }));
        assert!(parse_json(b"[[[1]]]", &l).is_ok());
        assert!(matches!(parse_json(b"[1,", &l), Err(JsonError::Syntax(_))));
    }
}
