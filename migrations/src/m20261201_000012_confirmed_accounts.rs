//! An account counts once its sign-up link is used: until then it holds no session and no
//! data, and a later sign-up with the same address replaces it (the address's real owner
//! is never blocked by someone who typed it first). Accounts made before this migration
//! were used at once, so they count as confirmed from their creation.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    CreatedAt,
    ConfirmedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut confirmed = ColumnDef::new(Users::ConfirmedAt)
            .timestamp_with_time_zone()
            .null()
            .to_owned();
        crate::add_column(manager, Users::Table, &mut confirmed).await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::ConfirmedAt, Expr::col(Users::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
