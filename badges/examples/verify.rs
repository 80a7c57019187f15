//! `cargo run -p besace-badges --example verify -- <FILE|URL> [--recipient EMAIL]... [--json]`
//! — the same entry point the `besace verify` subcommand calls.
use clap::Parser;

#[derive(Parser)]
#[command(name = "verify")]
struct Cli {
    #[command(flatten)]
    args: besace_badges::VerifyArgs,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() { 2 } else { 0 });
        }
    };
    std::process::exit(besace_badges::run_verify(cli.args).await);
}
