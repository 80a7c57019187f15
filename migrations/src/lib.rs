//! The schema, forward only. Every migration must run unchanged on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_users;
mod m20261127_000002_user_emails;
mod m20261127_000003_badges;
mod m20261127_000004_badge_images_and_checks;
mod m20261127_000005_collections;
mod m20261127_000006_public_profiles;
mod m20261127_000007_oauth_clients;
mod m20261128_000008_oauth_grants_and_inbox;
mod m20261201_000009_session_epoch;
mod m20261201_000010_badge_replacements;
mod m20261201_000011_oauth_replay;
mod m20261201_000012_confirmed_accounts;
mod m20261201_000013_badge_issuer_ids;
mod m20261201_000014_displayer_ids;
mod m20261201_000015_remote_backpacks;
mod m20261201_000016_recheck_claims;
mod m20261201_000017_attempt_counts;
mod m20261201_000018_shared_documents;
mod m20261202_000019_password_resets;
mod m20261202_000020_search_keys;
mod m20261202_000021_inbox_notices;
mod m20261202_000022_badge_shares;
mod m20261203_000023_held_badges;
mod m20261203_000024_held_pushes;

pub struct Migrator;

/// Adds one column to a table (SQLite adds them one statement at a time).
pub(crate) async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    column: &mut ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_users::Migration),
            Box::new(m20261127_000002_user_emails::Migration),
            Box::new(m20261127_000003_badges::Migration),
            Box::new(m20261127_000004_badge_images_and_checks::Migration),
            Box::new(m20261127_000005_collections::Migration),
            Box::new(m20261127_000006_public_profiles::Migration),
            Box::new(m20261127_000007_oauth_clients::Migration),
            Box::new(m20261128_000008_oauth_grants_and_inbox::Migration),
            Box::new(m20261201_000009_session_epoch::Migration),
            Box::new(m20261201_000010_badge_replacements::Migration),
            Box::new(m20261201_000011_oauth_replay::Migration),
            Box::new(m20261201_000012_confirmed_accounts::Migration),
            Box::new(m20261201_000013_badge_issuer_ids::Migration),
            Box::new(m20261201_000014_displayer_ids::Migration),
            Box::new(m20261201_000015_remote_backpacks::Migration),
            Box::new(m20261201_000016_recheck_claims::Migration),
            Box::new(m20261201_000017_attempt_counts::Migration),
            Box::new(m20261201_000018_shared_documents::Migration),
            Box::new(m20261202_000019_password_resets::Migration),
            Box::new(m20261202_000020_search_keys::Migration),
            Box::new(m20261202_000021_inbox_notices::Migration),
            Box::new(m20261202_000022_badge_shares::Migration),
            Box::new(m20261203_000023_held_badges::Migration),
            Box::new(m20261203_000024_held_pushes::Migration),
        ]
    }
}
