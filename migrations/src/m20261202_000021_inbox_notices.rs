//! When the learner was last told by mail that a platform sent a badge to their inbox: at
//! most one such mail a day (see `core::notices`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    InboxNoticedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::add_column(
            manager,
            Users::Table,
            ColumnDef::new(Users::InboxNoticedAt)
                .timestamp_with_time_zone()
                .null(),
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
