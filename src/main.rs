//! The `quelle` binary: parse arguments, run, map errors to an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    quelle::cli::main()
}
