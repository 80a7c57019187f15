//! OAuth per RFC 6749 §4.1.2 and §10.4 and RFC 6819 §5.2.2.3: a used authorization code is
//! remembered until it expires (a replay revokes the tokens issued from it), a rotated
//! refresh token is remembered (a replay ends the grant), every token knows the code its
//! chain started from, and each client keeps the grant types it registered.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    GrantTypes,
}

#[derive(DeriveIden)]
enum OauthCodes {
    Table,
    UsedAt,
}

#[derive(DeriveIden)]
enum OauthTokens {
    Table,
    RotatedAt,
    CodeId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use crate::add_column;
        // Every client registered so far could use both grants.
        let mut grant_types = ColumnDef::new(OauthClients::GrantTypes)
            .string_len(100)
            .not_null()
            .default("authorization_code refresh_token")
            .to_owned();
        add_column(manager, OauthClients::Table, &mut grant_types).await?;
        add_column(
            manager,
            OauthCodes::Table,
            ColumnDef::new(OauthCodes::UsedAt)
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add_column(
            manager,
            OauthTokens::Table,
            ColumnDef::new(OauthTokens::RotatedAt)
                .timestamp_with_time_zone()
                .null(),
        )
        .await?;
        add_column(
            manager,
            OauthTokens::Table,
            ColumnDef::new(OauthTokens::CodeId).big_integer().null(),
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
