//! `besace`: dispatches the subcommands. All the work is in the library.
use anyhow::Context;
use besace_server::{
    config::{Cli, Command, LogFormat},
    startup::{open_database, Application},
    telemetry,
};
use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Verify(mut args) => {
            let verifier = besace_server::demo::verifier(args.allow_private_network, args.demo);
            args.distrusted_issuers = verifier.distrusted_issuers().to_vec();
            let code = besace_server::verify_cli::run_verify_with(&args, &verifier).await;
            return ExitCode::from(u8::try_from(code).unwrap_or(2));
        }
        Command::Serve(args) => {
            telemetry::init(args.log_format);
            serve(*args).await
        }
        Command::Demo(args) => {
            telemetry::init(LogFormat::Text);
            demo(args).await
        }
        Command::Migrate(args) => {
            telemetry::init(LogFormat::Text);
            open_database(&args)
                .await
                .map(|_| tracing::info!("database is up to date"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = ?err, "besace stopped");
            eprintln!("Error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(args: besace_server::config::DemoArgs) -> anyhow::Result<()> {
    let db = open_database(&args.database).await?;
    let demo = besace_server::demo::create(&db, args.public_url.as_str())
        .await
        .context("could not create the demo learner")?;
    println!("Demo learner ready: {} badges.", demo.badges);
    println!("  Log in at {}login", args.public_url);
    println!("    e-mail:   {}", demo.email);
    println!("    password: {}", demo.password);
    println!("  Public gallery: {}", demo.gallery_url);
    Ok(())
}

async fn serve(args: besace_server::config::ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(&args)
        .await
        .context("could not start Besace")?;
    app.run_until_stopped().await
}
