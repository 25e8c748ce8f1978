//! The `control-layer` binary: parses the command line and hands over to [`control_layer::server`].

use std::ffi::{c_int, c_long};

/// mimalloc rather than the system allocator: the request path allocates and frees small
/// buffers on several threads, where mimalloc's per-thread pages are cheaper than glibc's arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Options of the mimalloc (version 3) that `libmimalloc-sys` builds, by their numbers in its
// `mi_option_e`; the Rust bindings do not name these two.
const MI_OPTION_ARENA_EAGER_COMMIT: c_int = 4;
const MI_OPTION_PURGE_DELAY: c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
    #[cfg(target_os = "linux")]
    fn prctl(option: c_int, ...) -> c_int;
}

#[cfg(target_os = "linux")]
const PR_SET_THP_DISABLE: c_int = 41;

/// Makes mimalloc give freed memory back to the system at once. By default it keeps freed
/// pages for a second and purges them only when the process allocates again, so an idle
/// gateway kept the 19 MiB of every Argon2 password hash (sign-ins) and the peaks of past load
/// resident; and it asks for transparent huge pages on arenas it commits eagerly, which makes
/// a few touched bytes cost 2 MiB. Lazy commit applies only to arenas made from now on (the
/// first one exists before `main`), hence the process-wide THP switch too. Measured with
/// `make bench`: idle memory with 100,000 keys went from 64 to 45–52 MiB, with no change in
/// CPU time per request.
fn return_freed_memory() {
    // SAFETY: `mi_option_set` only stores an option value; both numbers are valid options.
    unsafe {
        mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: a process-wide flag, with the arguments prctl(2) documents.
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            1 as c_long,
            0 as c_long,
            0 as c_long,
            0 as c_long,
        );
    }
}

fn main() -> std::process::ExitCode {
    return_freed_memory();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(control_layer::server::cli::main()),
        Err(err) => {
            eprintln!("control-layer: could not start the async runtime: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
