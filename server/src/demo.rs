//! `besace demo`: a demo learner with a realistic backpack, so a newcomer sees the whole
//! product in one command. The badges are real, in the formats learners bring:
//! - Open Badges 2.0, signed (RS256) and baked into a PNG, or hosted and baked into an SVG.
//!   The demo issuer's profile, key, badge classes and hosted assertions are documents
//!   Besace carries itself ([`issuer_document`]), so they verify offline;
//! - Open Badges 3.0 credentials signed with `eddsa-rdfc-2022` by a `did:key` issuer,
//!   baked into PNG and SVG or kept as JSON.
//!
//! All are imported through the same verification as a learner's upload. Running it again
//! changes nothing: same keys, same bytes, same learner.
use anyhow::{bail, Context};
use app::domain::{DisplayName, Email, Language};
use besace_badges::issue::{
    bake_png, bake_png_ob2, bake_svg, bake_svg_ob2, disc_png, ob3_credential, BadgeSpec, DidKeyIssuer,
    HostedIssuer, Target,
};
use besace_badges::{Bundled, FetchResponse, HttpFetcher, Limits, NoFetch};
use besace_core::{
    badges::{self, ImportOutcome},
    changes::Store,
    collections::{self, CollectionText},
    emails, password, users,
};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, LazyLock};

pub const DEMO_EMAIL: &str = "camille.durand@example.org";
/// A second, verified address: badges from a work placement often go there.
pub const DEMO_WORK_EMAIL: &str = "c.durand@atelier-demo.example";
pub const DEMO_PASSWORD: &str = "Besace démo 2026";
const DEMO_NAME: &str = "Camille Durand";

const ISSUER_NAME: &str = "Centre de formation Démo";
/// A reserved `.example` name: no real site can ever answer for the demo issuer.
const ISSUER_URL: &str = "https://formation-demo.example";
const ISSUER_EMAIL: &str = "contact@formation-demo.example";
const FRAMEWORK: &str = "Référentiel des savoir-être professionnels (démo)";

/// The demo's soft-skill badges (docs/CONTRACTS.md, "The demo"): name, slug, description, criteria.
const SOFT_SKILLS: [(&str, &str, &str, &str); 14] = [
    (
        "Demander de l'aide",
        "demander-de-l-aide",
        "Sait reconnaître quand il ou elle a besoin d'aide et la demande à la bonne personne.",
        "Observé en atelier : demande d'aide formulée clairement, au bon moment, à trois reprises.",
    ),
    (
        "Apporter de l'aide",
        "apporter-de-l-aide",
        "Propose son aide à un collègue en difficulté sans faire à sa place.",
        "Aide apportée à un pair pendant deux séances pratiques, confirmée par le formateur.",
    ),
    (
        "Être ponctuel",
        "etre-ponctuel",
        "Arrive à l'heure et prévient en cas de retard.",
        "Aucun retard non prévenu pendant quatre semaines de formation.",
    ),
    (
        "Organiser son temps",
        "organiser-son-temps",
        "Planifie ses tâches et tient les délais fixés.",
        "Planning hebdomadaire tenu pendant un mois ; travaux rendus à temps.",
    ),
    (
        "Présentation adaptée",
        "presentation-adaptee",
        "Adopte une tenue et une attitude adaptées au lieu de travail.",
        "Tenue et attitude adaptées lors de deux visites en entreprise.",
    ),
    (
        "Parler en public",
        "parler-en-public",
        "Prend la parole devant un groupe de façon claire et structurée.",
        "Présentation orale de cinq minutes devant le groupe, évaluée avec une grille.",
    ),
    (
        "Respecter des consignes",
        "respecter-des-consignes",
        "Comprend et applique des consignes orales et écrites.",
        "Trois exercices réalisés en suivant des consignes écrites, sans erreur.",
    ),
    (
        "Capacité de persuasion",
        "capacite-de-persuasion",
        "Présente ses arguments avec calme pour convaincre.",
        "Jeu de rôle de négociation réussi devant un jury.",
    ),
    (
        "Remplir un formulaire",
        "remplir-un-formulaire",
        "Remplit un formulaire administratif complet et sans erreur.",
        "Trois formulaires réels remplis seul, vérifiés par le formateur.",
    ),
    (
        "Organiser l'espace de travail",
        "organiser-l-espace-de-travail",
        "Range et prépare son poste pour travailler efficacement et en sécurité.",
        "Poste de travail rangé et sûr à chaque fin de séance pendant deux semaines.",
    ),
    (
        "Précision",
        "precision",
        "Travaille avec soin et vérifie son travail.",
        "Relevé de mesures exact à 1 mm près sur dix pièces.",
    ),
    (
        "Rendre compte d'une activité",
        "rendre-compte-d-une-activite",
        "Fait un compte rendu clair, oral ou écrit, de ce qui a été fait.",
        "Compte rendu écrit d'une journée de stage, clair et complet.",
    ),
    (
        "Compréhension de la hiérarchie",
        "comprehension-de-la-hierarchie",
        "Sait à qui s'adresser dans l'entreprise et respecte les rôles de chacun.",
        "Organigramme de l'entreprise de stage expliqué au tuteur.",
    ),
    (
        "Discrétion",
        "discretion",
        "Respecte la confidentialité des informations de l'entreprise et des personnes.",
        "Aucune information confidentielle divulguée pendant le stage, attesté par le tuteur.",
    ),
];

