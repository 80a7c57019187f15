//! A badge a platform pushed for one of the learner's addresses that is not confirmed yet
//! waits too, with the platform that sent it: once the address is confirmed it goes to the
//! inbox, where the learner decides, as any push (see `core::held_badges`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HeldBadges {
    Table,
    ClientId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(HeldBadges::Table)
                    .add_column(ColumnDef::new(HeldBadges::ClientId).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
