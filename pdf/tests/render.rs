//! The PDFs as a reader's tools see them: poppler's `pdftotext` and `pdfinfo` read them,
//! `pdftoppm` draws their pages, and a QR decoder reads the code off the drawn page.
use besace_pdf::{render, Badge, Document, Kind, Labels, Picture, Status};
use std::path::Path;
use std::process::Command;

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

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program} (poppler-utils, installed by scripts/setup --test): {err}"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text as pdftotext reads it, with the invisible break opportunities and line breaks gone.
fn flat(text: &str) -> String {
    text.replace('\u{200B}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Read {
    text: String,
    info: String,
    pages: Vec<image::GrayImage>,
}

fn read(pdf: &[u8]) -> Read {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let file = file.to_str().unwrap();
    let text = run("pdftotext", &["-enc", "UTF-8", file, "-"]);
    let info = run("pdfinfo", &[file]);
    let prefix = dir.path().join("page");
    // 200 dpi: enough for a QR decoder to read a 22 mm code, as a phone's camera would.
    run(
        "pdftoppm",
        &["-r", "200", "-gray", "-png", file, prefix.to_str().unwrap()],
    );
    if let Some(keep) = std::env::var_os("BESACE_KEEP_PDF") {
        std::fs::write(Path::new(&keep).join(format!("{}.pdf", pdf.len())), pdf).unwrap();
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        .collect();
    names.sort();
    let pages = names
        .iter()
        .map(|path| image::open(path).unwrap().to_luma8())
        .collect();
    Read { text, info, pages }
}

/// What the QR codes drawn on a page say.
fn qr_codes(page: &image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(page.clone());
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

/// Whether nothing is drawn in the outer `mm` millimetres of the page's left and right
/// edges (the margins are 18 mm): a word that ran off its line would be there.
fn margins_blank(page: &image::GrayImage, mm: f32) -> bool {
    let band = (mm / 25.4 * 200.0) as u32;
    let (width, height) = page.dimensions();
    (0..height).all(|y| {
        (0..band)
            .chain(width - band..width)
            .all(|x| page.get_pixel(x, y).0[0] > 240)
    })
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
