//! Ending a learner's sessions everywhere at once (a password change, "log out
//! everywhere"): every session remembers the account's epoch at login, and a session whose
//! epoch is older than the account's no longer counts.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    SessionEpoch,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut epoch = ColumnDef::new(Users::SessionEpoch)
            .big_integer()
            .not_null()
            .default(0)
            .to_owned();
        crate::add_column(manager, Users::Table, &mut epoch).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
