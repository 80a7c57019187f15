//! Making badges, the other way round from verifying them: an Open Badges 3.0 credential
//! signed with `eddsa-rdfc-2022` by a `did:key` issuer, or an Open Badges 2.0 assertion
//! (hosted, or signed with RS256) from an issuer whose documents live at https URLs,
//! baked into a PNG or an SVG.
//!
//! Besace is a backpack, not an issuer: this exists so the demo backpack and the import
//! benchmark hold real badges that verify offline, made by the same canonicalisation the
//! verifier uses (and checked by it in the tests below).
use crate::data_integrity::{hash_data, ProofError};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// An issuer whose identifier is its Ed25519 public key (`did:key`): verifiable offline.
pub struct DidKeyIssuer {
    key: SigningKey,
    did: String,
}

impl DidKeyIssuer {
    /// The same seed always gives the same issuer (demo data is reproducible).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        // Multicodec ed25519-pub (0xed 0x01) + key, base58btc: `did:key:z6Mk…`.
        let mut multicodec = vec![0xed, 0x01];
        multicodec.extend_from_slice(key.verifying_key().as_bytes());
        let did = format!(
            "did:key:{}",
            multibase::encode(multibase::Base::Base58Btc, multicodec)
        );
        Self { key, did }
    }

    pub fn did(&self) -> &str {
        &self.did
    }

    /// `did:key:z…#z…`: the key of a `did:key` is its own fragment.
    pub fn verification_method(&self) -> String {
        let fragment = self.did.trim_start_matches("did:key:");
        format!("{}#{fragment}", self.did)
    }

    /// `credential` as a VC-JWT (OB 3.0 §VC-JWT: the credential in the `vc` claim, with
    /// `iss`, `jti`, `nbf` and, when given, `exp`), signed EdDSA with this issuer's key.
    pub fn sign_jwt(&self, credential: &Value, not_before: i64, expires: Option<i64>) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": self.verification_method()});
        let mut claims = json!({
            "vc": credential,
            "iss": self.did,
            "jti": credential.get("id").cloned().unwrap_or(Value::Null),
            "nbf": not_before,
        });
        if let Some(expires) = expires {
            claims["exp"] = expires.into();
        }
        let input = format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        );
        let signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", b64.encode(signature.to_bytes()))
    }

    /// Adds an `eddsa-rdfc-2022` Data Integrity proof to `credential`, dated `created`.
    pub fn sign(&self, mut credential: Value, created: &str) -> Result<Value, ProofError> {
        let mut proof = json!({
            "type": "DataIntegrityProof",
            "created": created,
            "verificationMethod": self.verification_method(),
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
        });
        let signature = self.key.sign(&hash_data(&credential, &proof)?);
        proof["proofValue"] = Value::String(multibase::encode(
            multibase::Base::Base58Btc,
            signature.to_bytes(),
        ));
        credential["proof"] = proof;
        Ok(credential)
    }
}

/// What an issued badge says.
#[derive(Default)]
pub struct BadgeSpec<'a> {
    /// `urn:uuid:…` or an https URL: the credential's own id.
    pub id: &'a str,
    pub issuer_name: &'a str,
    pub issuer_url: &'a str,
    pub achievement_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub image_url: &'a str,
    pub recipient_email: &'a str,
    /// Hash the address with this salt (what issuers usually do), or state it in clear.
    pub salt: Option<&'a str>,
    /// RFC 3339.
    pub valid_from: &'a str,
    pub tags: &'a [&'a str],
    pub issuer_email: Option<&'a str>,
    pub alignments: &'a [Target<'a>],
}

/// A skill or standard an achievement is aligned to.
#[derive(Default)]
pub struct Target<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub framework: &'a str,
    pub code: &'a str,
}

