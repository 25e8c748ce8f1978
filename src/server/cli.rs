//! The command line: `control-layer [serve] [OPTIONS]` runs the gateway, and
//! `control-layer mock-provider [OPTIONS]` runs the OpenAI-compatible mock upstream.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use super::{Config, Gateway, logging};
use crate::mock_provider::{self, MockConfig};

#[derive(Debug, Parser)]
#[command(
    name = "control-layer",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    serve: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the gateway (the default when no subcommand is given).
    Serve(Config),
    /// Run the OpenAI-compatible mock provider used by tests, demos and benchmarks.
    MockProvider(MockConfig),
}

/// Parses the command line and runs what it asks for until shutdown.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::MockProvider(config)) => {
            logging::init(&config.log_filter);
            mock_provider::run(config).await
        }
        Some(Command::Serve(config)) => serve(config).await,
        None => serve(cli.serve).await,
    };

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("control-layer: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    logging::init(&config.log_filter);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let gateway = Gateway::start(config).await?;
    tracing::info!(address = %listener.local_addr()?, "control-layer listening");
    gateway.serve(listener, shutdown_signal()).await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so that in-flight requests can finish.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
