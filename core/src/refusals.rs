//! What a refused import tells the learner: what happened, in their words, and what to do.
//! Only a badge that is genuine in every other way earns advice about its recipient: a
//! forged one never suggests adding the address it names (that would help whoever forged
//! it to claim someone's badge).
use besace_badges::{CheckId, Report};

/// Why a badge was not added, as the learner is told it. A closed set: each has its own
/// sentence (what happened and what to do) in both languages, in the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Issued to this address of the learner's, not confirmed yet: open (or resend) its link.
    ConfirmAddress(String),
    /// Issued to this address, which is not in the account: add it and confirm it.
    AddAddress(String),
    /// Issued to another address the badge does not state in clear (a salted hash).
    AnotherAddress,
    /// A picture (PNG, SVG, JPEG, GIF, WebP, HEIC) with no badge inside it.
    PlainPicture,
    /// A PDF or an office document: an attestation, not a badge.
    Document,
    /// Text or a file that holds no badge and no link to one.
    NotABadge,
    /// Badge data is there but cut short or damaged (a bad copy of the file).
    Damaged,
    /// A site the badge relies on did not answer now (timeout, unknown name, 5xx): checking
    /// again later can help.
    Unreachable,
    /// The issuer's site answers that the badge is not at its address (or the link is wrong).
    NotFound,
    /// Signed with a key everyone knows (Besace's demonstration issuer).
    DemoIssuer,
    /// Its proof fails: changed after it was issued, or not made by whom it names.
    NotGenuine,
    /// Readable but lacking what every badge must say (structure, issuer, issue date).
    Incomplete,
}

impl Refusal {
    /// Whether sending the same badge again can give another answer: a site that did not
    /// answer may answer later, and a recipient refusal passes once the address is the
    /// learner's. Everything else fails the same way every time.
    pub fn may_pass(&self) -> bool {
        matches!(
            self,
            Self::Unreachable | Self::ConfirmAddress(_) | Self::AddAddress(_) | Self::AnotherAddress
        )
    }
}

/// Why the badge of `report` (made from `input`, the bytes the learner gave or the link's
/// answer) was refused, given the learner's addresses still waiting for confirmation.
pub fn explain(report: &Report, input: &[u8], unconfirmed: &[String]) -> Refusal {
    let failed: Vec<CheckId> = report.checks.iter().filter(|c| !c.ok).map(|c| c.id).collect();
    if report.unreachable {
        return Refusal::Unreachable;
    }
    if failed.contains(&CheckId::Extract) {
        return match sniff(input) {
            Kind::Picture if has_badge_marker(input) || is_cut_png(input) => Refusal::Damaged,
            Kind::Picture => Refusal::PlainPicture,
            Kind::Document => Refusal::Document,
            Kind::Text if looks_like_json(input) => Refusal::Damaged,
            Kind::Text | Kind::Other => Refusal::NotABadge,
        };
    }
    if failed.contains(&CheckId::IssuerTrust) {
        return Refusal::DemoIssuer;
    }
    if failed.contains(&CheckId::HostedFetch) {
        return Refusal::NotFound;
    }
    if failed.iter().any(|id| {
        matches!(
            id,
            CheckId::Signature | CheckId::KeyIssuer | CheckId::HostedOrigin
        )
    }) {
        return Refusal::NotGenuine;
    }
    let only_the_recipient = failed.contains(&CheckId::Recipient)
        && failed
            .iter()
            .all(|id| matches!(id, CheckId::Recipient | CheckId::Expiry | CheckId::Revocation));
    if !only_the_recipient {
        return Refusal::Incomplete;
    }
    if let Some(address) = besace_badges::recipient::find_match(&report.recipient.stated, unconfirmed) {
        return Refusal::ConfirmAddress(address);
    }
    match &report.recipient.stated_email {
        Some(email) => Refusal::AddAddress(email.clone()),
        None => Refusal::AnotherAddress,
    }
}

enum Kind {
    Picture,
    Document,
    Text,
    Other,
}

