//! A learner who lets e-portfolio sites find their published collections by e-mail address
//! (the Displayer API) gets a random public id for it: never the database id, and gone
//! (NULL) while the setting is off.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    DisplayerId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::add_column(
            manager,
            Users::Table,
            ColumnDef::new(Users::DisplayerId).big_integer().null(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_displayer_id")
                    .table(Users::Table)
                    .col(Users::DisplayerId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
