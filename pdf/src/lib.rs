//! Portfolio and certificate PDFs: a collection of badges (or one badge) laid out on A4 by
//! Typst, with the learner's name, each badge's picture, issuer, dates, meaning, criteria
//! and verification, and on every page a QR code and the address of the live page that
//! checks them now.
//!
//! The caller gives plain data with every label already in the reader's language; the
//! text it gives is only ever data to the template (`template.typ` reads it as JSON), never
//! markup, so a badge cannot change the layout by what it says. The PDF is tagged (headings,
//! paragraphs, pictures with their alternative text) and carries its title, author and
//! language.
use serde::Serialize;
use std::collections::HashMap;
use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

#[cfg(feature = "reading")]
pub mod reading;
mod world;

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A collection: its title, description and every badge in it.
    Portfolio,
    /// One badge.
    Certificate,
}

/// A badge's verification state, as the pages show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Verified,
    Expired,
    Revoked,
    Unchecked,
}

/// The words around the data, in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    /// What the document is ("Portfolio d'Open Badges").
    pub kind: String,
    /// Whose badges they are ("Badges de Ana Dupont").
    pub owner_line: String,
    /// The verification summary under the title (may be empty).
    pub summary: String,
    pub issued_by: String,
    pub issued_on: String,
    pub expires: String,
    /// Heading of a badge's description ("Ce qu'il atteste").
    pub description: String,
    /// Heading of its criteria ("Comment il a été obtenu").
    pub criteria: String,
    /// Before the criteria page's address, with its colon ("Les critères sur le site de l'émetteur :").
    pub criteria_link: String,
    /// Before a badge's own live address, with its colon ("En ligne :").
    pub badge_link: String,
    /// Beside the QR code ("Vérifiez maintenant : scannez ce code ou ouvrez").
    pub check_live: String,
    /// When and by what the document was made ("Document créé le 3 décembre 2026 par Besace").
    pub made: String,
    /// The QR code's alternative text.
    pub qr_alt: String,
    /// Shown where a badge has no picture that can be printed.
    pub no_picture: String,
}