/// What kind of file the learner gave, by its first bytes (the name is theirs to choose).
fn sniff(input: &[u8]) -> Kind {
    let starts = |magic: &[u8]| input.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| input.get(offset..offset + magic.len()) == Some(magic);
    if starts(b"\x89PNG")
        || starts(b"\xff\xd8\xff")
        || starts(b"GIF8")
        || (starts(b"RIFF") && at(8, b"WEBP"))
        || (at(4, b"ftyp") && (at(8, b"heic") || at(8, b"heix") || at(8, b"mif1") || at(8, b"avif")))
        || starts(b"BM")
        || is_svg(input)
    {
        Kind::Picture
    } else if starts(b"%PDF") || starts(b"PK\x03\x04") || starts(b"\xd0\xcf\x11\xe0") {
        // PDF, and the zip (docx, odt) or old binary forms of office documents.
        Kind::Document
    } else if std::str::from_utf8(input).is_ok() {
        Kind::Text
    } else {
        Kind::Other
    }
}

fn is_svg(input: &[u8]) -> bool {
    let head = &input[..input.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.contains("<svg")
}

/// A picture that carries badge data, only not readable: the keyword of a baked PNG or the
/// element of a baked SVG is there.
fn has_badge_marker(input: &[u8]) -> bool {
    let find = |needle: &[u8]| input.windows(needle.len()).any(|w| w == needle);
    find(b"openbadges")
}

/// A PNG whose last chunk is not its end: the file was cut short in a copy.
fn is_cut_png(input: &[u8]) -> bool {
    input.starts_with(b"\x89PNG") && !input.ends_with(b"IEND\xaeB`\x82")
}

fn looks_like_json(input: &[u8]) -> bool {
    let text = String::from_utf8_lossy(input);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('{') || text.starts_with('[') || text.starts_with("ey")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(check: CheckId) -> Report {
        let mut report = Report::default();
        report.fail(check, "x");
        report
    }

    #[test]
    fn a_file_that_is_no_badge_is_named_by_what_it_is() {
        let extract = refused(CheckId::Extract);
        let explain = |input: &[u8]| explain(&extract, input, &[]);
        assert_eq!(
            explain(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR..IEND\xaeB`\x82"),
            Refusal::PlainPicture
        );
        assert_eq!(explain(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Refusal::Damaged);
        assert_eq!(explain(b"\xff\xd8\xff\xe0\0\x10JFIF"), Refusal::PlainPicture);
        assert_eq!(explain(b"\0\0\0\x18ftypheic\0\0"), Refusal::PlainPicture);
        assert_eq!(
            explain(b"<?xml version=\"1.0\"?><svg xmlns=\"x\"/>"),
            Refusal::PlainPicture
        );
        assert_eq!(explain(b"%PDF-1.7\n"), Refusal::Document);
        assert_eq!(explain(b"PK\x03\x04word/document.xml"), Refusal::Document);
        assert_eq!(explain(b"bonjour, voici mon badge"), Refusal::NotABadge);
        assert_eq!(explain(b"\x00\x01\x02\xfe"), Refusal::NotABadge);
        assert_eq!(
            explain(b"{\"@context\": \"https://w3id.org/openbadges/v2\""),
            Refusal::Damaged
        );
        assert_eq!(
            explain(b"\x89PNG\r\n\x1a\n..iTXtopenbadges\0\0\0\0\0{broken..IEND\xaeB`\x82"),
            Refusal::Damaged
        );
    }

    #[test]
    fn only_a_site_that_may_answer_later_is_worth_another_try() {
        let mut busy = refused(CheckId::HostedFetch);
        busy.unreachable = true;
        assert_eq!(explain(&busy, b"https://x.example/a", &[]), Refusal::Unreachable);
        assert!(Refusal::Unreachable.may_pass());
        let gone = refused(CheckId::HostedFetch);
        assert_eq!(explain(&gone, b"https://x.example/a", &[]), Refusal::NotFound);
        for never in [
            Refusal::NotFound,
            Refusal::PlainPicture,
            Refusal::Document,
            Refusal::NotABadge,
            Refusal::Damaged,
            Refusal::DemoIssuer,
            Refusal::NotGenuine,
            Refusal::Incomplete,
        ] {
            assert!(!never.may_pass(), "{never:?}");
        }
        assert_eq!(
            explain(&refused(CheckId::Signature), b"{}", &[]),
            Refusal::NotGenuine
        );
        assert_eq!(
            explain(&refused(CheckId::IssuerTrust), b"{}", &[]),
            Refusal::DemoIssuer
        );
        assert_eq!(
            explain(&refused(CheckId::Structure), b"{}", &[]),
            Refusal::Incomplete
        );
        assert_eq!(
            explain(&refused(CheckId::Recipient), b"{}", &[]),
            Refusal::AnotherAddress
        );
    }
}
