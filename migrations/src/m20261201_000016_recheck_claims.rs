//! A badge claimed for its background re-verification by one process keeps the claim's
//! end here: other processes on the same database leave it alone until then, and a process
//! killed mid-batch leaves its claims to expire (see `core::badges::reverify_due`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Badges {
    Table,
    RecheckClaimedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::add_column(
            manager,
            Badges::Table,
            ColumnDef::new(Badges::RecheckClaimedUntil)
                .timestamp_with_time_zone()
                .null(),
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
