//! The `carecap` binary: all work happens in the library ([`carecap::cli`]).

fn main() -> std::process::ExitCode {
    carecap::cli::main()
}