/// `sha256$<hex>` of the address and salt, as both specifications hash recipients.
fn hashed_identity(email: &str, salt: &str) -> String {
    let hash = Sha256::digest(format!("{email}{salt}").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256${hex}")
}

/// An unsigned Open Badges 3.0 credential.
pub fn ob3_credential(issuer: &DidKeyIssuer, badge: &BadgeSpec) -> Value {
    let identifier = match badge.salt {
        Some(salt) => {
            json!({
                "type": "IdentityObject",
                "identityHash": hashed_identity(badge.recipient_email, salt),
                "identityType": "emailAddress",
                "hashed": true,
                "salt": salt
            })
        }
        None => json!({
            "type": "IdentityObject",
            "identityHash": badge.recipient_email,
            "identityType": "emailAddress",
            "hashed": false
        }),
    };
    let mut issuer_profile = json!({
        "id": issuer.did(),
        "type": ["Profile"],
        "name": badge.issuer_name,
        "url": badge.issuer_url
    });
    if let Some(email) = badge.issuer_email {
        issuer_profile["email"] = json!(email);
    }
    let alignments: Vec<Value> = badge
        .alignments
        .iter()
        .map(|t| {
            json!({
                "type": ["Alignment"],
                "targetName": t.name,
                "targetUrl": t.url,
                "targetFramework": t.framework,
                "targetCode": t.code
            })
        })
        .collect();
    let mut credential = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": badge.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile,
        "validFrom": badge.valid_from,
        "name": badge.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identifier],
            "achievement": {
                "id": badge.achievement_id,
                "type": ["Achievement"],
                "name": badge.name,
                "description": badge.description,
                "criteria": { "narrative": badge.criteria },
                "image": { "id": badge.image_url, "type": "Image" },
                "tag": badge.tags
            }
        }
    });
    if !alignments.is_empty() {
        credential["credentialSubject"]["achievement"]["alignment"] = json!(alignments);
    }
    credential
}

const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// An Open Badges 2.0 issuer: its profile (`{base}/issuer.json`) and RSA key
/// (`{base}/key.json`) are documents at https URLs that verifiers fetch, so whoever serves
/// them must serve exactly what [`Self::profile`] and [`Self::key`] answer.
pub struct HostedIssuer {
    key: rsa::RsaPrivateKey,
    base: String,
}

/// Why an issuer key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IssuerKeyError {
    #[error("not a PKCS#8 PEM RSA private key: {0}")]
    BadKey(String),
    #[error("signing failed: {0}")]
    Signing(String),
}

