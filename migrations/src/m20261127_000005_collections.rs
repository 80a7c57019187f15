//! Collections: a learner's chosen sets of badges, private until published under a token.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Badges {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Collections {
    Table,
    Id,
    UserId,
    Name,
    Description,
    ShareToken,
    PublishedAt,
    AllowIndexing,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CollectionBadges {
    Table,
    CollectionId,
    BadgeId,
    Position,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Collections::Table)
                    .col(
                        ColumnDef::new(Collections::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Collections::UserId).big_integer().not_null())
                    .col(ColumnDef::new(Collections::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Collections::Description).text().not_null())
                    // NULL while private; a new random token at each publication, so an
                    // old link never comes back to life.
                    .col(
                        ColumnDef::new(Collections::ShareToken)
                            .string_len(64)
                            .null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Collections::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Collections::AllowIndexing)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Collections::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Collections::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Collections::Table, Collections::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("collections_user")
                    .table(Collections::Table)
                    .col(Collections::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CollectionBadges::Table)
                    .col(
                        ColumnDef::new(CollectionBadges::CollectionId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CollectionBadges::BadgeId).big_integer().not_null())
                    .col(ColumnDef::new(CollectionBadges::Position).integer().not_null())
                    .col(
                        ColumnDef::new(CollectionBadges::AddedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CollectionBadges::CollectionId)
                            .col(CollectionBadges::BadgeId),
                    )
                    // Deleting a collection keeps its badges; deleting a badge takes it
                    // out of every collection.
                    .foreign_key(
                        ForeignKey::create()
                            .from(CollectionBadges::Table, CollectionBadges::CollectionId)
                            .to(Collections::Table, Collections::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CollectionBadges::Table, CollectionBadges::BadgeId)
                            .to(Badges::Table, Badges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("collection_badges_badge")
                    .table(CollectionBadges::Table)
                    .col(CollectionBadges::BadgeId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
