//! Building the application: database, migrations, sessions, routes. `Application::build`
//! binds the listener, so callers (and tests) learn the real port before serving.
use crate::{
    config::{DatabaseArgs, ServeArgs},
    csrf::{self, AllowedOrigins},
    session_store::AnySessionStore,
};
use anyhow::Context;
use app::{shell, App};
use axum::{
    extract::{DefaultBodyLimit, FromRef, State},
    http::{header, HeaderValue, StatusCode},
    middleware,
    response::IntoResponse,
    routing::get,
    Router,
};
use besace_core::{
    mail::Mailer,
    rate_limit::{RateLimitConfig, RateLimits},
    AppState,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list_with_exclusions_and_ssg_and_context, LeptosRoutes};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use std::{
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::Duration,
};
use tokio::net::TcpListener;
use tower_http::{set_header::SetResponseHeaderLayer, trace::TraceLayer};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// Server functions and forms: a few fields, the longest a collection's description.
pub const MAX_FORM_BODY: usize = 64 * 1024;

/// Axum state: Leptos' options plus ours.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub db: DatabaseConnection,
    state: AppState,
    reverify_every: Duration,
    recheck_lease: Duration,
}

/// Opens the database (creating the SQLite file and its folder if needed) and migrates it.
pub async fn open_database(args: &DatabaseArgs) -> anyhow::Result<DatabaseConnection> {
    let url = args.url();
    if url.starts_with("sqlite:") && args.database_url.is_none() {
        std::fs::create_dir_all(&args.data_dir)
            .with_context(|| format!("could not create the data directory {}", args.data_dir.display()))?;
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(16)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .with_context(|| format!("could not open the database {}", redact(&args.url())))?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        // WAL lets readers go on while one connection writes.
        db.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;")
            .await
            .context("could not configure SQLite")?;
    }
    migrate(&db)
        .await
        .context("could not apply the database migrations")?;
    let filled = besace_core::badges::search_keys::fill_missing(&db)
        .await
        .context("could not fill the badges' search keys")?;
    if filled > 0 {
        tracing::info!(badges = filled, "search keys filled");
    }
    Ok(db)
}

/// Applies the migrations. On PostgreSQL several processes may start at once on a new
/// database: one migrates while the others wait on an advisory lock, then find nothing
/// left to do.
async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::sqlx;
    const MIGRATING: i64 = 0x6265_7361_6365; // "besace"
    let Some(pool) = besace_core::nodes::postgres_pool(db) else {
        return Ok(Migrator::up(db, None).await?);
    };
    // The lock belongs to this connection's session: held on it while the pool migrates.
    let mut holder = pool.acquire().await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATING)
        .execute(&mut *holder)
        .await?;
    let migrated = Migrator::up(db, None).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATING)
        .execute(&mut *holder)
        .await?;
    Ok(migrated?)
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

fn leptos_options(args: &ServeArgs) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("besace")
        .site_root(args.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(args.addr)
        .build()
}

impl Application {
    pub async fn build(args: &ServeArgs) -> anyhow::Result<Self> {
        let db = open_database(&args.database).await?;
        let listener = TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("could not listen on {} (is the port already taken?)", args.addr))?;
        let public_url = args.public_url(listener.local_addr().unwrap_or(args.addr));
        let store = AnySessionStore::for_database(&db).await?;
        store.spawn_expired_cleanup();

        let rate_limits = RateLimits::new(RateLimitConfig {
            per_ip_per_minute: args.rate_limit_per_ip,
            per_account_per_minute: args.rate_limit_per_account,
        })
        .shared_in(&db);
        let mailer = Mailer::new(
            args.smtp_url.as_deref(),
            &args.mail_from,
            args.database.data_dir.join("outbox"),
        )?;
        if let Some(outbox) = mailer.outbox() {
            tracing::warn!(
                outbox = %outbox.display(),
                "BESACE_SMTP_URL is not set: mails are not sent, only logged and written to the outbox"
            );
        }
        if args.demo {
            tracing::warn!("BESACE_DEMO is set: badges signed with the public demo keys are trusted");
        }
        if args.allow_private_network {
            tracing::warn!("BESACE_ALLOW_PRIVATE_NETWORK is set: badge fetches may reach private addresses");
        }
        let mut app_state = AppState::new(
            db.clone(),
            public_url.as_str(),
            rate_limits,
            mailer,
            crate::demo::verifier(args.allow_private_network, args.demo),
            public_pages(&db, args.public_cache_bytes),
        );
        app_state.public_recheck_after = *args.public_recheck_after;
        app_state.max_import_items = args.max_import_items;
        app_state.trusted_proxies = args.trusted_proxies.clone().into();
        if let Some(path) = &args.known_issuers {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the known issuers file {}", path.display()))?;
            let known = besace_core::known_issuers::KnownIssuers::parse(&text)
                .map_err(|why| anyhow::anyhow!("the known issuers file {}: {why}", path.display()))?;
            tracing::info!(issuers = known.len(), "known issuers loaded");
            app_state.known_issuers = Arc::new(known);
        }
        spawn_rate_limit_cleanup(app_state.rate_limits.clone());
        app_state
            .store
            .notices
            .handle_with(app::emails::ssr::notice_sender(&app_state));