impl HostedIssuer {
    /// `base` is the https origin (and path) the issuer's documents live under.
    pub fn new(private_key_pem: &str, base: &str) -> Result<Self, IssuerKeyError> {
        use rsa::pkcs8::DecodePrivateKey;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem)
            .map_err(|e| IssuerKeyError::BadKey(e.to_string()))?;
        Ok(Self {
            key,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    pub fn profile_url(&self) -> String {
        format!("{}/issuer.json", self.base)
    }

    pub fn key_url(&self) -> String {
        format!("{}/key.json", self.base)
    }

    /// The Issuer profile, listing the signing key.
    pub fn profile(&self, badge: &BadgeSpec) -> Value {
        let mut profile = json!({
            "@context": OB2_CONTEXT,
            "type": "Issuer",
            "id": self.profile_url(),
            "name": badge.issuer_name,
            "url": badge.issuer_url,
            "publicKey": self.key_url()
        });
        if let Some(email) = badge.issuer_email {
            profile["email"] = json!(email);
        }
        profile
    }

    /// The CryptographicKey document: the public half, in PEM.
    pub fn key(&self) -> Result<Value, IssuerKeyError> {
        use rsa::pkcs8::{EncodePublicKey, LineEnding};
        let pem = self
            .key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| IssuerKeyError::BadKey(e.to_string()))?;
        Ok(json!({
            "@context": OB2_CONTEXT,
            "type": "CryptographicKey",
            "id": self.key_url(),
            "owner": self.profile_url(),
            "publicKeyPem": pem
        }))
    }

    /// The BadgeClass, whose id (and URL) is the spec's `achievement_id`.
    pub fn badge_class(&self, badge: &BadgeSpec) -> Value {
        let mut class = json!({
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": badge.achievement_id,
            "name": badge.name,
            "description": badge.description,
            "image": badge.image_url,
            "criteria": { "narrative": badge.criteria },
            "issuer": self.profile_url(),
            "tags": badge.tags
        });
        if !badge.alignments.is_empty() {
            let alignments: Vec<Value> = badge
                .alignments
                .iter()
                .map(|t| {
                    json!({
                        "targetName": t.name,
                        "targetUrl": t.url,
                        "targetFramework": t.framework,
                        "targetCode": t.code
                    })
                })
                .collect();
            class["alignment"] = json!(alignments);
        }
        class
    }

    /// The Assertion: hosted at its own id (an https URL under `base`), or signed with
    /// this issuer's key (then see [`Self::sign`]).
    pub fn assertion(&self, badge: &BadgeSpec, signed: bool) -> Value {
        let recipient = match badge.salt {
            Some(salt) => json!({
                "type": "email",
                "hashed": true,
                "salt": salt,
                "identity": hashed_identity(badge.recipient_email, salt)
            }),
            None => json!({ "type": "email", "hashed": false, "identity": badge.recipient_email }),
        };
        let verification = if signed {
            json!({ "type": "signed", "creator": self.key_url() })
        } else {
            json!({ "type": "hosted" })
        };
        json!({
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": badge.id,
            "recipient": recipient,
            "badge": badge.achievement_id,
            "issuedOn": badge.valid_from,
            "verification": verification
        })
    }

    /// A compact JWS (RS256) of `assertion`: what a signed badge bakes.
    pub fn sign(&self, assertion: &Value) -> Result<String, IssuerKeyError> {
        use base64::Engine as _;
        use rsa::signature::{SignatureEncoding, Signer as _};
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(json!({ "alg": "RS256" }).to_string());
        let payload = b64.encode(assertion.to_string());
        let signing_input = format!("{header}.{payload}");
        let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone());
        let signature = signer
            .try_sign(signing_input.as_bytes())
            .map_err(|e| IssuerKeyError::Signing(e.to_string()))?;
        Ok(format!("{signing_input}.{}", b64.encode(signature.to_bytes())))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{verify_bytes, NoFetch, VerifyOptions};

    const LEARNER: &str = "lea.martin@example.org";

    fn badge() -> BadgeSpec<'static> {
        BadgeSpec {
            id: "urn:uuid:6d1f2a3b-0000-4000-8000-000000000001",
            issuer_name: "Centre de formation Démo",
            issuer_url: "https://demo.besace.test",
            achievement_id: "https://demo.besace.test/badges/etre-ponctuel",
            name: "Être ponctuel",
            description: "Arrive à l'heure et prévient en cas de retard.",
            criteria: "Observé pendant quatre semaines de stage.",
            image_url: "https://demo.besace.test/badges/etre-ponctuel.png",
            recipient_email: LEARNER,
            salt: Some("gros-sel"),
            valid_from: "2026-03-02T09:00:00Z",
            tags: &["savoir-être"],
            issuer_email: Some("contact@demo.besace.test"),
            alignments: &[Target {
                name: "Respecter les horaires",
                url: "https://demo.besace.test/referentiel/savoir-etre#ponctualite",
                framework: "Référentiel savoir-être Démo",
                code: "SE-04",
            }],
        }
    }

