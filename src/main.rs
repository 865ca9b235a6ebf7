//! The `onebox` executable: parse the command line, set up logging, run.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use onebox::cli::{Cli, Command};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                // Colour codes only for a terminal: they would fill log files.
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(log_filter())
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("onebox: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` as a level (`warn`) or targets with levels
/// (`onebox=debug,warp=info`); `info` when unset, empty or unreadable.
fn log_filter() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .filter(|directives| !directives.trim().is_empty())
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO))
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Backup { out, db }) => {
            onebox::db::backup(&db.path, &out).map_err(|e| e.to_string())?;
            println!("backed up {} to {}", db.path.display(), out.display());
            Ok(())
        }
        Some(Command::Check { db }) => {
            let problems = onebox::db::check(&db.path).map_err(|e| e.to_string())?;
            if problems.is_empty() {
                println!("ok: {} passes the integrity check", db.path.display());
                Ok(())
            } else {
                for problem in &problems {
                    println!("{problem}");
                }
                Err(format!(
                    "{} problem(s) found in {}",
                    problems.len(),
                    db.path.display()
                ))
            }
        }
        Some(Command::OperatorToken { db }) => {
            let token =
                onebox::db::write_for_cli(&db.path, |tx| onebox::operator::gate::renew(tx))?;
            println!("operator token: {token}\nsign in at /_/?token={token}");
            Ok(())
        }
        Some(Command::Reset {
            domain,
            empty,
            bcrypt_cost,
            flags,
            db,
        }) => {
            let passwords = onebox::password::Passwords::new(bcrypt_cost, 8);
            let done = onebox::demo::reset_file(
                &db.path,
                domain.as_deref(),
                !empty,
                passwords,
                flags.into_extensions(),
            )?;
            for reset in done {
                println!(
                    "{}: {} rows removed, {}",
                    reset.domain,
                    reset.removed,
                    if reset.demo {
                        "demo data written"
                    } else {
                        "left empty"
                    }
                );
            }
            Ok(())
        }
        Some(Command::Restore { file, db }) => {
            let kept = onebox::db::restore(&file, &db.path).map_err(|e| e.to_string())?;
            match kept {
                Some(old) => println!(
                    "restored {} from {}; the old file is kept as {}",
                    db.path.display(),
                    file.display(),
                    old.display()
                ),
                None => println!("restored {} from {}", db.path.display(), file.display()),
            }
            Ok(())
        }
        Some(Command::Domain(command)) => {
            println!("{}", command.run()?);
            Ok(())
        }
    }
}

fn serve(args: onebox::cli::ServeArgs) -> Result<(), String> {
    // Blocking threads run database reads, which wait for one of the eight
    // reader connections anyway; more threads would only hold memory.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(32)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let server = onebox::server::start(&args)
            .await
            .map_err(|e| e.to_string())?;
        let banner = onebox::server::banner(&server);
        let mut stdout = std::io::stdout();
        let _ = stdout
            .write_all(banner.as_bytes())
            .and_then(|()| stdout.flush());
        server.run_until_signal().await;
        Ok(())
    })
}
