//! HTTP tests: every one runs against SQLite and PostgreSQL.
mod helpers;

mod accounts;
mod badge_connect;
mod badges;
mod claims;
mod collections;
mod display_names;
mod doors;
mod emails;
mod export;
mod first_run;
mod fresh_pages;
mod hostile;
mod issuers;
mod nodes;
mod operations;
mod pages;
mod password_reset;
mod plain_forms;
mod platforms;
mod web_app;
