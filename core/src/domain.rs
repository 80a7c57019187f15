//! Values parsed once at the edge, so everything past it holds valid data.
use serde::{Deserialize, Serialize};

/// Which value did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("invalid e-mail address")]
    Email,
    #[error("invalid display name")]
    DisplayName,
    #[error("unknown language")]
    Language,
}

/// An e-mail address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !domain.contains('@')
            })
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c));
        if valid {
            Ok(Self(email))
        } else {
            Err(Invalid::Email)
        }
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown to others: 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        let count = name.chars().count();
        if (1..=100).contains(&count) && !name.chars().any(char::is_control) {
            Ok(Self(name.to_string()))
        } else {
            Err(Invalid::DisplayName)
        }
    }
}

impl AsRef<str> for DisplayName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The languages the interface speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Language {
    En,
    Fr,
}

impl Language {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "en" => Ok(Self::En),
            "fr" => Ok(Self::Fr),
            _ => Err(Invalid::Language),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Marie@Ecole.FR ").unwrap().as_ref(),
            "marie@ecole.fr"
        );
        for bad in [
            "",
            "marie",
            "marie@",
            "@ecole.fr",
            "marie@ecole",
            "ma rie@ecole.fr",
            "a@b@c.fr",
            "marie@.fr",
            "m<x>@ecole.fr",
        ] {
            assert_eq!(Email::parse(bad), Err(Invalid::Email), "{bad}");
        }
    }

    #[test]
    fn display_names_are_bounded() {
        assert_eq!(DisplayName::parse(" Marie ").unwrap().as_ref(), "Marie");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"é".repeat(101)).is_err());
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn only_known_languages() {
        assert_eq!(Language::parse("fr"), Ok(Language::Fr));
        assert_eq!(Language::parse("de"), Err(Invalid::Language));
    }
}
