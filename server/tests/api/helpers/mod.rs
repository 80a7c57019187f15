//! Black-box test harness: a real `besace` server on a random port, over a fresh SQLite file
//! or a fresh PostgreSQL database, driven with a real HTTP client that keeps cookies.
//!
//! Every helper the tests share lives here, once:
//! - [`app`]: the databases, the running server and the `on_both_databases!` macro;
//! - [`client`]: one browser (`TestClient`): pages, forms, sign-up and login;
//! - [`calls`]: the server functions and JSON routes the tests call (import, badges,
//!   collections, addresses);
//! - [`answers`]: readers of what the server answers (redirects, cookies, JSON, hidden inputs);
//! - [`fixtures`]: the badge fixtures on disk and badges minted with the library's issuer kit;
//! - [`sites`]: web servers on 127.0.0.1 standing in for an issuer's site;
//! - [`issuer_site`]: an issuer's site with caching headers and `304`s, counting requests;
//! - [`platform`]: an issuer platform (Moodle-like OAuth client) pushing badges in;
//! - [`peers`]: Moodle's Badgr-API backpack client and Mahara's badge block, as they call;
//! - [`smtp`]: the SMTP sink that receives the server's mail.
mod answers;
mod app;
mod calls;
mod client;
mod fixtures;
mod issuer_site;
mod peers;
mod platform;
mod sites;
pub mod smtp;

pub use answers::*;
pub use app::*;
pub use client::*;
pub use fixtures::*;
pub use issuer_site::*;
pub use peers::*;
pub use platform::*;
pub use sites::*;

/// One test body, run once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run($crate::helpers::Backend::Sqlite, $body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run($crate::helpers::Backend::Postgres, $body).await
            }
        }
    };
}