/// Colours of the badge pictures (all readable on white, as the grid shows them).
const COLOURS: [[u8; 3]; 7] = [
    [47, 93, 80],
    [160, 44, 44],
    [31, 78, 140],
    [130, 80, 20],
    [95, 60, 130],
    [20, 110, 110],
    [150, 60, 100],
];

pub struct DemoLearner {
    pub email: &'static str,
    pub password: &'static str,
    pub badges: usize,
    pub gallery_url: String,
}

/// Creates (or finds) the demo learner, their badges and collections.
pub async fn create(db: &DatabaseConnection, public_url: &str) -> anyhow::Result<DemoLearner> {
    // A process of its own (`besace demo`): nobody here listens to its changes.
    let store = Store::new(db.clone());
    let user = demo_user(db).await?;
    let ids = import_badges(&store, user.id, SOFT_SKILLS.len()).await?;
    let stage = collection(
        &store,
        user.id,
        "Savoir-être pour mon stage",
        "Les savoir-être validés pendant ma formation au Centre de formation Démo, pour mon futur employeur.",
        &[ids[2], ids[3], ids[6], ids[0], ids[10], ids[13]],
    )
    .await?;
    collection(
        &store,
        user.id,
        "Communication",
        "Prendre la parole, convaincre et rendre compte.",
        &[ids[5], ids[7], ids[11]],
    )
    .await?;
    let published = match stage.share_token {
        Some(_) => stage,
        None => collections::publish(&store, user.id, stage.id)
            .await?
            .context("the demo collection vanished")?,
    };
    let token = published.share_token.context("the demo collection has no link")?;
    Ok(DemoLearner {
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
        badges: ids.len(),
        gallery_url: format!("{}/g/{token}", public_url.trim_end_matches('/')),
    })
}

/// Imports the first `count` demo badges (the soft skills, then the same at higher levels)
/// and answers their ids.
async fn import_badges(store: &Store, user_id: i64, count: usize) -> anyhow::Result<Vec<i64>> {
    // The demo issuer's documents, and nothing from the network; the demo trusts its issuer.
    let fetcher = besace_core::Verifier::new(Arc::new(Bundled::new(NoFetch, issuer_document)), Vec::new());
    let mut ids = Vec::with_capacity(count);
    for index in 0..count {
        let bytes = badge_file(index)?;
        let id = match badges::import_bytes(store, &fetcher, user_id, &bytes).await? {
            ImportOutcome::Added(badge) => badge.id,
            ImportOutcome::AlreadyThere(id) => id,
            ImportOutcome::Refused(report) => {
                bail!(
                    "demo badge {index} did not verify: {:?}",
                    report.errors(besace_badges::Lang::En)
                )
            }
            ImportOutcome::TooLarge => bail!("demo badge {index} is too large"),
        };
        ids.push(id);
    }
    Ok(ids)
}

