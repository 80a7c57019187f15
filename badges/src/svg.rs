//! Baked SVG: `<openbadges:assertion verify="…">` (URL or JWS) or with CDATA JSON, and
//! `<openbadges:credential>` (3.0). The XML reader never expands entities: a document that
//! declares any (or a DTD with external parts) is refused outright.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// Namespace of the Open Badges SVG elements.
pub const OB_NAMESPACE: &str = "http://openbadges.org";
/// The namespace Open Badges 3.0 bakes `<openbadges:credential>` under.
pub const OB3_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

/// Why an SVG could not give badge data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SvgError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("the SVG declares XML entities or a DTD, which are never processed")]
    Entities,
    #[error("the SVG has no openbadges:assertion or openbadges:credential element")]
    NoBadge,
    #[error("the SVG is too complex (more than {0} XML events)")]
    TooComplex(usize),
}

/// What the badge element holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SvgBadge {
    /// `true` for `<openbadges:credential>` (3.0).
    pub credential: bool,
    /// The `verify` attribute or the element's text/CDATA content.
    pub text: String,
    /// The SVG contains `<script>`, event-handler attributes or `<foreignObject>`. It must
    /// only ever be shown through `<img>` with a sandboxing CSP.
    pub active_content: bool,
}

fn is_ob_element(ns: &ResolveResult, qname: &[u8], local: &[u8], want: &[u8]) -> bool {
    if local != want {
        return false;
    }
    match ns {
        ResolveResult::Bound(n) => {
            let n = n.as_ref();
            n == OB_NAMESPACE.as_bytes() || n == b"https://openbadges.org" || n == OB3_NAMESPACE.as_bytes()
        }
        // An undeclared `openbadges:` prefix is common in hand-made files.
        _ => qname.starts_with(b"openbadges:"),
    }
}

pub fn extract(bytes: &[u8], max_events: usize) -> Result<SvgBadge, SvgError> {
    let text = std::str::from_utf8(bytes).map_err(|_| SvgError::Xml("not UTF-8".into()))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = false;
    let mut active_content = false;
    let mut found: Option<SvgBadge> = None;
    // Inside a badge element without `verify`: collect its text.
    let mut collecting: Option<(bool, String, usize)> = None;
    let mut depth = 0usize;
    for _ in 0..max_events {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| SvgError::Xml(e.to_string()))?;
        match event {
            Event::DocType(d) => {
                // An external DTD (`PUBLIC "-//W3C//DTD SVG 1.1//EN" …`, as editors write)
                // is harmless: it is never loaded. Declared entities are refused outright.
                let d = String::from_utf8_lossy(d.as_ref()).to_ascii_uppercase();
                if d.contains("<!ENTITY") {
                    return Err(SvgError::Entities);
                }
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_start = matches!(event, Event::Start(_));
                let qname = e.name();
                let local = e.local_name();
                let local = local.as_ref();
                if local.eq_ignore_ascii_case(b"script") || local.eq_ignore_ascii_case(b"foreignObject") {
                    active_content = true;
                }
                for a in e.attributes().flatten() {
                    let k = a.key.local_name();
                    if k.as_ref().len() > 2 && k.as_ref()[..2].eq_ignore_ascii_case(b"on") {
                        active_content = true;
                    }
                }
                let kind = if is_ob_element(&ns, qname.as_ref(), local, b"credential") {
                    Some(true)
                } else if is_ob_element(&ns, qname.as_ref(), local, b"assertion") {
                    Some(false)
                } else {
                    None
                };
                if let (Some(credential), None) = (kind, &found) {
                    let verify = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"verify")
                        .map(|a| {
                            a.unescape_value()
                                .map(|v| v.into_owned())
                                .map_err(|e| SvgError::Xml(e.to_string()))
                        })
                        .transpose()?;
                    match verify {
                        Some(v) if !v.trim().is_empty() => {
                            found = Some(SvgBadge {
                                credential,
                                text: v.trim().to_string(),
                                active_content,
                            })
                        }
                        _ if is_start => collecting = Some((credential, String::new(), depth)),
                        _ => {}
                    }
                }
                if is_start {
                    depth += 1;
                }
            }
            Event::CData(c) => {
                if let Some((_, buf, _)) = collecting.as_mut() {
                    buf.push_str(
                        std::str::from_utf8(c.as_ref()).map_err(|_| SvgError::Xml("not UTF-8".into()))?,
                    );
                }
            }
            Event::Text(t) => {
                if let Some((_, buf, _)) = collecting.as_mut() {
                    let s = t.decode().map_err(|e| SvgError::Xml(e.to_string()))?;
                    let s = quick_xml::escape::unescape(&s).map_err(|e| SvgError::Xml(e.to_string()))?;
                    buf.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                // Only the predefined and numeric references are accepted, never a declared entity.
                if let Some((_, buf, _)) = collecting.as_mut() {
                    let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                    let reference = format!("&{name};");
                    let s =
                        quick_xml::escape::unescape(&reference).map_err(|e| SvgError::Xml(e.to_string()))?;
                    buf.push_str(&s);
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((credential, buf, d)) = collecting.take() {
                    if d == depth {
                        if found.is_none() && !buf.trim().is_empty() {
                            found = Some(SvgBadge {
                                credential,
                                text: buf.trim().to_string(),
                                active_content,
                            });
                        }
                    } else {
                        collecting = Some((credential, buf, d));
                    }
                }
            }
            Event::Eof => {
                return match found {
                    Some(mut f) => {
                        f.active_content = active_content;
                        Ok(f)
                    }
                    None => Err(SvgError::NoBadge),
                };
            }
            _ => {}
        }
    }
    Err(SvgError::TooComplex(max_events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_verify_attribute_and_cdata() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a.json"/></svg>"#;
        let b = extract(svg, 1000).unwrap();
        assert_eq!(b.text, "https://example.org/a.json");
        assert!(!b.credential);
        let svg = br#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential><script>alert(1)</script></svg>"#;
        let b = extract(svg, 1000).unwrap();
        assert_eq!(b.text, r#"{"a":1}"#);
        assert!(b.credential);
        assert!(b.active_content);
    }

    #[test]
    fn reads_the_open_badges_3_namespace() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{"a":1}]]></openbadges:credential></svg>"#;
        let b = extract(svg, 1000).unwrap();
        assert_eq!(b.text, r#"{"a":1}"#);
        assert!(b.credential);
        // Any other namespace bound to the prefix is not Open Badges.
        let svg = br#"<svg xmlns:openbadges="https://example.org/not-badges"><openbadges:credential>{}</openbadges:credential></svg>"#;
        assert!(extract(svg, 1000).is_err());
    }

    #[test]
    fn an_external_svg_dtd_is_accepted_but_never_loaded() {
        let svg = br#"<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a.json"/></svg>"#;
        assert_eq!(extract(svg, 1000).unwrap().text, "https://example.org/a.json");
    }

    #[test]
    fn entities_are_refused_not_expanded() {
        let svg = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion>&a;</openbadges:assertion></svg>"#;
        assert_eq!(extract(svg, 1000), Err(SvgError::Entities));
        let svg = br#"<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion>&undeclared;</openbadges:assertion></svg>"#;
        assert!(matches!(extract(svg, 1000), Err(SvgError::Xml(_))));
    }
}
