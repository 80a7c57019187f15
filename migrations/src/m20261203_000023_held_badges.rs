//! Badges waiting for an address: a badge issued to one of the learner's addresses that is
//! not confirmed yet is kept here, and goes into the backpack by itself once the address is
//! confirmed (see `core::held_badges`).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HeldBadges {
    Table,
    Id,
    UserId,
    Email,
    IsLink,
    Original,
    Sha256,
    HeldAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HeldBadges::Table)
                    .col(
                        ColumnDef::new(HeldBadges::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(HeldBadges::UserId).big_integer().not_null())
                    .col(ColumnDef::new(HeldBadges::Email).string_len(254).not_null())
                    .col(ColumnDef::new(HeldBadges::IsLink).boolean().not_null())
                    .col(ColumnDef::new(HeldBadges::Original).blob().not_null())
                    .col(ColumnDef::new(HeldBadges::Sha256).string_len(64).not_null())
                    .col(
                        ColumnDef::new(HeldBadges::HeldAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(HeldBadges::Table, HeldBadges::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("held_badges_user_sha256")
                    .table(HeldBadges::Table)
                    .col(HeldBadges::UserId)
                    .col(HeldBadges::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