/// A published collection of `count` badges of the demo learner, for load benchmarks of
/// the public gallery; answers its link.
pub async fn large_gallery(
    db: &DatabaseConnection,
    public_url: &str,
    count: usize,
) -> anyhow::Result<String> {
    let store = Store::new(db.clone());
    let user = demo_user(db).await?;
    let ids = import_badges(&store, user.id, count).await?;
    let name = format!("Tous mes savoir-être ({count})");
    let gallery = collection(
        &store,
        user.id,
        &name,
        "Chaque badge obtenu pendant la formation.",
        &ids,
    )
    .await?;
    let gallery = match gallery.share_token {
        Some(_) => gallery,
        None => collections::publish(&store, user.id, gallery.id)
            .await?
            .context("the gallery vanished")?,
    };
    let token = gallery.share_token.context("the gallery has no link")?;
    Ok(format!("{}/g/{token}", public_url.trim_end_matches('/')))
}

async fn demo_user(db: &DatabaseConnection) -> anyhow::Result<users::User> {
    let email = Email::parse(DEMO_EMAIL).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = match users::find_by_email(db, &email).await? {
        Some(user) => user,
        None => {
            let name = DisplayName::parse(DEMO_NAME).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
            users::create_confirmed(db, &email, &name, hash, Some(Language::Fr)).await?
        }
    };
    let work = Email::parse(DEMO_WORK_EMAIL).map_err(|e| anyhow::anyhow!("{e}"))?;
    match emails::add(db, user.id, &work, false).await {
        Ok(_) | Err(emails::EmailError::AlreadyYours) => {}
        Err(err) => return Err(err.into()),
    }
    // Verified through the same single-use links a learner follows from the mail.
    for address in emails::list(db, user.id).await? {
        if address.verified_at.is_none() {
            let token = emails::new_link_token(db, address.id).await?;
            emails::confirm(db, &token, chrono::Utc::now()).await?;
        }
    }
    Ok(user)
}

/// The demo training centre, as an Open Badges 3.0 `did:key` issuer and as an Open Badges
/// 2.0 issuer with hosted documents. Its RSA key is in the repository on purpose: anyone
/// may sign as this issuer, whose name and `.example` address say it is a demo.
struct DemoIssuer {
    did_key: DidKeyIssuer,
    hosted: HostedIssuer,
}

static ISSUER: LazyLock<DemoIssuer> = LazyLock::new(|| DemoIssuer {
    did_key: DidKeyIssuer::from_seed(*b"besace-demo-training-centre-2026"),
    hosted: HostedIssuer::new(include_str!("demo-issuer-key.pem"), ISSUER_URL)
        .expect("the demo issuer key is a PKCS#8 RSA key"),
});

/// How the badge at a place in the list is made.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Ob2SignedPng,
    Ob2HostedSvg,
    Ob3Png,
    Ob3Svg,
    Ob3Json,
}

impl Format {
    fn of(index: usize) -> Self {
        [
            Self::Ob2SignedPng,
            Self::Ob2HostedSvg,
            Self::Ob3Png,
            Self::Ob3Svg,
            Self::Ob3Json,
        ][index % 5]
    }
}

/// Everything one demo badge says, owned (a [`BadgeSpec`] borrows from it).
struct DemoBadge {
    skill: &'static str,
    description: &'static str,
    criteria: &'static str,
    name: String,
    id: String,
    achievement_id: String,
    image_url: String,
    recipient: &'static str,
    valid_from: String,
    code: String,
    target_url: String,
}

impl DemoBadge {
    /// The soft skills in order, then the same at higher levels.
    fn at(index: usize) -> Self {
        let (skill, slug, description, criteria) = SOFT_SKILLS[index % SOFT_SKILLS.len()];
        let level = index / SOFT_SKILLS.len();
        let name = if level == 0 {
            skill.to_owned()
        } else {
            format!("{skill} — niveau {}", level + 1)
        };
        let achievement_id = format!("{ISSUER_URL}/badges/{slug}-{}", level + 1);
        let id = match Format::of(index) {
            Format::Ob2HostedSvg => format!("{ISSUER_URL}/assertions/{index}.json"),
            _ => format!("urn:uuid:de300000-0000-4000-8000-{index:012}"),
        };
        // Bare JSON credentials carry their picture; the others point at the issuer's.
        let image_url = if Format::of(index) == Format::Ob3Json {
            let svg = picture_svg(skill, colour(index));
            format!(
                "data:image/svg+xml;base64,{}",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, svg.as_bytes())
            )
        } else {
            format!("{achievement_id}.png")
        };
        let month = 1 + index % 9;
        Self {
            skill,
            description,
            criteria,
            name,
            id,
            achievement_id,
            image_url,
            // Badges of the work placement went to the work address, the rest to the
            // personal one.
            recipient: if index % SOFT_SKILLS.len() >= 11 {
                DEMO_WORK_EMAIL
            } else {
                DEMO_EMAIL
            },
            valid_from: format!("2026-{month:02}-{:02}T09:00:00Z", 3 + index % 25),
            code: format!("SE-{:02}", index % SOFT_SKILLS.len() + 1),
            target_url: format!("{ISSUER_URL}/referentiel#{slug}"),
        }
    }

    fn spec<'a>(&'a self, alignments: &'a [Target<'a>]) -> BadgeSpec<'a> {
        BadgeSpec {
            id: &self.id,
            issuer_name: ISSUER_NAME,
            issuer_url: ISSUER_URL,
            achievement_id: &self.achievement_id,
            name: &self.name,
            description: self.description,
            criteria: self.criteria,
            image_url: &self.image_url,
            recipient_email: self.recipient,
            salt: Some("sel-de-demo"),
            valid_from: &self.valid_from,
            tags: &["savoir-être", "formation professionnelle"],
            issuer_email: Some(ISSUER_EMAIL),
            alignments,
        }
    }

    fn alignment(&self) -> [Target<'_>; 1] {
        [Target {
            name: self.skill,
            url: &self.target_url,
            framework: FRAMEWORK,
            code: &self.code,
        }]
    }
}

