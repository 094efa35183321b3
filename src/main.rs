//! The `commission` executable: clap wiring only; the work is in the library.

mod cli;

/// jemalloc, not the system's allocator: a run over many payees frees and makes millions of
/// small blocks (buckets, statements) across threads, which glibc's allocator gathers back
/// slowly (a fifth of a run's time over 100,000 payees; `Cargo.toml`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