/// A badge's picture as the backpack holds it.
#[derive(Debug, Clone)]
pub struct Picture {
    pub media_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Badge {
    pub name: String,
    pub issuer: String,
    /// How the issuer is known ("Émetteur confirmé par son site : example.org.").
    pub standing: String,
    pub issued_on: Option<String>,
    pub expires: Option<String>,
    pub description: Option<String>,
    pub criteria: Option<String>,
    pub criteria_url: Option<String>,
    pub status: Status,
    /// The verification result with the time of that check.
    pub verdict: String,
    /// Its live public page.
    pub url: String,
    pub picture: Option<Picture>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub kind: Kind,
    /// The reader's language (`fr`, `en`): the PDF's language and the text's.
    pub lang: String,
    pub title: String,
    pub owner: String,
    pub description: String,
    /// The live page the QR code opens, printed on every page.
    pub url: String,
    pub made: chrono::DateTime<chrono::Utc>,
    pub labels: Labels,
    pub badges: Vec<Badge>,
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be laid out: {0}")]
pub struct PdfError(String);

/// The document as an A4 PDF.
pub fn render(document: &Document) -> Result<Vec<u8>, PdfError> {
    let mut files = HashMap::new();
    let qr = qr_svg(&document.url)?;
    files.insert(world::file_id("/qr.svg"), Bytes::new(qr.into_bytes()));
    let mut badges = Vec::with_capacity(document.badges.len());
    for (index, badge) in document.badges.iter().enumerate() {
        let picture = badge.picture.as_ref().and_then(printable).map(|(format, bytes)| {
            let path = format!("/pictures/{index}");
            files.insert(world::file_id(&path), bytes);
            PictureData { path, format }
        });
        badges.push(BadgeData::new(badge, picture));
    }
    let data = Data::new(document, badges);
    let json = serde_json::to_vec(&data).map_err(|err| PdfError(err.to_string()))?;
    files.insert(world::file_id("/data.json"), Bytes::new(json));

    let sheet = world::Sheet::new(files);
    let compiled = typst::compile::<PagedDocument>(&sheet).output;
    let result = compiled.map_err(diagnostics).and_then(|paged| {
        let options = PdfOptions {
            ident: typst::foundations::Smart::Custom(document.url.clone()),
            creator: typst::foundations::Smart::Custom(Some("Besace".to_owned())),
            standards: PdfStandards::new(&[PdfStandard::Ua_1])
                .map_err(|err| PdfError(err.message().to_string()))?,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&paged, &options).map_err(diagnostics)
    });
    // Typst keeps what it computed for the next compilation; a server makes many
    // different documents, so anything not reused by the last few is let go.
    comemo::evict(5);
    result
}

fn diagnostics(list: impl IntoIterator<Item = typst::diag::SourceDiagnostic>) -> PdfError {
    let messages: Vec<String> = list.into_iter().map(|diag| diag.message.to_string()).collect();
    PdfError(messages.join("; "))
}

/// A QR code of `url` as an SVG drawing (printed as vectors: sharp at any size).
fn qr_svg(url: &str) -> Result<String, PdfError> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .map_err(|err| PdfError(err.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The picture in a form Typst can print, or `None` when it cannot be read (the badge is
/// then printed without it).
fn printable(picture: &Picture) -> Option<(&'static str, Bytes)> {
    let bytes = Bytes::new(picture.bytes.clone());
    let raster = match picture.media_type.as_str() {
        "image/svg+xml" => {
            return SvgImage::new(bytes.clone()).ok().map(|_| ("svg", bytes));
        }
        "image/png" => (ExchangeFormat::Png, "png"),
        "image/jpeg" => (ExchangeFormat::Jpg, "jpg"),
        "image/gif" => (ExchangeFormat::Gif, "gif"),
        "image/webp" => (ExchangeFormat::Webp, "webp"),
        _ => return None,
    };
    RasterImage::plain(bytes.clone(), raster.0)
        .ok()
        .map(|_| (raster.1, bytes))
}

/// Longest run of letters printed without a place to break: a longer word (a pasted URL, a
/// hostile name) gets invisible break opportunities, so it wraps instead of leaving the page.
const LONGEST_WORD: usize = 30;

fn soften(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for ch in text.chars() {
        if ch.is_whitespace() {
            run = 0;
        } else {
            run += 1;
            if run > LONGEST_WORD {
                out.push('\u{200B}');
                run = 1;
            }
        }
        out.push(ch);
    }
    out
}

#[derive(Serialize)]
struct PictureData {
    path: String,
    format: &'static str,
}

#[derive(Serialize)]
struct BadgeData {
    name: String,
    issuer: String,
    standing: String,
    issued_on: Option<String>,
    expires: Option<String>,
    description: Option<String>,
    criteria: Option<String>,
    criteria_url: Option<String>,
    status: Status,
    verdict: String,
    url: String,
    picture: Option<PictureData>,
}

impl BadgeData {
    fn new(badge: &Badge, picture: Option<PictureData>) -> Self {
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(soften)
        };
        Self {
            name: soften(&badge.name),
            issuer: soften(&badge.issuer),
            standing: soften(&badge.standing),
            issued_on: badge.issued_on.clone(),
            expires: badge.expires.clone(),
            description: text(&badge.description),
            criteria: text(&badge.criteria),
            criteria_url: badge
                .criteria_url
                .clone()
                .filter(|url| url.starts_with("https://") || url.starts_with("http://")),
            status: badge.status,
            verdict: badge.verdict.clone(),
            url: badge.url.clone(),
            picture,
        }
    }
}

#[derive(Serialize)]
struct Made {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

#[derive(Serialize)]
struct Data<'a> {
    kind: Kind,
    lang: &'a str,
    title: String,
    owner: String,
    description: String,
    url: &'a str,
    made: Made,
    labels: &'a Labels,
    badges: Vec<BadgeData>,
}

impl<'a> Data<'a> {
    fn new(document: &'a Document, badges: Vec<BadgeData>) -> Self {
        use chrono::{Datelike, Timelike};
        let made = document.made;
        Self {
            kind: document.kind,
            lang: if document.lang == "fr" { "fr" } else { "en" },
            title: soften(&document.title),
            owner: soften(&document.owner),
            description: soften(document.description.trim()),
            url: &document.url,
            made: Made {
                year: made.year(),
                month: made.month(),
                day: made.day(),
                hour: made.hour(),
                minute: made.minute(),
                second: made.second(),
            },
            labels: &document.labels,
            badges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::soften;

    #[test]
    fn long_words_get_break_opportunities_and_short_ones_none() {
        assert_eq!(soften("Être ponctuel"), "Être ponctuel");
        let long = "a".repeat(70);
        let softened = soften(&long);
        assert_eq!(softened.matches('\u{200B}').count(), 2);
        assert_eq!(softened.replace('\u{200B}', ""), long);
    }
}
