//! What a learner's leave to an issuer platform creates: the grant (one per learner and
//! platform), short-lived single-use authorization codes, access and refresh tokens (only
//! their SHA-256 is kept), and the inbox where pushed badges wait for the learner.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Badges {
    Table,
    PushedByClientId,
}

#[derive(DeriveIden)]
enum OauthGrants {
    Table,
    Id,
    ClientId,
    UserId,
    Scope,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum OauthCodes {
    Table,
    Id,
    CodeSha256,
    GrantId,
    RedirectUri,
    Scope,
    CodeChallenge,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum OauthTokens {
    Table,
    Id,
    TokenSha256,
    GrantId,
    Kind,
    Scope,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InboxItems {
    Table,
    Id,
    UserId,
    ClientId,
    CredentialId,
    OriginalSha256,
    OriginalMediaType,
    Original,
    Spec,
    Name,
    IssuerName,
    Report,
    ReceivedAt,
}

fn id<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn cascade(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthGrants::Table)
                    .col(id(OauthGrants::Id))
                    .col(ColumnDef::new(OauthGrants::ClientId).big_integer().not_null())
                    .col(ColumnDef::new(OauthGrants::UserId).big_integer().not_null())
                    .col(ColumnDef::new(OauthGrants::Scope).text().not_null())
                    .col(
                        ColumnDef::new(OauthGrants::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OauthGrants::LastUsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut cascade(
                        (OauthGrants::Table, OauthGrants::ClientId),
                        (OauthClients::Table, OauthClients::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (OauthGrants::Table, OauthGrants::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("oauth_grants_user_client")
                    .table(OauthGrants::Table)
                    .col(OauthGrants::UserId)
                    .col(OauthGrants::ClientId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthCodes::Table)
                    .col(id(OauthCodes::Id))
                    .col(
                        ColumnDef::new(OauthCodes::CodeSha256)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(OauthCodes::GrantId).big_integer().not_null())
                    .col(
                        ColumnDef::new(OauthCodes::RedirectUri)
                            .string_len(2000)
                            .not_null(),
                    )
                    .col(ColumnDef::new(OauthCodes::Scope).text().not_null())
                    // Base64url SHA-256 of the client's verifier (PKCE S256).
                    .col(
                        ColumnDef::new(OauthCodes::CodeChallenge)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OauthCodes::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(
                        (OauthCodes::Table, OauthCodes::GrantId),
                        (OauthGrants::Table, OauthGrants::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthTokens::Table)
                    .col(id(OauthTokens::Id))
                    .col(
                        ColumnDef::new(OauthTokens::TokenSha256)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(OauthTokens::GrantId).big_integer().not_null())
                    // "access" or "refresh".
                    .col(ColumnDef::new(OauthTokens::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(OauthTokens::Scope).text().not_null())
                    .col(
                        ColumnDef::new(OauthTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OauthTokens::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(
                        (OauthTokens::Table, OauthTokens::GrantId),
                        (OauthGrants::Table, OauthGrants::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("oauth_tokens_grant")
                    .table(OauthTokens::Table)
                    .col(OauthTokens::GrantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InboxItems::Table)
                    .col(id(InboxItems::Id))
                    .col(ColumnDef::new(InboxItems::UserId).big_integer().not_null())
                    .col(ColumnDef::new(InboxItems::ClientId).big_integer().not_null())
                    .col(ColumnDef::new(InboxItems::CredentialId).string_len(2000).null())
                    .col(
                        ColumnDef::new(InboxItems::OriginalSha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InboxItems::OriginalMediaType)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(InboxItems::Original).blob().not_null())
                    .col(ColumnDef::new(InboxItems::Spec).string_len(16).not_null())
                    .col(ColumnDef::new(InboxItems::Name).text().not_null())
                    .col(ColumnDef::new(InboxItems::IssuerName).text().not_null())
                    .col(ColumnDef::new(InboxItems::Report).text().not_null())
                    .col(
                        ColumnDef::new(InboxItems::ReceivedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut cascade(
                        (InboxItems::Table, InboxItems::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (InboxItems::Table, InboxItems::ClientId),
                        (OauthClients::Table, OauthClients::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("inbox_items_user")
                    .table(InboxItems::Table)
                    .col(InboxItems::UserId)
                    .to_owned(),
            )
            .await?;
        // Which platform pushed a badge the learner accepted (NULL: imported by hand).
        manager
            .alter_table(
                Table::alter()
                    .table(Badges::Table)
                    .add_column(ColumnDef::new(Badges::PushedByClientId).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
