//! A badge's history also records each replacement by a new version: which platform sent
//! it, and the name the badge had before (the new one is in the line's report).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BadgeChecks {
    Table,
    ReplacedByClientId,
    PreviousName,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Plain columns, no foreign key: the line stays when the platform is disconnected.
        let table = || BadgeChecks::Table;
        crate::add_column(
            manager,
            table(),
            ColumnDef::new(BadgeChecks::ReplacedByClientId)
                .big_integer()
                .null(),
        )
        .await?;
        crate::add_column(
            manager,
            table(),
            ColumnDef::new(BadgeChecks::PreviousName).text().null(),
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
