//! Issuer platforms (Moodle and others) that registered themselves to push badges in, by
//! OAuth 2.0 dynamic client registration (RFC 7591), as Badge Connect and the Open Badges
//! 3.0 API require. Only a hash of each client secret is kept.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Id,
    ClientId,
    SecretSha256,
    Name,
    ClientUri,
    LogoUri,
    TosUri,
    PolicyUri,
    SoftwareId,
    SoftwareVersion,
    RedirectUris,
    Scope,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthClients::Table)
                    .col(
                        ColumnDef::new(OauthClients::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OauthClients::ClientId)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(OauthClients::SecretSha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(OauthClients::Name).string_len(200).not_null())
                    .col(ColumnDef::new(OauthClients::ClientUri).string_len(2000).null())
                    .col(ColumnDef::new(OauthClients::LogoUri).string_len(2000).null())
                    .col(ColumnDef::new(OauthClients::TosUri).string_len(2000).null())
                    .col(ColumnDef::new(OauthClients::PolicyUri).string_len(2000).null())
                    .col(ColumnDef::new(OauthClients::SoftwareId).string_len(200).null())
                    .col(
                        ColumnDef::new(OauthClients::SoftwareVersion)
                            .string_len(200)
                            .null(),
                    )
                    // A JSON array: matched exactly, never by prefix.
                    .col(ColumnDef::new(OauthClients::RedirectUris).text().not_null())
                    .col(ColumnDef::new(OauthClients::Scope).text().not_null())
                    .col(
                        ColumnDef::new(OauthClients::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
