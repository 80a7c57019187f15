//! The issuers a Besace site vouches for (`BESACE_KNOWN_ISSUERS`, e.g. a training
//! network's members): a file of lines `<issuer id or domain> <display name>`, `#` for
//! comments. A domain counts only for a badge whose issuer is known by that domain; an id
//! (a `did:key` too) counts for exactly that issuer.
use besace_badges::IssuerIdentity;
use std::collections::HashMap;

/// How a badge's issuer is known: a signature proves who holds a key, not who the issuer
/// is. (The pages show it as `app::badges::Standing`.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Listed by this site's operator (`BESACE_KNOWN_ISSUERS`), under this name.
    Known { name: String },
    /// By its domain: the badge is bound to this site of the issuer's.
    Domain { domain: String },
    /// Only by what the badge says of itself.
    SelfAsserted,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KnownIssuers {
    by_id: HashMap<String, String>,
    by_domain: HashMap<String, String>,
}

impl KnownIssuers {
    /// Reads the file's text; a line without a name is an error that says which line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut known = Self::default();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, name)) = line.split_once(char::is_whitespace) else {
                return Err(format!(
                    "line {}: an issuer id or domain, then its name",
                    index + 1
                ));
            };
            let name = name.trim().to_owned();
            if key.contains(':') {
                known.by_id.insert(key.to_owned(), name);
            } else {
                known.by_domain.insert(key.to_ascii_lowercase(), name);
            }
        }
        Ok(known)
    }

    pub fn len(&self) -> usize {
        self.by_id.len() + self.by_domain.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How a verified badge's issuer is known, from the issuer id its checks bound it to.
    pub fn standing_of(&self, issuer_id: Option<&str>) -> Standing {
        self.standing(issuer_id, &IssuerIdentity::of(issuer_id.unwrap_or_default()))
    }

    /// How a verified badge's issuer is known on this site.
    pub fn standing(&self, issuer_id: Option<&str>, identity: &IssuerIdentity) -> Standing {
        let listed = issuer_id.and_then(|id| self.by_id.get(id)).or(match identity {
            IssuerIdentity::Domain { domain } => self.by_domain.get(domain),
            IssuerIdentity::SelfAsserted => None,
        });
        match (listed, identity) {
            (Some(name), _) => Standing::Known { name: name.clone() },
            (None, IssuerIdentity::Domain { domain }) => Standing::Domain {
                domain: domain.clone(),
            },
            (None, IssuerIdentity::SelfAsserted) => Standing::SelfAsserted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_issuers_are_known_by_id_or_by_their_domain_only() {
        let known = KnownIssuers::parse(
            "# Réseau des centres\nmoodle.campus.example  Campus de Lyon\n\ndid:key:z6Mk1 Centre démo\n",
        )
        .unwrap();
        assert_eq!(known.len(), 2);
        let domain = |d: &str| IssuerIdentity::Domain { domain: d.into() };
        assert_eq!(
            known.standing(
                Some("https://moodle.campus.example/i"),
                &domain("moodle.campus.example")
            ),
            Standing::Known {
                name: "Campus de Lyon".into()
            }
        );
        assert_eq!(
            known.standing(Some("did:key:z6Mk1"), &IssuerIdentity::SelfAsserted),
            Standing::Known {
                name: "Centre démo".into()
            }
        );
        // A self-asserted issuer cannot borrow a listed domain's name.
        assert_eq!(
            known.standing(Some("did:key:z6Mk2"), &IssuerIdentity::SelfAsserted),
            Standing::SelfAsserted
        );
        assert_eq!(
            known.standing(Some("https://other.example/i"), &domain("other.example")),
            Standing::Domain {
                domain: "other.example".into()
            }
        );
        assert!(KnownIssuers::parse("justoneword\n")
            .unwrap_err()
            .contains("line 1"));
    }
}
