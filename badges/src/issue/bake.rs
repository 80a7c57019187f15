//! Baking: a badge (OB 2.0 assertion or OB 3.0 credential) put into a PNG or an SVG, and
//! a plain picture to bake it into.
use serde_json::Value;

/// Bakes an Open Badges 2.0 assertion (JSON, a URL, or a signed JWS) into a PNG: an `iTXt`
/// chunk `openbadges`. Answers `None` when `png` is not a PNG.
pub fn bake_png_ob2(png: &[u8], assertion: &str) -> Option<Vec<u8>> {
    bake_png_text(png, "openbadges", assertion)
}

/// Bakes an Open Badges 2.0 assertion into an SVG: `<openbadges:assertion verify="…">`
/// naming the hosted assertion's URL or holding the JWS, with the JSON in CDATA if given.
pub fn bake_svg_ob2(svg: &str, verify: &str, assertion: Option<&Value>) -> Option<String> {
    let body = assertion
        .map(|a| format!("<![CDATA[{}]]>", a.to_string().replace("]]>", "]]\\u003e")))
        .unwrap_or_default();
    let verify = verify
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    bake_svg_element(
        svg,
        r#"xmlns:openbadges="http://openbadges.org""#,
        &format!(r#"<openbadges:assertion verify="{verify}">{body}</openbadges:assertion>"#),
    )
}

/// Bakes `credential` into a PNG: an `iTXt` chunk `openbadgecredential` before `IEND`.
/// Answers `None` when `png` is not a PNG.
pub fn bake_png(png: &[u8], credential: &Value) -> Option<Vec<u8>> {
    bake_png_text(png, "openbadgecredential", &credential.to_string())
}

/// Adds an `iTXt` chunk `keyword` holding `text` before `IEND`.
fn bake_png_text(png: &[u8], keyword: &str, text: &str) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    const IEND_CHUNK_LEN: usize = 12;
    if !png.starts_with(SIGNATURE) || png.len() < SIGNATURE.len() + IEND_CHUNK_LEN {
        return None;
    }
    let iend = png.len() - IEND_CHUNK_LEN;
    if &png[iend + 4..iend + 8] != b"IEND" {
        return None;
    }
    // keyword, NUL, compression flag 0 and method 0, empty language tag and translated
    // keyword (each NUL-terminated), then the UTF-8 text.
    let mut data = keyword.as_bytes().to_vec();
    data.extend_from_slice(b"\0\0\0\0\0");
    data.extend_from_slice(text.as_bytes());
    let mut out = Vec::with_capacity(png.len() + data.len() + 12);
    out.extend_from_slice(&png[..iend]);
    out.extend_from_slice(&u32::try_from(data.len()).ok()?.to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(b"iTXt");
    crc.update(&data);
    out.extend_from_slice(b"iTXt");
    out.extend_from_slice(&data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out.extend_from_slice(&png[iend..]);
    Some(out)
}

/// Bakes `credential` into an SVG: an `<openbadges:credential>` element holding the JSON in
/// CDATA, right after the opening `<svg …>` tag. Answers `None` when there is no such tag.
pub fn bake_svg(svg: &str, credential: &Value) -> Option<String> {
    // `]]>` cannot appear inside CDATA; JSON can escape `>` instead.
    let json = credential.to_string().replace("]]>", "]]\\u003e");
    bake_svg_element(
        svg,
        r#"xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0""#,
        &format!("<openbadges:credential><![CDATA[{json}]]></openbadges:credential>"),
    )
}

/// Puts `element` right after the opening `<svg …>` tag, declaring `namespace` there.
fn bake_svg_element(svg: &str, namespace: &str, element: &str) -> Option<String> {
    let start = svg.find("<svg")?;
    let end = start + svg[start..].find('>')?;
    let mut open_tag = svg[start..end].to_owned();
    // `<svg …/>`: an empty image gets a body (and its closing tag) for the credential.
    let self_closing = open_tag.ends_with('/');
    if self_closing {
        open_tag.pop();
    }
    if !open_tag.contains("xmlns:openbadges") {
        open_tag.push(' ');
        open_tag.push_str(namespace);
    }
    Some(format!(
        "{}{open_tag}>{element}{}{}",
        &svg[..start],
        if self_closing { "</svg>" } else { "" },
        &svg[end + 1..]
    ))
}

/// A plain round badge picture, `size` pixels wide: a disc of `color` with a light ring.
/// Enough for demo and benchmark badges (real issuers send their own artwork).
pub fn disc_png(size: u32, color: [u8; 3]) -> Vec<u8> {
    let centre = size as f32 / 2.0;
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let distance = ((x as f32 + 0.5 - centre).powi(2) + (y as f32 + 0.5 - centre).powi(2)).sqrt();
            let pixel = if distance > centre {
                [0, 0, 0, 0]
            } else if distance > centre * 0.82 {
                [246, 241, 231, 255]
            } else {
                [color[0], color[1], color[2], 255]
            };
            pixels.extend_from_slice(&pixel);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size, size);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing to a Vec cannot fail, and the sizes match by construction.
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(&pixels);
    }
    out
}
