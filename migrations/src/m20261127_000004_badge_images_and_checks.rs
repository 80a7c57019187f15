//! Badge images stored by content hash, and the history of every verification of a badge.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Badges {
    Table,
    Id,
    UserId,
    CreatedAt,
    ImageSha256,
}

#[derive(DeriveIden)]
enum Blobs {
    Table,
    Sha256,
    MediaType,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BadgeChecks {
    Table,
    Id,
    BadgeId,
    CheckedAt,
    Status,
    Report,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Content-addressed: the same image shared by many badges is stored once.
        manager
            .create_table(
                Table::create()
                    .table(Blobs::Table)
                    .col(
                        ColumnDef::new(Blobs::Sha256)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Blobs::MediaType).string_len(100).not_null())
                    .col(ColumnDef::new(Blobs::Bytes).blob().not_null())
                    .col(
                        ColumnDef::new(Blobs::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // The picture shown for a badge: the original itself when it is a baked image,
        // otherwise the image the badge names, fetched once at import.
        manager
            .alter_table(
                Table::alter()
                    .table(Badges::Table)
                    .add_column(ColumnDef::new(Badges::ImageSha256).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("badges_user_created")
                    .table(Badges::Table)
                    .col(Badges::UserId)
                    .col(Badges::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BadgeChecks::Table)
                    .col(
                        ColumnDef::new(BadgeChecks::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(BadgeChecks::BadgeId).big_integer().not_null())
                    .col(
                        ColumnDef::new(BadgeChecks::CheckedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BadgeChecks::Status).string_len(16).not_null())
                    .col(ColumnDef::new(BadgeChecks::Report).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(BadgeChecks::Table, BadgeChecks::BadgeId)
                            .to(Badges::Table, Badges::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("badge_checks_badge_time")
                    .table(BadgeChecks::Table)
                    .col(BadgeChecks::BadgeId)
                    .col(BadgeChecks::CheckedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
