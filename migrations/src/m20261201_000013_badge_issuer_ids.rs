//! A badge keeps its issuer's id (as its verification found it) in a column of its own, so
//! a list of badges says how each issuer is known without reading every stored report.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Badges {
    Table,
    IssuerId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::add_column(
            manager,
            Badges::Table,
            ColumnDef::new(Badges::IssuerId).text().null(),
        )
        .await?;
        // The stored reports already hold it (docs/CONTRACTS.md: `badge.issuer.id`).
        let fill = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "UPDATE badges SET issuer_id = (report::jsonb #>> '{badge,issuer,id}')",
            _ => "UPDATE badges SET issuer_id = json_extract(report, '$.badge.issuer.id') WHERE json_valid(report)",
        };
        manager
            .get_connection()
            .execute_unprepared(fill)
            .await
            .map(|_| ())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("migrations are forward only".into()))
    }
}
