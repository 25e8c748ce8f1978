//! The `control-layer` binary: parses the command line and hands over to [`control_layer::server`].

/// mimalloc rather than the system allocator: the request path allocates and frees small
/// buffers on several threads, where glibc's allocator spends several times longer.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    control_layer::server::cli::main().await
}
