//! Making badges, the other way round from verifying them: an Open Badges 3.0 credential
//! signed with `eddsa-rdfc-2022` by a `did:key` issuer, baked into a PNG or an SVG.
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

/// An unsigned Open Badges 3.0 credential.
pub fn ob3_credential(issuer: &DidKeyIssuer, badge: &BadgeSpec) -> Value {
    let identifier = match badge.salt {
        Some(salt) => {
            let hash = Sha256::digest(format!("{}{salt}", badge.recipient_email).as_bytes());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            json!({
                "type": "IdentityObject",
                "identityHash": format!("sha256${hex}"),
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

/// Bakes `credential` into a PNG: an `iTXt` chunk `openbadgecredential` before `IEND`.
/// Answers `None` when `png` is not a PNG.
pub fn bake_png(png: &[u8], credential: &Value) -> Option<Vec<u8>> {
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
    let mut data = b"openbadgecredential\0\0\0\0\0".to_vec();
    data.extend_from_slice(credential.to_string().as_bytes());
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
    let start = svg.find("<svg")?;
    let end = start + svg[start..].find('>')?;
    let mut open_tag = svg[start..end].to_owned();
    // `<svg …/>`: an empty image gets a body (and its closing tag) for the credential.
    let self_closing = open_tag.ends_with('/');
    if self_closing {
        open_tag.pop();
    }
    if !open_tag.contains("xmlns:openbadges") {
        open_tag.push_str(r#" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0""#);
    }
    // `]]>` cannot appear inside CDATA; JSON can escape `>` instead.
    let json = credential.to_string().replace("]]>", "]]\\u003e");
    Some(format!(
        "{}{open_tag}><openbadges:credential><![CDATA[{json}]]></openbadges:credential>{}{}",
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

    #[test]
    fn baking_refuses_what_is_not_an_image() {
        assert_eq!(bake_png(b"GIF89a", &json!({})), None);
        assert_eq!(bake_svg("<html></html>", &json!({})), None);
    }
}
