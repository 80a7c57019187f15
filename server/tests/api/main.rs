//! HTTP tests: every one runs against SQLite and PostgreSQL.
mod helpers;
mod smtp;

mod accounts;
mod badges;
mod emails;
mod operations;
mod pages;
