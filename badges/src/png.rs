//! Baked PNG: the badge lives in a text chunk with keyword `openbadges` (0.5–2.x) or
//! `openbadgecredential` (3.0). Chunks are walked with the `png` crate's streaming decoder
//! without ever inflating image data; compressed text is inflated under a hard cap.

use png::{Decoded, StreamingDecoder};

/// Keyword of the Open Badges 0.5–2.x chunk.
pub const KEYWORD_OB2: &str = "openbadges";
/// Keyword of the Open Badges 3.0 chunk.
pub const KEYWORD_OB3: &str = "openbadgecredential";

/// Why a PNG could not give badge data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PngError {
    #[error("not a valid PNG: {0}")]
    Format(String),
    #[error("the PNG is cut short")]
    Truncated,
    #[error("the PNG has no Open Badges text chunk")]
    NoBadge,
    #[error("the badge text chunk would inflate past {0} bytes")]
    TextTooLarge(usize),
    #[error("the badge text chunk is corrupt: {0}")]
    BadText(String),
}

/// The text of the badge chunk and its keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngBadge {
    pub keyword: &'static str,
    pub text: String,
}

fn wanted(keyword: &str) -> Option<&'static str> {
    match keyword {
        KEYWORD_OB3 => Some(KEYWORD_OB3),
        KEYWORD_OB2 => Some(KEYWORD_OB2),
        _ => None,
    }
}

/// Returns the first `openbadgecredential` chunk, else the first `openbadges` chunk.
pub fn extract(bytes: &[u8], max_inflated_text: usize) -> Result<PngBadge, PngError> {
    let mut options = png::DecodeOptions::default();
    options.set_ignore_crc(false);
    options.set_skip_ancillary_crc_failures(false);
    let mut dec = StreamingDecoder::new_with_options(options);
    let mut buf = bytes;
    // Each update consumes input or makes progress; the bound guards against a decoder bug.
    let mut budget = bytes.len().saturating_mul(2) + 64;
    loop {
        if budget == 0 {
            return Err(PngError::Format("decoder made no progress".into()));
        }
        budget -= 1;
        if buf.is_empty() {
            return Err(PngError::Truncated);
        }
        let (n, event) = dec
            .update(buf, None)
            .map_err(|e| PngError::Format(e.to_string()))?;
        buf = &buf[n..];
        match event {
            Decoded::ChunkComplete(t) if t == png::chunk::IEND => break,
            Decoded::BadAncillaryChunk(t)
                if t == png::chunk::tEXt || t == png::chunk::zTXt || t == png::chunk::iTXt =>
            {
                return Err(PngError::BadText(format!(
                    "unreadable {} chunk",
                    String::from_utf8_lossy(&t.0)
                )));
            }
            _ => {}
        }
    }
    let info = dec.info().ok_or(PngError::Truncated)?;
    let mut found: Option<PngBadge> = None;
    let mut keep = |keyword: &'static str, text: String| {
        let better = match &found {
            None => true,
            Some(f) => f.keyword == KEYWORD_OB2 && keyword == KEYWORD_OB3,
        };
        if better {
            found = Some(PngBadge { keyword, text });
        }
    };
    for c in &info.utf8_text {
        if let Some(k) = wanted(&c.keyword) {
            let mut c = c.clone();
            c.decompress_text_with_limit(max_inflated_text)
                .map_err(|e| text_error(e, max_inflated_text))?;
            let text = c.get_text().map_err(|e| PngError::BadText(e.to_string()))?;
            keep(k, text);
        }
    }
    for c in &info.compressed_latin1_text {
        if let Some(k) = wanted(&c.keyword) {
            let mut c = c.clone();
            c.decompress_text_with_limit(max_inflated_text)
                .map_err(|e| text_error(e, max_inflated_text))?;
            let text = c.get_text().map_err(|e| PngError::BadText(e.to_string()))?;
            keep(k, text);
        }
    }
    for c in &info.uncompressed_latin1_text {
        if let Some(k) = wanted(&c.keyword) {
            if c.text.len() > max_inflated_text {
                return Err(PngError::TextTooLarge(max_inflated_text));
            }
            keep(k, c.text.clone());
        }
    }
    found.ok_or(PngError::NoBadge)
}

fn text_error(e: png::DecodingError, cap: usize) -> PngError {
    let msg = e.to_string();
    if msg.to_ascii_lowercase().contains("space") || msg.contains("limit") {
        PngError::TextTooLarge(cap)
    } else {
        PngError::BadText(msg)
    }
}
