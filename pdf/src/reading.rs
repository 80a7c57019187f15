//! The PDFs as a reader's tools see them, for tests: poppler's `pdftotext` and `pdfinfo`
//! read them, `pdftoppm` draws their pages at 200 dpi, and a QR decoder reads the codes
//! off the drawn pages. Poppler comes from `scripts/setup --test`.
use std::path::Path;
use std::process::Command;

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
pub fn flat(text: &str) -> String {
    text.replace('\u{200B}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub struct Read {
    pub text: String,
    pub info: String,
    pub pages: Vec<image::GrayImage>,
}

pub fn read(pdf: &[u8]) -> Read {
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
pub fn qr_codes(page: &image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(page.clone());
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

/// Whether nothing is drawn in the outer `mm` millimetres of the page's left and right
/// edges (the margins are 18 mm): a word that ran off its line would be there.
pub fn margins_blank(page: &image::GrayImage, mm: f32) -> bool {
    let band = (mm / 25.4 * 200.0) as u32;
    let (width, height) = page.dimensions();
    (0..height).all(|y| {
        (0..band)
            .chain(width - band..width)
            .all(|x| page.get_pixel(x, y).0[0] > 240)
    })
}
