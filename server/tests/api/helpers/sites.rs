//! Web servers on 127.0.0.1 standing in for an issuer's site (hosted assertions, badge
//! classes, keys, pictures): what the server fetches when it verifies or imports a badge.
//! A server under test fetches from them only when started with `allow_private_network`.
use super::fixtures::{library_fixture, LEARNER, OTHER_LEARNER};
use serde_json::Value;
use tokio::net::TcpListener;

/// A site bound to a port of its own, serving nothing yet: documents may name its `base`.
pub struct StaticSite {
    listener: TcpListener,
    /// `http://127.0.0.1:{port}`
    pub base: String,
}

impl StaticSite {
    pub async fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        Self { listener, base }
    }

    /// Serves each path's bytes (anything else is a 404) until the test ends; answers `base`.
    pub fn serve<P: AsRef<str>>(self, routes: impl IntoIterator<Item = (P, Vec<u8>)>) -> String {
        let mut router = axum::Router::new();
        for (path, bytes) in routes {
            router = router.route(
                path.as_ref(),
                axum::routing::get(move || async move { bytes.clone() }),
            );
        }
        let listener = self.listener;
        tokio::spawn(async move { axum::serve(listener, router).await });
        self.base
    }
}

impl StaticSite {
    /// Like [`Self::serve`], each answer `delay` late: an issuer's site far away.
    pub fn serve_slowly<P: AsRef<str>>(
        self,
        routes: impl IntoIterator<Item = (P, Vec<u8>)>,
        delay: std::time::Duration,
    ) -> String {
        let mut router = axum::Router::new();
        for (path, bytes) in routes {
            router = router.route(
                path.as_ref(),
                axum::routing::get(move || async move {
                    tokio::time::sleep(delay).await;
                    bytes.clone()
                }),
            );
        }
        let listener = self.listener;
        tokio::spawn(async move { axum::serve(listener, router).await });
        self.base
    }
}

/// `count` hosted Open Badges 2.0 assertions for the learner on a site answering each
/// request `delay` late; answers their URLs.
pub async fn slow_hosted_badges(count: usize, delay: std::time::Duration) -> Vec<String> {
    hosted_badges(&vec!["Être ponctuel"; count], delay).await
}

/// One hosted Open Badges 2.0 assertion for the learner per name, each of its own badge
/// class, from one issuer ("Centre lointain") answering each request `delay` late; answers
/// their URLs in the same order.
pub async fn hosted_badges(names: &[&str], delay: std::time::Duration) -> Vec<String> {
    use besace_badges::issue::{disc_png, BadgeSpec, HostedIssuer};
    let site = StaticSite::bind().await;
    let base = site.base.clone();
    let pem = String::from_utf8(library_fixture("keys/test-issuer.pem")).unwrap();
    let issuer = HostedIssuer::new(&pem, &base).unwrap();
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let image_url = leak(format!("{base}/badges/picture.png"));
    let mut documents = vec![("/badges/picture.png".to_owned(), disc_png(32, [10, 120, 60]))];
    let mut urls = Vec::new();
    for (n, name) in names.iter().enumerate() {
        let spec = BadgeSpec {
            id: leak(format!("{base}/assertions/{n}.json")),
            issuer_name: "Centre lointain",
            issuer_url: "https://lointain.example/",
            achievement_id: leak(format!("{base}/badges/{n}.json")),
            name: leak(name.to_string()),
            description: "Arrive à l'heure.",
            criteria: "Observé un mois.",
            image_url,
            recipient_email: LEARNER,
            valid_from: "2026-10-01T09:00:00Z",
            ..Default::default()
        };
        if n == 0 {
            documents.push((
                "/issuer.json".to_owned(),
                issuer.profile(&spec).to_string().into_bytes(),
            ));
        }
        documents.push((
            format!("/badges/{n}.json"),
            issuer.badge_class(&spec).to_string().into_bytes(),
        ));
        documents.push((
            format!("/assertions/{n}.json"),
            issuer.assertion(&spec, false).to_string().into_bytes(),
        ));
        urls.push(spec.id.to_owned());
    }
    site.serve_slowly(documents, delay);
    urls
}

