//! Each badge's name and issuer folded for search and sort: lower case, accents and
//! ligatures spelt out ("Être" → "etre", "Œuvre" → "oeuvre"), the same on SQLite and
//! PostgreSQL (SQLite's `lower()` folds ASCII only). Core writes them with every
//! verification (`core::badges::search_keys`); rows from before are filled at start-up.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Badges {
    Table,
    NameKey,
    IssuerKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Badges::NameKey, Badges::IssuerKey] {
            crate::add_column(manager, Badges::Table, ColumnDef::new(column).text().null()).await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
