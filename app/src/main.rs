//! The `quorum` command: serves the app (the default) or runs a maintenance task.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use quorum::config::{Cli, Command, LogFormat};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.settings.log, cli.settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("could not start: {error}")),
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => quorum::server::serve(cli.settings).await,
            Command::Migrate => quorum::server::migrate_only(cli.settings).await,
            Command::Backup(args) => quorum::backup::backup(cli.settings, args).await,
            Command::Restore(args) => quorum::backup::restore(cli.settings, args).await,
            Command::BackupKey(args) => quorum::backup::new_key(&args),
            Command::Seed(args) => quorum::seed::seed(cli.settings, args).await,
            Command::NotifyAll(args) => quorum::notice::notify_all(cli.settings, args).await,
            Command::Operator(args) => quorum::operator::run(cli.settings, args).await,
            Command::Import(args) => quorum::group_export::import::import(cli.settings, args).await,
            Command::EdgePages { out } => quorum::pages::sign_in::edge::write(&out)
                .map_err(|error| anyhow::anyhow!("could not write to {}: {error}", out.display())),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&format!("{error:#}")),
    }
}

/// One plain sentence on standard error, and a non-zero exit: never a panic trace.
fn fail(message: &str) -> ExitCode {
    eprintln!("quorum: {message}");
    ExitCode::FAILURE
}

fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    match format {
        LogFormat::Text => builder.compact().init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
