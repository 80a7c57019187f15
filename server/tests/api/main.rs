//! HTTP tests: every one runs against SQLite and PostgreSQL.
mod helpers;

mod accounts;
mod operations;
mod pages;