    fn options() -> VerifyOptions {
        VerifyOptions {
            recipients: vec![LEARNER.into()],
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn signed_and_baked_badges_verify_offline() {
        let issuer = DidKeyIssuer::from_seed([7; 32]);
        assert!(issuer.did().starts_with("did:key:z6Mk"));
        let credential = issuer
            .sign(ob3_credential(&issuer, &badge()), "2026-03-02T09:00:00Z")
            .unwrap();

        let json = serde_json::to_vec(&credential).unwrap();
        let report = verify_bytes(&json, &NoFetch, &options()).await;
        assert!(report.valid(), "{:#?}", report.errors(crate::Lang::En));
        assert_eq!(report.badge.name.as_deref(), Some("Être ponctuel"));
        assert_eq!(
            report.badge.issuer.email.as_deref(),
            Some("contact@demo.besace.test")
        );
        let aligned = &report.badge.alignments;
        assert_eq!(aligned.len(), 1, "{aligned:?}");
        assert_eq!(aligned[0].name.as_deref(), Some("Respecter les horaires"));
        assert_eq!(aligned[0].code.as_deref(), Some("SE-04"));

        let png = bake_png(&disc_png(64, [47, 93, 80]), &credential).unwrap();
        assert!(verify_bytes(&png, &NoFetch, &options()).await.valid());
        let svg = bake_svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#,
            &credential,
        )
        .unwrap();
        assert!(
            verify_bytes(svg.as_bytes(), &NoFetch, &options()).await.valid(),
            "{svg}"
        );

        // A changed word breaks the proof.
        let mut forged = credential.clone();
        forged["name"] = json!("Être toujours ponctuel");
        assert!(
            !verify_bytes(&serde_json::to_vec(&forged).unwrap(), &NoFetch, &options())
                .await
                .valid()
        );
    }

    /// Serves an Open Badges 2.0 issuer's documents (and hosted assertions) from memory.
    fn served(documents: Vec<(String, Value)>) -> crate::Bundled<NoFetch> {
        crate::Bundled::new(NoFetch, move |url: &str| {
            documents
                .iter()
                .find(|(u, _)| u == url)
                .map(|(u, doc)| crate::FetchResponse {
                    status: 200,
                    url: u.clone(),
                    content_type: Some("application/ld+json".into()),
                    body: doc.to_string().into_bytes(),
                })
        })
    }

    #[tokio::test]
    async fn open_badges_2_hosted_and_signed_badges_verify() {
        let issuer = HostedIssuer::new(
            include_str!("../fixtures/keys/test-issuer.pem"),
            "https://demo.besace.test/",
        )
        .unwrap();
        let hosted_id = "https://demo.besace.test/assertions/1.json";
        let spec = BadgeSpec {
            id: hosted_id,
            achievement_id: "https://demo.besace.test/badges/etre-ponctuel.json",
            ..badge()
        };
        let hosted = issuer.assertion(&spec, false);
        let fetcher = served(vec![
            (issuer.profile_url(), issuer.profile(&spec)),
            (issuer.key_url(), issuer.key().unwrap()),
            (spec.achievement_id.into(), issuer.badge_class(&spec)),
            (hosted_id.into(), hosted.clone()),
        ]);
        let picture = disc_png(32, [1, 2, 3]);
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>"#;

        let hosted_png = bake_png_ob2(&picture, &hosted.to_string()).unwrap();
        let hosted_svg = bake_svg_ob2(svg, hosted_id, Some(&hosted)).unwrap();
        for file in [hosted_png, hosted_svg.into_bytes()] {
            let report = verify_bytes(&file, &fetcher, &options()).await;
            assert!(report.valid(), "{:#?}", report.errors(crate::Lang::En));
            assert_eq!(
                report.badge.issuer.email.as_deref(),
                Some("contact@demo.besace.test")
            );
            assert_eq!(report.badge.alignments.len(), 1);
        }

        let jws = issuer.sign(&issuer.assertion(&spec, true)).unwrap();
        for file in [
            bake_png_ob2(&picture, &jws).unwrap(),
            bake_svg_ob2(svg, &jws, None).unwrap().into_bytes(),
        ] {
            let report = verify_bytes(&file, &fetcher, &options()).await;
            assert!(report.valid(), "{:#?}", report.errors(crate::Lang::En));
            assert_eq!(report.badge.name.as_deref(), Some("Être ponctuel"));
        }

        // Another key signing for this issuer is refused, and so is a badge whose
        // documents cannot be fetched.
        let impostor = HostedIssuer::new(
            include_str!("../fixtures/keys/other-issuer.pem"),
            "https://demo.besace.test/",
        )
        .unwrap();
        let forged = bake_png_ob2(&picture, &impostor.sign(&issuer.assertion(&spec, true)).unwrap()).unwrap();
        assert!(!verify_bytes(&forged, &fetcher, &options()).await.valid());
        let offline = bake_png_ob2(&picture, &jws).unwrap();
        assert!(!verify_bytes(&offline, &NoFetch, &options()).await.valid());
    }

    #[test]
    fn baking_refuses_what_is_not_an_image() {
        assert_eq!(bake_png(b"GIF89a", &json!({})), None);
        assert_eq!(bake_svg("<html></html>", &json!({})), None);
    }
}
