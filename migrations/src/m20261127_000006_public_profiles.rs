//! A learner's public profile: off by default; a handle of their choice when on.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    ProfileHandle,
    ProfileMode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::ProfileHandle).string_len(40).null())
                    .to_owned(),
            )
            .await?;
        // off | collections | backpack
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::ProfileMode)
                            .string_len(16)
                            .not_null()
                            .default("off"),
                    )
                    .to_owned(),
            )
            .await?;
        // Separate from the column: SQLite cannot add a UNIQUE column to a table.
        manager
            .create_index(
                Index::create()
                    .name("users_profile_handle")
                    .table(Users::Table)
                    .col(Users::ProfileHandle)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
