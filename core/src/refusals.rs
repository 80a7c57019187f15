//! What a refused import tells the learner to do. Only a badge that is genuine in every
//! other way earns advice about its recipient: a forged one never suggests adding the
//! address it names (that would help whoever forged it to claim someone's badge).
use besace_badges::{CheckId, Report};

/// The learner's next step for a refused badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalAdvice {
    /// Issued to this address of the learner's, not confirmed yet: open (or resend) its link.
    ConfirmAddress(String),
    /// Issued to this address, which is not in the account: add it and confirm it.
    AddAddress(String),
    /// Issued to another address the badge does not state in clear (a salted hash).
    AnotherAddress,
    /// Nothing about the recipient helps: the badge itself is not genuine.
    None,
}

/// Advice for `report`, given the learner's addresses still waiting for confirmation.
pub fn advise(report: &Report, unconfirmed: &[String]) -> RefusalAdvice {
    let failed: Vec<CheckId> = report.checks.iter().filter(|c| !c.ok).map(|c| c.id).collect();
    let only_the_recipient = failed.contains(&CheckId::Recipient)
        && failed
            .iter()
            .all(|id| matches!(id, CheckId::Recipient | CheckId::Expiry | CheckId::Revocation));
    if !only_the_recipient {
        return RefusalAdvice::None;
    }
    if let Some(address) = besace_badges::recipient::find_match(&report.recipient.stated, unconfirmed) {
        return RefusalAdvice::ConfirmAddress(address);
    }
    match &report.recipient.stated_email {
        Some(email) => RefusalAdvice::AddAddress(email.clone()),
        None => RefusalAdvice::AnotherAddress,
    }
}
