//! Badge text as it leaves for another site's pages. Mahara writes a badge's name into an
//! HTML attribute without escaping it (`blocktype/openbadgedisplayer/lib.php`), and
//! Moodle shows an issuer's name and a criteria narrative as they come; so what Besace
//! hands them can carry no markup and no link but a web one. Issuers write this text, not
//! the learner: a badge must not be able to run script on the sites that show it.
use besace_badges::BadgeInfo;

/// The text with the characters that open or close HTML markup or an attribute replaced
/// by look-alikes, so it reads the same and cannot become markup.
pub fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => '‹',
            '>' => '›',
            '"' => '”',
            '`' => '\'',
            c if c.is_control() && c != '\n' => ' ',
            c => c,
        })
        .collect()
}

/// The URL if it is an `http(s)` one that cannot break out of an attribute (no
/// `javascript:`, no `data:`, no quotes or spaces).
pub fn web_url(url: Option<&str>) -> Option<String> {
    let url = url?.trim();
    let parsed = url::Url::parse(url).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some()).then(|| parsed.to_string())
}

/// The badge's picture for another site: Besace's public copy when a published collection
/// holds the badge, else the issuer's own web address for it, else the owner's copy (which
/// only the learner's own logged-in browser can open).
pub fn image_url(
    base: &str,
    record: &besace_core::badges::BadgeRecord,
    info: &BadgeInfo,
    shown_in: Option<&str>,
) -> String {
    let summary = besace_core::badges::BadgeSummary::from(record);
    let version = summary.image_version().unwrap_or("none");
    match shown_in {
        Some(token) => format!("{base}/g/{token}/images/{}/{version}", record.id),
        None => web_url(info.image.as_deref())
            .unwrap_or_else(|| format!("{base}/api/badges/{}/image/{version}", record.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_cannot_leave() {
        assert_eq!(
            inert("\"><script>alert(1)</script>"),
            "”›‹script›alert(1)‹/script›"
        );
        assert_eq!(inert("Être ponctuel & à l'heure"), "Être ponctuel & à l'heure");
        assert_eq!(inert("a\u{0}b\u{202e}c"), "a b\u{202e}c");
        assert_eq!(web_url(Some("javascript:alert(1)")), None);
        assert_eq!(web_url(Some("data:image/png;base64,AAAA")), None);
        assert_eq!(
            web_url(Some("https://x.example/a b\"")),
            Some("https://x.example/a%20b%22".into())
        );
        assert_eq!(
            web_url(Some(" https://x.example/c ")),
            Some("https://x.example/c".into())
        );
    }
}
