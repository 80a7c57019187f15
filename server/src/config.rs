//! Command line and environment: every setting has a flag and a `BESACE_*` variable.
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::{net::SocketAddr, path::PathBuf};
use url::Url;

#[derive(Debug, Parser)]
#[command(
    name = "besace",
    version,
    about = "Besace, a learner backpack for Open Badges"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web app (migrations are applied first).
    Serve(Box<ServeArgs>),
    /// Apply the database migrations, then exit.
    Migrate(DatabaseArgs),
    /// Verify one badge exactly as the import does (exit 0 valid, 1 invalid, 2 unreadable).
    Verify(crate::verify_cli::VerifyArgs),
    /// Create (or find again) a demo learner with a realistic backpack and a published
    /// collection; prints the login and the public gallery link.
    Demo(DemoArgs),
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// External base URL the printed gallery link starts with.
    #[arg(long, env = "BESACE_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: Url,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB`.
    /// Default: the SQLite file `besace.db` in the data directory.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where Besace keeps its files (the default SQLite database among them).
    #[arg(long, env = "BESACE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
}

impl DatabaseArgs {
    /// The URL to connect to; the default SQLite file is created if missing.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("besace.db").display()),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "BESACE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// External base URL used in links and for the Origin check (default: http://ADDR).
    /// Cookies are marked Secure when it starts with https.
    #[arg(long, env = "BESACE_PUBLIC_URL")]
    pub public_url: Option<Url>,
    /// Folder of the built site (wasm, js, css and public assets).
    #[arg(long, env = "BESACE_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Log format.
    #[arg(long, env = "BESACE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Sign-up and login attempts allowed per client IP per minute.
    #[arg(long, env = "BESACE_RATE_LIMIT_PER_IP", default_value_t = 30)]
    pub rate_limit_per_ip: u32,
    /// Login and password attempts allowed per account per minute.
    #[arg(long, env = "BESACE_RATE_LIMIT_PER_ACCOUNT", default_value_t = 10)]
    pub rate_limit_per_account: u32,
    /// SMTP server for outgoing mail (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`). Without it, mails go to the log and to DATA_DIR/outbox/.
    #[arg(long, env = "BESACE_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of Besace's mails.
    #[arg(long, env = "BESACE_MAIL_FROM", default_value = "Besace <besace@localhost>")]
    pub mail_from: String,
    /// Let badge verification reach loopback and private addresses. Tests only: never in
    /// production.
    #[arg(long, env = "BESACE_ALLOW_PRIVATE_NETWORK", value_parser = clap::builder::FalseyValueParser::new())]
    pub allow_private_network: bool,
    /// How often each badge is checked again for revocation and expiry (`24h`, `30m`;
    /// `0s` turns the background check off).
    #[arg(long, env = "BESACE_REVERIFY_EVERY", default_value = "24h")]
    pub reverify_every: humantime::Duration,
    /// How long a process holds the badges it took for a background check: if it dies
    /// mid-batch, another process takes them over once this has passed.
    #[arg(long, env = "BESACE_RECHECK_LEASE", default_value = "10m")]
    pub recheck_lease: humantime::Duration,
    /// A badge shown on a public gallery whose last check is older than this is checked
    /// again in the background when someone views it.
    #[arg(long, env = "BESACE_PUBLIC_RECHECK_AFTER", default_value = "1h")]
    pub public_recheck_after: humantime::Duration,
    /// Reverse proxies in front of Besace (addresses or networks, comma-separated, e.g.
    /// `127.0.0.1,10.0.0.0/8`): only their `X-Forwarded-For` names the client.
    #[arg(long, env = "BESACE_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Files, links and texts one import may carry (more answer 413, nothing imported).
    #[arg(long, env = "BESACE_MAX_IMPORT_ITEMS", default_value_t = 50)]
    pub max_import_items: usize,
    /// Bytes of rendered public pages kept in memory (the least used go first).
    #[arg(long, env = "BESACE_PUBLIC_CACHE_BYTES", default_value_t = besace_core::public_pages::DEFAULT_BUDGET)]
    pub public_cache_bytes: u64,
    /// A file of issuers this site vouches for, one per line: an issuer id or a domain,
    /// then the name to show ("known issuer"); `#` starts a comment.
    #[arg(long, env = "BESACE_KNOWN_ISSUERS")]
    pub known_issuers: Option<std::path::PathBuf>,
    /// Trust the demo issuer of `besace demo`, whose private keys are public: for a demo
    /// server only (`scripts/run --demo`). Without it, badges signed with them are refused.
    #[arg(long, env = "BESACE_DEMO", value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,
}

impl ServeArgs {
    /// The configured public URL, or http:// plus the address actually bound (with port 0
    /// the real port is only known once listening).
    pub fn public_url(&self, bound: SocketAddr) -> Url {
        self.public_url.clone().unwrap_or_else(|| {
            Url::parse(&format!("http://{bound}")).expect("a socket address makes a valid URL")
        })
    }
}

/// A proxy's address (`10.0.0.1`) or network (`10.0.0.0/8`).
fn parse_proxy(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an IP address or network"))
}
