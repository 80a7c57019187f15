//! Besace as an Open Badges 3.0 Service Consumer: how it is registered with each other
//! backpack (one registration per Service Description, shared by its learners), and each
//! learner's connection to one, with the tokens it reads with and where its import stands.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RemoteRegistrations {
    Table,
    Id,
    DiscoveryUrl,
    Name,
    ApiBase,
    AuthorizationUrl,
    TokenUrl,
    ClientId,
    ClientSecret,
    RedirectUri,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RemoteConnections {
    Table,
    Id,
    UserId,
    RegistrationId,
    AccessToken,
    RefreshToken,
    ExpiresAt,
    CreatedAt,
    ImportState,
    ImportedAt,
    Done,
    Added,
    Already,
    Refused,
    Failure,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn text(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

fn count(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).integer().not_null().default(0).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RemoteRegistrations::Table)
                    .col(
                        ColumnDef::new(RemoteRegistrations::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text(RemoteRegistrations::DiscoveryUrl))
                    .col(text(RemoteRegistrations::Name))
                    .col(text(RemoteRegistrations::ApiBase))
                    .col(text(RemoteRegistrations::AuthorizationUrl))
                    .col(text(RemoteRegistrations::TokenUrl))
                    .col(text(RemoteRegistrations::ClientId))
                    .col(text(RemoteRegistrations::ClientSecret))
                    .col(text(RemoteRegistrations::RedirectUri))
                    .col(
                        ColumnDef::new(RemoteRegistrations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RemoteConnections::Table)
                    .col(
                        ColumnDef::new(RemoteConnections::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RemoteConnections::UserId).big_integer().not_null())
                    .col(
                        ColumnDef::new(RemoteConnections::RegistrationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text(RemoteConnections::AccessToken))
                    .col(ColumnDef::new(RemoteConnections::RefreshToken).text().null())
                    .col(
                        ColumnDef::new(RemoteConnections::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RemoteConnections::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RemoteConnections::ImportState)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RemoteConnections::ImportedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(count(RemoteConnections::Done))
                    .col(count(RemoteConnections::Added))
                    .col(count(RemoteConnections::Already))
                    .col(count(RemoteConnections::Refused))
                    .col(ColumnDef::new(RemoteConnections::Failure).text().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(RemoteConnections::Table, RemoteConnections::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RemoteConnections::Table, RemoteConnections::RegistrationId)
                            .to(RemoteRegistrations::Table, RemoteRegistrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One registration per description and callback address.
        manager
            .create_index(
                Index::create()
                    .name("remote_registrations_discovery")
                    .table(RemoteRegistrations::Table)
                    .col(RemoteRegistrations::DiscoveryUrl)
                    .col(RemoteRegistrations::RedirectUri)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("remote_connections_user")
                    .table(RemoteConnections::Table)
                    .col(RemoteConnections::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
