//! The `besace` server: configuration, HTTP stack, command-line subcommands.
pub mod badge_connect;
pub mod badges_api;
pub mod config;
pub mod csp;
pub mod csrf;
pub mod demo;
pub mod export;
pub mod extract;
pub mod gallery;
pub mod oauth;
pub mod ob3_api;
pub mod session_store;
pub mod share;
pub mod startup;
pub mod telemetry;
pub mod verify_cli;
