//! The PDFs as a reader's tools see them: poppler's `pdftotext` and `pdfinfo` read them,
//! `pdftoppm` draws their pages, and a QR decoder reads the code off the drawn page.
use besace_pdf::reading::{flat, margins_blank, qr_codes, read};
use besace_pdf::{render, Badge, Document, Kind, Labels, Picture, Status};
use std::path::Path;

const URL: &str = "https://besace.example/g/Kp3xV9qLmT2wZ8aR";

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../badges/fixtures")
            .join(path),
    )
    .unwrap()
}

fn jpeg() -> Vec<u8> {
    let png = image::load_from_memory(&fixture("moodle/baked.png"))
        .unwrap()
        .to_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    png.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn labels() -> Labels {
    Labels {
        kind: "Portfolio d'Open Badges".into(),
        owner_line: "Badges de Zoé Lefèvre".into(),
        summary: "Badges authentiques : 3 sur 5".into(),
        issued_by: "Délivré par".into(),
        issued_on: "Obtenu le".into(),
        expires: "Expire le".into(),
        description: "Ce qu'il atteste".into(),
        criteria: "Comment il a été obtenu".into(),
        criteria_link: "Les critères sur le site de l'émetteur :".into(),
        badge_link: "En ligne :".into(),
        check_live: "Vérifiez maintenant : scannez ce code ou ouvrez".into(),
        made: "Document créé le 3 décembre 2026 par Besace".into(),
        qr_alt: "Code QR menant à la page en ligne".into(),
        no_picture: "Pas d'image".into(),
    }
}

fn badge(name: &str, picture: Option<(&str, Vec<u8>)>) -> Badge {
    Badge {
        name: name.into(),
        issuer: "Centre de formation Les Tilleuls".into(),
        standing: "Émetteur confirmé par son site : tilleuls.example.".into(),
        issued_on: Some("12 mars 2026".into()),
        expires: None,
        description: Some("Accueillir un client et répondre à ses questions.".into()),
        criteria: Some("Trois mises en situation observées.".into()),
        criteria_url: Some("https://tilleuls.example/criteres/accueil".into()),
        status: Status::Verified,
        verdict: "✓ Authentique — vérifié le 3 décembre 2026 à 10:04 par Besace".into(),
        url: format!("{URL}/badges/7"),
        picture: picture.map(|(media_type, bytes)| Picture {
            media_type: media_type.into(),
            bytes,
        }),
    }
}

fn document(badges: Vec<Badge>) -> Document {
    Document {
        kind: Kind::Portfolio,
        lang: "fr".into(),
        title: "Mon parcours en accueil".into(),
        owner: "Zoé Lefèvre".into(),
        description: "Les badges de ma formation d'agent d'accueil.".into(),
        url: URL.into(),
        made: chrono::DateTime::parse_from_rfc3339("2026-12-03T10:04:00Z")
            .unwrap()
            .into(),
        labels: labels(),
        badges,
    }
}

#[test]
fn a_portfolio_reads_back_with_its_names_metadata_and_a_working_qr_code() {
    let pdf = render(&document(vec![
        badge(
            "Accueillir le public",
            Some(("image/png", fixture("moodle/baked.png"))),
        ),
        badge(
            "Être ponctuel",
            Some(("image/svg+xml", fixture("ob2/hosted.svg"))),
        ),
        badge("Travailler en équipe", Some(("image/jpeg", jpeg()))),
    ]))
    .unwrap();
    let read = read(&pdf);
    let text = flat(&read.text);
    for expected in [
        "Mon parcours en accueil",
        "Badges de Zoé Lefèvre",
        "Accueillir le public",
        "Être ponctuel",
        "Travailler en équipe",
        "Centre de formation Les Tilleuls",
        "Émetteur confirmé par son site : tilleuls.example.",
        "Obtenu le 12 mars 2026",
        "✓ Authentique — vérifié le 3 décembre 2026 à 10:04 par Besace",
        URL,
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    assert!(
        read.info.contains("Title:           Mon parcours en accueil"),
        "{}",
        read.info
    );
    assert!(
        read.info.contains("Author:          Zoé Lefèvre"),
        "{}",
        read.info
    );
    assert!(read.info.contains("Tagged:          yes"), "{}", read.info);
    assert!(read.info.contains("595.276 x 841.89 pts (A4)"), "{}", read.info);
    for page in &read.pages {
        assert_eq!(qr_codes(page), vec![URL.to_owned()]);
        assert!(margins_blank(page, 12.0));
    }
}

#[test]
fn hostile_text_stays_text_and_inside_the_page() {
    let long_word = "Anticonstitutionnellement".repeat(12);
    let essay = "Une très longue description. ".repeat(175);
    let mut rtl = badge("شارة التواصل المهني", None);
    rtl.issuer = "מרכז הכשרה מקצועית".into();
    let mut markup = badge("#set page(width: 2cm) *gras* $x^2$ <label> @ref \\", None);
    markup.description = Some(essay.clone());
    markup.criteria = Some("]) #panic(\"boum\") [".into());
    let mut broken = badge(&long_word, Some(("image/png", b"not a png at all".to_vec())));
    broken.criteria_url = Some("javascript:alert(1)".into());
    let pdf = render(&document(vec![rtl, markup, broken])).unwrap();
    let read = read(&pdf);
    let text = flat(&read.text);
    assert!(
        text.contains("#set page(width: 2cm) *gras* $x^2$ <label> @ref \\"),
        "{text}"
    );
    assert!(text.contains("]) #panic(\"boum\") ["), "{text}");
    assert!(
        text.contains("מרכז הכשרה מקצועית") || text.contains("תיעוצקמ הרשכה זכרמ"),
        "{text}"
    );
    assert!(text.contains("Pas d'image"));
    assert!(!text.contains("javascript:"));
    // The whole essay is there, over more than one page, and every page keeps its QR code.
    assert_eq!(text.matches("longue").count(), 175);
    assert!(read.pages.len() >= 2, "{} pages", read.pages.len());
    for page in &read.pages {
        assert!(margins_blank(page, 12.0), "something ran into the margin");
        assert_eq!(qr_codes(page), vec![URL.to_owned()]);
    }
    assert!(
        flat(&read.text.replace(['\n', ' '], "")).contains(&long_word),
        "the long word is cut"
    );
}
