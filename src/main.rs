//! The `control-layer` binary: parses the command line and hands over to [`control_layer::server`].

#[tokio::main]
async fn main() -> std::process::ExitCode {
    control_layer::server::cli::main().await
}
