//! Issuers' documents kept for every badge and every process that checks them (see
//! `core::documents`): the response, its caching policy (RFC 9111, serialised) and when
//! the issuer last confirmed it. And a lease on a running import from another backpack,
//! renewed as it goes, so a process that starts does not mark another's import stopped.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SharedDocuments {
    Table,
    Url,
    Status,
    FinalUrl,
    ContentType,
    Body,
    Headers,
    Policy,
    StoredAt,
    CheckedAt,
}

#[derive(DeriveIden)]
enum RemoteConnections {
    Table,
    ImportLeaseUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SharedDocuments::Table)
                    .col(
                        ColumnDef::new(SharedDocuments::Url)
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SharedDocuments::Status).integer().not_null())
                    .col(ColumnDef::new(SharedDocuments::FinalUrl).text().not_null())
                    .col(ColumnDef::new(SharedDocuments::ContentType).text())
                    .col(ColumnDef::new(SharedDocuments::Body).blob().not_null())
                    .col(ColumnDef::new(SharedDocuments::Headers).text().not_null())
                    .col(ColumnDef::new(SharedDocuments::Policy).text().not_null())
                    .col(
                        ColumnDef::new(SharedDocuments::StoredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SharedDocuments::CheckedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("shared_documents_checked_at")
                    .table(SharedDocuments::Table)
                    .col(SharedDocuments::CheckedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RemoteConnections::Table)
                    .add_column(
                        ColumnDef::new(RemoteConnections::ImportLeaseUntil).timestamp_with_time_zone(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
