//! The portfolio of a 30-badge collection laid out as `/g/{token}/portfolio.pdf` lays it out
//! (docs/PERFORMANCE.md): pictures as a backpack holds them (512 px PNG and JPEG, the
//! issuers' SVG), French text of the lengths badges carry. Reports the first render (fonts
//! and caches cold), renders from scratch (Typst's caches emptied first), renders after a
//! change (another title: what a learner's edit costs, the unchanged badges' layout coming
//! from the cache), the PDF's size, and the process's memory before and at its peak.
//!
//! `cargo bench -p besace-pdf` (BESACE_BENCH_RENDERS=10 renders of each kind by default;
//! BESACE_BENCH_PDF=path writes the PDF there).
use besace_pdf::{render, Badge, Document, Kind, Labels, Picture, Status};
use std::path::Path;
use std::time::Instant;

const BADGES: usize = 30;
const URL: &str = "https://besace.example/g/Kp3xV9qLmT2wZ8aR";

/// Resident memory of this process, in KiB: now (`VmRSS`) and its peak (`VmHWM`).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A 512 px picture drawn like a badge: rings of colour around a centre.
fn picture(seed: u32) -> image::RgbImage {
    image::RgbImage::from_fn(512, 512, |x, y| {
        let ring = ((x as i64 - 256).pow(2) + (y as i64 - 256).pow(2)) as u32 / (900 + seed * 40);
        image::Rgb([
            (ring * 37 % 256) as u8,
            (ring * 11 % 256) as u8,
            (seed * 53 % 256) as u8,
        ])
    })
}

fn median_and_slowest(mut times: Vec<std::time::Duration>) -> String {
    times.sort();
    match (times.get(times.len() / 2), times.last()) {
        (Some(median), Some(slowest)) => format!(
            "median {:.0} ms, slowest {:.0} ms",
            median.as_secs_f64() * 1000.0,
            slowest.as_secs_f64() * 1000.0
        ),
        _ => "none".into(),
    }
}

fn encoded(image: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn badge(index: usize) -> Badge {
    let svg =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../badges/fixtures/ob3/baked-di.svg"))
            .unwrap();
    let picture = match index % 3 {
        0 => (
            "image/png",
            encoded(&picture(index as u32), image::ImageFormat::Png),
        ),
        1 => (
            "image/jpeg",
            encoded(&picture(index as u32), image::ImageFormat::Jpeg),
        ),
        _ => ("image/svg+xml", svg),
    };
    Badge {
        name: format!("Accueillir un client au comptoir, niveau {}", index + 1),
        issuer: "Centre de formation professionnelle Les Tilleuls".into(),
        standing: "Émetteur confirmé par son site : tilleuls.example.".into(),
        issued_on: Some("12 mars 2026".into()),
        expires: index.is_multiple_of(4).then(|| "12 mars 2029".into()),
        description: Some(
            "Accueille le client, écoute sa demande et l'oriente vers le bon service ; tient \
             compte de ses besoins et reformule pour s'assurer d'avoir compris. "
                .repeat(3),
        ),
        criteria: Some("Trois mises en situation observées par le formateur, puis un entretien.".into()),
        criteria_url: Some("https://tilleuls.example/criteres/accueil".into()),
        status: Status::Verified,
        verdict: "✓ Authentique — vérifié le 3 décembre 2026 à 10:04 par Besace".into(),
        url: format!("{URL}/badges/{index}"),
        picture: Some(Picture {
            media_type: picture.0.into(),
            bytes: picture.1,
        }),
    }
}

fn document() -> Document {
    Document {
        kind: Kind::Portfolio,
        lang: "fr".into(),
        title: "Pour l'employeur".into(),
        owner: "Zoé Lefèvre".into(),
        description: "Les badges de ma formation de vendeuse-conseil.".into(),
        url: URL.into(),
        made: chrono::Utc::now(),
        labels: Labels {
            kind: "Portfolio d'Open Badges".into(),
            owner_line: "Badges de Zoé Lefèvre".into(),
            summary: "Badges authentiques : 30 sur 30".into(),
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
        },
        badges: (0..BADGES).map(badge).collect(),
    }
}

fn main() {
    let renders: usize = std::env::var("BESACE_BENCH_RENDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let document = document();
    let (before, _) = memory_kib();
    let started = Instant::now();
    let pdf = render(&document).expect("the portfolio renders");
    let first = started.elapsed();
    // To look at it: BESACE_BENCH_PDF=/tmp/portfolio.pdf.
    if let Ok(path) = std::env::var("BESACE_BENCH_PDF") {
        std::fs::write(path, &pdf).expect("the PDF is written");
    }
    let mut scratch = Vec::with_capacity(renders);
    for _ in 0..renders {
        comemo::evict(0);
        let started = Instant::now();
        let again = render(&document).expect("the portfolio renders");
        scratch.push(started.elapsed());
        assert!(!again.is_empty());
    }
    let mut changed = Vec::with_capacity(renders);
    for edit in 0..renders {
        let mut edited = document.clone();
        edited.title = format!("Pour l'employeur, version {edit}");
        let started = Instant::now();
        let again = render(&edited).expect("the portfolio renders");
        changed.push(started.elapsed());
        assert!(!again.is_empty());
    }
    let (after, peak) = memory_kib();
    println!("portfolio of {BADGES} badges: {} KiB PDF", pdf.len() / 1024);
    println!("  first render (cold): {:.0} ms", first.as_secs_f64() * 1000.0);
    println!("  {renders} from scratch: {}", median_and_slowest(scratch));
    println!("  {renders} after a change: {}", median_and_slowest(changed));
    println!(
        "  memory: {} MiB before, {} MiB peak, {} MiB after",
        before / 1024,
        peak / 1024,
        after / 1024
    );
}
