//! The e-mail addresses a learner owns, and the single-use links that verify them.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserEmails {
    Table,
    Id,
    UserId,
    Email,
    IsPrimary,
    VerifiedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EmailVerifications {
    Table,
    Id,
    UserEmailId,
    TokenHash,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(user_emails()).await?;
        manager
            .create_index(
                Index::create()
                    .name("user_emails_user_id_email")
                    .table(UserEmails::Table)
                    .col(UserEmails::UserId)
                    .col(UserEmails::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // An address counts for one learner only once verified; unverified claims may
        // coexist, so nobody can block an address by adding it first. Same SQL on both engines.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX user_emails_verified_email ON user_emails (email) \
                 WHERE verified_at IS NOT NULL",
            )
            .await?;
        manager.create_table(email_verifications()).await?;
        // Accounts made before this table: their sign-up address, primary, still to verify.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO user_emails (user_id, email, is_primary, created_at) \
                 SELECT id, email, TRUE, created_at FROM users",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}

fn user_emails() -> TableCreateStatement {
    Table::create()
        .table(UserEmails::Table)
        .col(
            ColumnDef::new(UserEmails::Id)
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(ColumnDef::new(UserEmails::UserId).big_integer().not_null())
        // Lower-cased like users.email.
        .col(ColumnDef::new(UserEmails::Email).string_len(254).not_null())
        .col(
            ColumnDef::new(UserEmails::IsPrimary)
                .boolean()
                .not_null()
                .default(false),
        )
        .col(
            ColumnDef::new(UserEmails::VerifiedAt)
                .timestamp_with_time_zone()
                .null(),
        )
        .col(
            ColumnDef::new(UserEmails::CreatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .foreign_key(
            ForeignKey::create()
                .from(UserEmails::Table, UserEmails::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn email_verifications() -> TableCreateStatement {
    Table::create()
        .table(EmailVerifications::Table)
        .col(
            ColumnDef::new(EmailVerifications::Id)
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(
            ColumnDef::new(EmailVerifications::UserEmailId)
                .big_integer()
                .not_null(),
        )
        // SHA-256 of the token in the link: a database leak gives no usable link.
        .col(
            ColumnDef::new(EmailVerifications::TokenHash)
                .string_len(64)
                .not_null()
                .unique_key(),
        )
        .col(
            ColumnDef::new(EmailVerifications::ExpiresAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .col(
            ColumnDef::new(EmailVerifications::CreatedAt)
                .timestamp_with_time_zone()
                .not_null(),
        )
        .foreign_key(
            ForeignKey::create()
                .from(EmailVerifications::Table, EmailVerifications::UserEmailId)
                .to(UserEmails::Table, UserEmails::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}