fn colour(index: usize) -> [u8; 3] {
    COLOURS[index % COLOURS.len()]
}

/// One badge file, in the format its place in the list gives.
pub fn badge_file(index: usize) -> anyhow::Result<Vec<u8>> {
    let badge = DemoBadge::at(index);
    let alignment = badge.alignment();
    let spec = badge.spec(&alignment);
    let issuer = &*ISSUER;
    let svg = picture_svg(badge.skill, colour(index));
    let png = || disc_png(256, colour(index));
    let signed_ob3 = || {
        issuer
            .did_key
            .sign(ob3_credential(&issuer.did_key, &spec), &badge.valid_from)
            .map_err(|e| anyhow::anyhow!("signing {}: {e:?}", badge.name))
    };
    let file = match Format::of(index) {
        Format::Ob2SignedPng => {
            let jws = issuer.hosted.sign(&issuer.hosted.assertion(&spec, true))?;
            bake_png_ob2(&png(), &jws)
        }
        Format::Ob2HostedSvg => {
            let assertion = issuer.hosted.assertion(&spec, false);
            bake_svg_ob2(&svg, &badge.id, Some(&assertion)).map(String::into_bytes)
        }
        Format::Ob3Png => bake_png(&png(), &signed_ob3()?),
        Format::Ob3Svg => bake_svg(&svg, &signed_ob3()?).map(String::into_bytes),
        Format::Ob3Json => Some(serde_json::to_vec_pretty(&signed_ob3()?)?),
    };
    file.with_context(|| format!("baking demo badge {index}"))
}

/// The demo issuer's documents, as its site would serve them: profile, key, badge
/// classes, badge pictures and hosted assertions. Any other URL is `None`.
pub fn issuer_document(url: &str) -> Option<FetchResponse> {
    let path = url.strip_prefix(ISSUER_URL)?;
    let issuer = &ISSUER.hosted;
    let json = |doc: serde_json::Value| Some(("application/ld+json", doc.to_string().into_bytes()));
    let (content_type, body) = match path {
        "/issuer.json" => json(issuer.profile(&DemoBadge::at(0).spec(&[])))?,
        "/key.json" => json(issuer.key().ok()?)?,
        _ => {
            if let Some(index) = path
                .strip_prefix("/assertions/")
                .and_then(|rest| rest.strip_suffix(".json"))
                .and_then(badge_index)
                .filter(|index| Format::of(*index) == Format::Ob2HostedSvg)
            {
                let badge = DemoBadge::at(index);
                json(issuer.assertion(&badge.spec(&badge.alignment()), false))?
            } else if let Some(index) = path.strip_suffix(".png").and_then(achievement_index) {
                ("image/png", disc_png(256, colour(index)))
            } else {
                let badge = DemoBadge::at(achievement_index(path)?);
                json(issuer.badge_class(&badge.spec(&badge.alignment())))?
            }
        }
    };
    Some(FetchResponse {
        status: 200,
        url: url.to_owned(),
        content_type: Some(content_type.to_owned()),
        body,
        headers: Vec::new(),
    })
}