/// A site serving each path's bytes, anything else 404; answers its base URL.
pub async fn static_site(routes: Vec<(&'static str, Vec<u8>)>) -> String {
    StaticSite::bind().await.serve(routes)
}

/// A Moodle-like issuer site on 127.0.0.1: its profile, key, badge class, picture and the
/// hosted assertion, as besace_badges' own issuer writes them.
pub struct MoodleSite {
    pub hosted: Value,
    pub signed: String,
    pub for_someone_else: Value,
    /// Moodle's own Badge Connect push, byte for byte (badges/fixtures/gen/gen_moodle.py),
    /// its site's address made this one.
    pub moodle_push: Vec<u8>,
}

/// A Moodle fixture of the library's, with Moodle's host replaced by `base` (written as
/// PHP's json_encode writes it, with `\/`).
fn moodle_document(name: &str, base: &str) -> Vec<u8> {
    let text = String::from_utf8(library_fixture(name)).unwrap();
    text.replace(r"http:\/\/moodle.besace.test", &base.replace('/', r"\/"))
        .into_bytes()
}

pub async fn moodle_site() -> MoodleSite {
    use besace_badges::issue::{disc_png, BadgeSpec, HostedIssuer};
    let site = StaticSite::bind().await;
    let base = site.base.clone();
    let pem = String::from_utf8(library_fixture("keys/test-issuer.pem")).unwrap();
    let issuer = HostedIssuer::new(&pem, &base).unwrap();
    let spec = |id: &'static str, recipient: &'static str| BadgeSpec {
        id,
        issuer_name: "Campus Moodle",
        issuer_url: "https://moodle.example/",
        achievement_id: "",
        name: "Respecter des consignes",
        description: "Suit les consignes de sécurité de l'atelier.",
        criteria: "Observé pendant trois séances.",
        image_url: "",
        recipient_email: recipient,
        salt: Some("moodle-salt"),
        valid_from: "2026-10-01T09:00:00Z",
        ..Default::default()
    };
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    let class_url = leak(format!("{base}/badges/consignes.json"));
    let image_url = leak(format!("{base}/badges/consignes.png"));
    let hosted_url = leak(format!("{base}/assertions/1.json"));
    let with_urls = |mut spec: BadgeSpec<'static>| {
        spec.achievement_id = class_url;
        spec.image_url = image_url;
        spec
    };
    let hosted_spec = with_urls(spec(hosted_url, LEARNER));
    let hosted = issuer.assertion(&hosted_spec, false);
    let signed_spec = with_urls(spec(leak(format!("{base}/assertions/2.json")), LEARNER));
    let signed = issuer.sign(&issuer.assertion(&signed_spec, true)).unwrap();
    let other_url = leak(format!("{base}/assertions/3.json"));
    let for_someone_else = issuer.assertion(&with_urls(spec(other_url, OTHER_LEARNER)), false);
    let documents = vec![
        (
            "/issuer.json".to_owned(),
            issuer.profile(&hosted_spec).to_string().into_bytes(),
        ),
        (
            "/key.json".to_owned(),
            issuer.key().unwrap().to_string().into_bytes(),
        ),
        (
            "/badges/consignes.json".to_owned(),
            issuer.badge_class(&hosted_spec).to_string().into_bytes(),
        ),
        ("/badges/consignes.png".to_owned(), disc_png(64, [47, 93, 80])),
        ("/assertions/1.json".to_owned(), hosted.to_string().into_bytes()),
        (
            "/assertions/3.json".to_owned(),
            for_someone_else.to_string().into_bytes(),
        ),
        (
            "/badges/assertion.php".to_owned(),
            moodle_document("served/moodle/assertion.json", &base),
        ),
        (
            "/badges/badge_json.php".to_owned(),
            moodle_document("served/moodle/issuer.json", &base),
        ),
    ];
    site.serve(documents);
    MoodleSite {
        hosted,
        signed,
        for_someone_else,
        moodle_push: moodle_document("moodle/push.json", &base),
    }
}
