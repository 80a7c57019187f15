//! OB 3.0 `credentialSchema`: a credential that names one of the bundled 1EdTech JSON
//! Schemas (`schemas/`, type `1EdTechJsonSchemaValidator2019`) must validate against it;
//! a schema that is not bundled is reported as not checked, never fetched.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

use crate::json::{as_list, id_of, str_of};
use crate::report::{CheckId, Report};

const VALIDATOR_TYPE: &str = "1EdTechJsonSchemaValidator2019";

/// The bundled schemas: (the URL credentials name, file contents).
const SCHEMAS: &[(&str, &str)] = &[
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
        include_str!("../schemas/ob_v3p0_achievementcredential_schema.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json",
        include_str!("../schemas/ob_v3p0_endorsementcredential_schema.json"),
    ),
];

/// At most this many schema errors are named in the report.
const MAX_ERRORS: usize = 3;

static VALIDATORS: LazyLock<HashMap<&'static str, jsonschema::Validator>> = LazyLock::new(|| {
    SCHEMAS
        .iter()
        .filter_map(|(url, text)| {
            let schema: Value = serde_json::from_str(text).ok()?;
            jsonschema::draft201909::new(&schema).ok().map(|v| (*url, v))
        })
        .collect()
});

/// What validating `credential` against the schemas it names found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SchemaOutcome {
    /// Schemas named and bundled, that it satisfies.
    pub checked: Vec<String>,
    /// Schemas named but not bundled (or of another validator type): not checked.
    pub unchecked: Vec<String>,
    /// Each failure: the schema and the first errors (`/path: message`).
    pub errors: Vec<String>,
}

pub(crate) fn validate(credential: &Value) -> SchemaOutcome {
    let mut outcome = SchemaOutcome::default();
    for entry in as_list(credential.get("credentialSchema")) {
        let Some(url) = id_of(entry) else { continue };
        let validator = (str_of(entry, "type") == Some(VALIDATOR_TYPE))
            .then(|| VALIDATORS.get(url))
            .flatten();
        let Some(validator) = validator else {
            outcome.unchecked.push(url.to_owned());
            continue;
        };
        let errors: Vec<String> = validator
            .iter_errors(credential)
            .take(MAX_ERRORS)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            outcome.checked.push(url.to_owned());
        } else {
            outcome.errors.push(format!("{url}: {}", errors.join("; ")));
        }
    }
    outcome
}

/// Adds the `schema` check when the credential names any schema.
pub(crate) fn check(r: &mut Report, credential: &Value) {
    let outcome = validate(credential);
    if !outcome.errors.is_empty() {
        r.fail(CheckId::Schema, outcome.errors.join(" | "));
    } else if !outcome.checked.is_empty() || !outcome.unchecked.is_empty() {
        let detail = (!outcome.unchecked.is_empty())
            .then(|| format!("not checked (not bundled): {}", outcome.unchecked.join(", ")));
        r.check(CheckId::Schema, true, detail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_schema_compiles() {
        assert_eq!(VALIDATORS.len(), SCHEMAS.len());
    }
}