        let sessions = SessionManagerLayer::new(store)
            .with_name("besace_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(public_url.scheme() == "https")
            .with_expiry(Expiry::OnInactivity(
                tower_sessions::cookie::time::Duration::days(14),
            ));

        let allowed = AllowedOrigins(Arc::new(vec![public_url.origin().ascii_serialization()]));
        let state = ServerState {
            leptos_options: leptos_options(args),
            app: app_state.clone(),
        };
        let context = {
            let app_state = app_state.clone();
            move || {
                provide_context(app_state.clone());
                crate::csp::set_page_policy();
            }
        };
        // Listing the routes renders the app once, outside any request: the layout's
        // resources run too and need the state (without it they panicked, now and then, on
        // the calling thread). It happens once per process: while it runs, Leptos holds a
        // process-wide "suppress resource loads" flag, and a page of another server in the
        // same process (the HTTP tests run many) that started loading then would wait
        // forever (leptos-rs/leptos#4773). Every server builds after the list exists.
        static ROUTES: OnceLock<Vec<leptos_axum::AxumRouteListing>> = OnceLock::new();
        let routes = ROUTES
            .get_or_init(|| {
                generate_route_list_with_exclusions_and_ssg_and_context(App, None, context.clone()).0
            })
            .clone();
        let router = Router::new()
            .route("/healthz", get(healthz))
            .route("/metrics", get(metrics))
            .merge(crate::badges_api::routes())
            .merge(crate::import_form::routes())
            .merge(crate::web_app::session_routes())
            .merge(crate::export::routes())
            .merge(crate::oauth::session_routes())
            .merge(crate::remote_backpack::session_routes())
            .leptos_routes_with_context(&state, routes, context.clone(), {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            })
            .fallback({
                let options = state.leptos_options.clone();
                let root = options.site_root.to_string();
                let render: Arc<crate::static_files::Render> = Arc::new(
                    leptos_axum::render_app_to_stream_with_context(context, move || shell(options.clone())),
                );
                move |request: axum::extract::Request| {
                    let (root, render) = (root.clone(), render.clone());
                    async move { crate::static_files::file_or_page(&root, request, render.as_ref()).await }
                }
            })
            // A plain form's post comes back to its page saying how it went.
            .layer(middleware::from_fn(crate::plain_forms::mark))
            .layer(sessions)
            // Every body behind the session layer has a cap: Leptos reads a server
            // function's body under this limit (a larger one is answered 413 by
            // `AppError::from_server_fn_error`); the import sets its own, larger one.
            .layer(DefaultBodyLimit::max(MAX_FORM_BODY))
            .layer(middleware::from_fn_with_state(allowed, csrf::check_origin))
            // The learner's own pages (login, consent to a platform, settings) are never
            // shown inside another site's frame, so no one can trick a click on them.
            // Public galleries stay embeddable: they are merged below, outside this layer.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            // Pages rendered by Leptos set their own policy with this response's nonce.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(crate::csp::FALLBACK_POLICY),
            ))
            .layer(TraceLayer::new_for_http())
            // Public galleries need no session nor CSRF check: they stay outside those
            // layers, which keeps each view to a cache lookup.
            .merge(crate::gallery::routes())
            .merge(crate::paper::routes())
            .merge(crate::web_app::routes())
            .merge(crate::share::routes())
            .merge(crate::badge_link::routes())
            .merge(crate::badge_connect::routes())
            .merge(crate::oauth::client_routes())
            .merge(crate::ob3_api::routes())
            .merge(crate::badgr_api::routes())
            .merge(crate::displayer_api::routes())
            .layer(middleware::map_response(close_after_refused_body))
            .with_state(state);

        Ok(Self {
            listener,
            router,
            db,
            state: app_state,
            reverify_every: *args.reverify_every,
            recheck_lease: *args.recheck_lease,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!(%addr, "Besace is listening on http://{addr}");
        let serve = axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal());
        // The background check lives and dies with the server (a stopped test server
        // leaves nothing running against its dropped database).
        tokio::select! {
            served = serve => served.context("the server stopped with an error"),
            never = housekeeping_forever(self.db.clone()) => match never {},
            never = other_processes(self.state.clone()) => match never {},
            never = reverify_forever(self.state, self.reverify_every, self.recheck_lease) => match never {},
        }
    }
}

