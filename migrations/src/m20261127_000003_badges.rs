//! Badges in a learner's backpack: the original bytes as imported, and the last verification.
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
    UserId,
    CredentialId,
    OriginalSha256,
    OriginalMediaType,
    Original,
    Spec,
    Method,
    Name,
    IssuerName,
    IssuedOn,
    ExpiresAt,
    Status,
    Report,
    VerifiedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Badges::Table)
                    .col(
                        ColumnDef::new(Badges::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Badges::UserId).big_integer().not_null())
                    // The assertion or credential id, when the badge has one.
                    .col(ColumnDef::new(Badges::CredentialId).string_len(2048).null())
                    .col(ColumnDef::new(Badges::OriginalSha256).string_len(64).not_null())
                    .col(
                        ColumnDef::new(Badges::OriginalMediaType)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Badges::Original).blob().not_null())
                    .col(ColumnDef::new(Badges::Spec).string_len(8).not_null())
                    .col(ColumnDef::new(Badges::Method).string_len(32).null())
                    .col(ColumnDef::new(Badges::Name).string_len(1024).not_null())
                    .col(ColumnDef::new(Badges::IssuerName).string_len(1024).not_null())
                    .col(ColumnDef::new(Badges::IssuedOn).timestamp_with_time_zone().null())
                    .col(
                        ColumnDef::new(Badges::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    // verified | expired | revoked | unchecked
                    .col(ColumnDef::new(Badges::Status).string_len(16).not_null())
                    // The last verification report (the JSON of docs/CONTRACTS.md).
                    .col(ColumnDef::new(Badges::Report).text().not_null())
                    .col(
                        ColumnDef::new(Badges::VerifiedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Badges::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Badges::Table, Badges::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The same badge twice in one backpack: same bytes, or same assertion/credential id.
        manager
            .create_index(
                Index::create()
                    .name("badges_user_original")
                    .table(Badges::Table)
                    .col(Badges::UserId)
                    .col(Badges::OriginalSha256)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX badges_user_credential ON badges (user_id, credential_id) \
                 WHERE credential_id IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
