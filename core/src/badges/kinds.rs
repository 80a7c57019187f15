//! The closed sets a stored badge is described by, stored by their names: its status after
//! the last check, the Open Badges version it follows, and how it was verified.
use besace_badges::{Method, Spec};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What a stored badge's last check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum BadgeStatus {
    #[sea_orm(string_value = "verified")]
    Verified,
    #[sea_orm(string_value = "expired")]
    Expired,
    #[sea_orm(string_value = "revoked")]
    Revoked,
    /// The last check could not conclude (the issuer's site was down, say): the badge
    /// stays, and says so.
    #[sea_orm(string_value = "unchecked")]
    Unchecked,
}

impl BadgeStatus {
    pub const ALL: [BadgeStatus; 4] = [Self::Verified, Self::Expired, Self::Revoked, Self::Unchecked];

    /// The stored name (`verified`, `expired`…), as the URL's filter and the exports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Unchecked => "unchecked",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

/// The Open Badges version a stored badge follows (the report's `spec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum BadgeSpec {
    #[sea_orm(string_value = "ob0.5")]
    #[serde(rename = "ob0.5")]
    Ob05,
    #[sea_orm(string_value = "ob1")]
    #[serde(rename = "ob1")]
    Ob1,
    #[sea_orm(string_value = "ob2")]
    #[serde(rename = "ob2")]
    Ob2,
    #[sea_orm(string_value = "ob3")]
    #[serde(rename = "ob3")]
    Ob3,
}

impl BadgeSpec {
    /// What the OB 2.x APIs (Badge Connect, Moodle's backpack) serve: every version before 3.0.
    pub const BEFORE_OB3: [BadgeSpec; 3] = [Self::Ob2, Self::Ob1, Self::Ob05];
}

impl From<Spec> for BadgeSpec {
    fn from(spec: Spec) -> Self {
        match spec {
            Spec::Ob05 => Self::Ob05,
            Spec::Ob1 => Self::Ob1,
            Spec::Ob2 => Self::Ob2,
            Spec::Ob3 => Self::Ob3,
        }
    }
}

/// How a stored badge was verified (the report's `method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum BadgeMethod {
    #[sea_orm(string_value = "hosted")]
    #[serde(rename = "hosted")]
    Hosted,
    #[sea_orm(string_value = "signed")]
    #[serde(rename = "signed")]
    Signed,
    #[sea_orm(string_value = "eddsa-rdfc-2022")]
    #[serde(rename = "eddsa-rdfc-2022")]
    EddsaRdfc2022,
    #[sea_orm(string_value = "vc-jwt")]
    #[serde(rename = "vc-jwt")]
    VcJwt,
}

impl From<Method> for BadgeMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::Hosted => Self::Hosted,
            Method::Signed => Self::Signed,
            Method::EddsaRdfc2022 => Self::EddsaRdfc2022,
            Method::VcJwt => Self::VcJwt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored names are the report's names (docs/CONTRACTS.md), so old rows still read.
    #[test]
    fn stored_names_are_the_reports_names() {
        for spec in [Spec::Ob05, Spec::Ob1, Spec::Ob2, Spec::Ob3] {
            assert_eq!(
                serde_json::to_value(spec).unwrap(),
                serde_json::Value::String(BadgeSpec::from(spec).to_value())
            );
        }
        for method in [
            Method::Hosted,
            Method::Signed,
            Method::EddsaRdfc2022,
            Method::VcJwt,
        ] {
            assert_eq!(
                serde_json::to_value(method).unwrap(),
                serde_json::Value::String(BadgeMethod::from(method).to_value())
            );
        }
        for status in BadgeStatus::ALL {
            assert_eq!(status.to_value(), status.as_str());
            assert_eq!(BadgeStatus::parse(status.as_str()), Some(status));
        }
    }
}