/// The issuers of the demo, as badges name them. Their private keys are in this
/// repository, so only a server started for the demo may trust them.
pub fn issuer_ids() -> Vec<String> {
    // The whole demo site: a badge hosted there is the demo issuer's even when its
    // profile cannot be read (outside the demo, nothing answers for that site).
    vec![format!("{ISSUER_URL}/"), ISSUER.did_key.did().to_owned()]
}

/// The one network fetcher of `besace serve` and `besace verify`, and the trust that goes
/// with it. Started for the demo (`--demo`), it also answers the demo issuer's documents
/// (so the demo backpack verifies, and re-verifies, offline) and trusts that issuer;
/// otherwise the demo issuer's badges are refused, since anyone can sign as it.
pub fn verifier(allow_private_network: bool, demo: bool) -> besace_core::Verifier {
    let network = HttpFetcher::new(allow_private_network, Limits::default());
    if demo {
        besace_core::Verifier::new(Arc::new(Bundled::new(network, issuer_document)), Vec::new())
    } else {
        besace_core::Verifier::new(Arc::new(network), issuer_ids())
    }
}

/// The demo badges there can be: the benchmark's large gallery goes up to a few hundred.
const MAX_DEMO_BADGES: usize = 10_000;

fn badge_index(text: &str) -> Option<usize> {
    text.parse().ok().filter(|index| *index < MAX_DEMO_BADGES)
}

/// The first badge of the achievement at `/badges/<slug>-<level>`.
fn achievement_index(path: &str) -> Option<usize> {
    let (slug, level) = path.strip_prefix("/badges/")?.rsplit_once('-')?;
    let level: usize = level.parse().ok().filter(|level| *level >= 1)?;
    let skill = SOFT_SKILLS.iter().position(|(_, s, _, _)| *s == slug)?;
    Some((level - 1) * SOFT_SKILLS.len() + skill).filter(|index| *index < MAX_DEMO_BADGES)
}

/// A round badge with the skill's initials: plain SVG, no script, no external reference.
fn picture_svg(name: &str, [r, g, b]: [u8; 3]) -> String {
    let initials: String = name
        .split([' ', '\''])
        .filter(|word| word.chars().count() > 2)
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256"><circle cx="128" cy="128" r="124" fill="#f6f1e7"/><circle cx="128" cy="128" r="104" fill="rgb({r},{g},{b})"/><text x="128" y="150" font-family="sans-serif" font-size="72" font-weight="700" text-anchor="middle" fill="#ffffff">{initials}</text></svg>"##
    )
}

/// The learner's collection of that name, created if missing, holding at least `badges`.
async fn collection(
    store: &Store,
    user_id: i64,
    name: &str,
    description: &str,
    badges: &[i64],
) -> anyhow::Result<collections::Collection> {
    let existing = collections::list(&store.db, user_id)
        .await?
        .into_iter()
        .map(|summary| summary.collection)
        .find(|c| c.name == name);
    let collection = match existing {
        Some(collection) => collection,
        None => {
            let text = CollectionText::parse(name, description).context("a demo collection name")?;
            collections::create(&store.db, user_id, text).await?
        }
    };
    for badge in badges {
        collections::add_badge(store, user_id, collection.id, *badge).await?;
    }
    Ok(collection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_issuer_serves_only_its_own_documents() {
        let base = ISSUER_URL;
        for path in [
            "/issuer.json",
            "/key.json",
            "/badges/precision-1",
            "/badges/precision-2.png",
            "/assertions/1.json",
        ] {
            assert!(issuer_document(&format!("{base}{path}")).is_some(), "{path}");
        }
        // The signed badge at 0 has no hosted assertion; nothing outside the issuer's site.
        for url in [
            format!("{base}/assertions/0.json"),
            format!("{base}/assertions/99999.json"),
            format!("{base}/badges/unknown-1"),
            format!("{base}/badges/precision-0"),
            "https://formation-demo.example.evil.org/issuer.json".to_owned(),
            "https://example.org/issuer.json".to_owned(),
        ] {
            assert!(issuer_document(&url).is_none(), "{url}");
        }
    }

    #[test]
    fn pictures_carry_initials_and_no_script() {
        let svg = picture_svg("Organiser l'espace de travail", [1, 2, 3]);
        assert!(svg.contains(">OE<"), "{svg}");
        assert!(!svg.contains("<script"));
    }
}
