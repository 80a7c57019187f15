//! What the tests feed the server: the learner, the badge library's fixture files (made by
//! independent tools) and badges minted with the library's issuer kit.

/// The learner most tests sign up (`TestApp::learner_with_verified`), whom the badges name.
pub const LEARNER: &str = "ana.martin@example.org";

/// Another learner, whose badges the first must never see nor take.
pub const OTHER_LEARNER: &str = "bruno.petit@example.org";

pub const PASSWORD: &str = "Mon vélo rouge a trois roues";

/// A file of the badge library's fixtures, `badges/fixtures/{relative}`.
pub fn library_fixture(relative: &str) -> Vec<u8> {
    let path = format!("{}/../badges/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An OB 3.0 fixture (did:key issuers: verifiable offline), `badges/fixtures/ob3/{name}`.
pub fn fixture(name: &str) -> Vec<u8> {
    library_fixture(&format!("ob3/{name}"))
}

/// A genuine OB 3.0 badge (eddsa-rdfc-2022, by the `did:key` issuer of `seed`) for `spec`,
/// signed with the library's issuer kit at its `valid_from`: verifiable offline.
pub fn signed_ob3(seed: u8, spec: &besace_badges::issue::BadgeSpec) -> Vec<u8> {
    use besace_badges::issue::{ob3_credential, DidKeyIssuer};
    let issuer = DidKeyIssuer::from_seed([seed; 32]);
    let credential = issuer
        .sign(ob3_credential(&issuer, spec), spec.valid_from)
        .unwrap();
    serde_json::to_vec(&credential).unwrap()
}
