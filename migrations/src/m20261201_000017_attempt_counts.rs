//! Attempt budgets (sign-up, login, platform sign-in, registration, e-portfolio lookups)
//! counted in the database, per key and minute, when several processes share it (see
//! `core::rate_limit`). Rows older than a minute are deleted every minute.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttemptCounts {
    Table,
    Key,
    Minute,
    Count,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AttemptCounts::Table)
                    .col(ColumnDef::new(AttemptCounts::Key).text().not_null())
                    .col(ColumnDef::new(AttemptCounts::Minute).big_integer().not_null())
                    .col(ColumnDef::new(AttemptCounts::Count).integer().not_null())
                    .primary_key(Index::create().col(AttemptCounts::Key).col(AttemptCounts::Minute))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
