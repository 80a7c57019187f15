//! The `besace` server: configuration, HTTP stack, command-line subcommands.
pub mod badges_api;
pub mod config;
pub mod csrf;
pub mod session_store;
pub mod startup;
pub mod telemetry;