/// The public-page cache. On PostgreSQL other processes may share the database: their
/// notices keep it fresh, and a page is built again after 10 s in case one is lost.
fn public_pages(db: &DatabaseConnection, bytes: u64) -> besace_core::public_pages::PublicPages {
    let pages = besace_core::public_pages::PublicPages::with_budget(bytes);
    match besace_core::nodes::postgres_pool(db) {
        Some(_) => pages.with_max_age(Duration::from_secs(10)),
        None => pages,
    }
}

/// On PostgreSQL, this process tells the other processes of the database its changes and
/// hears theirs (`core/src/nodes.rs`); on SQLite there are no others.
async fn other_processes(state: AppState) -> std::convert::Infallible {
    use besace_core::nodes;
    let Some(pool) = nodes::postgres_pool(&state.db) else {
        return std::future::pending().await;
    };
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    state.store.changes.relay_to(sender);
    let tag = nodes::new_sender_tag();
    tokio::select! {
        () = nodes::relay(state.db.clone(), &tag, receiver) => std::future::pending().await,
        never = nodes::listen(pool, &tag, state.store.changes.clone()) => never,
    }
}

/// Liveness and readiness: answers 200 only when the database answers.
/// A body refused as too large was not read to its end, so what follows it on the same
/// connection cannot be told apart from the rest of it: the connection closes after the
/// answer, and saying so keeps the client from sending its next request down it.
async fn close_after_refused_body(mut response: axum::response::Response) -> axum::response::Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// Operational gauges, in the Prometheus text format (no learner's data in them).
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let pages = &state.public_pages;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        format!(
            "# HELP besace_public_cache_bytes Bytes of rendered public pages held in memory.\n\
             # TYPE besace_public_cache_bytes gauge\n\
             besace_public_cache_bytes {}\n\
             # HELP besace_public_cache_pages Rendered public pages held in memory.\n\
             # TYPE besace_public_cache_pages gauge\n\
             besace_public_cache_pages {}\n",
            pages.weight(),
            pages.len()
        ),
    )
}

/// Checks stored badges again once they are `every` old: revocation and expiry change
/// after import. Wakes often enough that no badge waits much longer than `every`.
async fn reverify_forever(state: AppState, every: Duration, lease: Duration) -> std::convert::Infallible {
    const BATCH: u64 = 200;
    if every.is_zero() {
        return std::future::pending().await;
    }
    let lease = chrono::Duration::from_std(lease).unwrap_or(besace_core::badges::RECHECK_LEASE);
    let mut tick =
        tokio::time::interval((every / 24).clamp(Duration::from_secs(1), Duration::from_secs(3600)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Ok(age) = chrono::Duration::from_std(every) else {
            continue;
        };
        let checked_before = chrono::Utc::now() - age;
        loop {
            match besace_core::badges::reverify_due(
                &state.store,
                state.fetcher.as_ref(),
                checked_before,
                BATCH,
                lease,
            )
            .await
            {
                Ok(checked) => {
                    if checked as u64 == BATCH {
                        continue;
                    }
                    if checked > 0 {
                        tracing::info!(checked, "badges checked again");
                    }
                    break;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "background badge check failed; retrying later");
                    break;
                }
            }
        }
    }
}

/// Every minute, marks stopped the imports from other backpacks whose process stopped
/// (their lease ran out); every hour, removes the accounts whose sign-up link died unused
/// (an address someone typed and never confirmed is nobody's), the issuers' documents
/// no badge asked for in a month and the password reset links that expired. Each is one
/// statement, harmless on several processes.
async fn housekeeping_forever(db: DatabaseConnection) -> std::convert::Infallible {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    for minute in 0u64.. {
        tick.tick().await;
        match besace_core::remote_backpacks::interrupted(&db).await {
            Ok(0) => {}
            Ok(count) => tracing::warn!(count, "imports from other backpacks were interrupted"),
            Err(err) => tracing::warn!(error = %err, "interrupted imports not marked; retrying later"),
        }
        if minute % 60 != 0 {
            continue;
        }
        let now = chrono::Utc::now();
        match besace_core::users::forget_unconfirmed(&db, now - besace_core::emails::LINK_LIFETIME).await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "unconfirmed accounts removed"),
            Err(err) => tracing::warn!(error = %err, "unconfirmed accounts not removed; retrying later"),
        }
        let unused = now - besace_core::documents::KEPT_UNUSED;
        if let Err(err) = besace_core::documents::forget_unused(&db, unused).await {
            tracing::warn!(error = %err, "unused issuers' documents not removed; retrying later");
        }
        if let Err(err) = besace_core::password_resets::forget_expired(&db, now).await {
            tracing::warn!(error = %err, "expired password reset links not removed; retrying later");
        }
        if let Err(err) = besace_core::held_badges::forget_old(&db, now).await {
            tracing::warn!(error = %err, "badges waiting too long not removed; retrying later");
        }
    }
    std::future::pending().await
}

fn spawn_rate_limit_cleanup(limits: Arc<RateLimits>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            limits.retain_recent().await;
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
