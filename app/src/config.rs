//! Settings, from command-line flags and the environment (flags win). Every setting has a safe
//! default so that `cargo run --release` works with none; a bad one stops start-up with one plain
//! sentence and a non-zero exit.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "quorum",
    version,
    about = "Quorum: accessible group discussion and decision making",
    long_about = "Quorum: accessible group discussion and decision making.\n\n\
        With no command, `quorum` serves the web application. Every flag can also be set \
        through the environment variable named beside it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Create or upgrade the database, then exit.
    Migrate,
    /// Make an encrypted, verified copy of the database while Quorum serves, then exit.
    Backup(crate::backup::BackupArgs),
    /// Replace the database with a backup, once the backup is checked whole, then exit. Stop
    /// the servers that use the database first.
    Restore(crate::backup::RestoreArgs),
    /// Make a key pair for encrypting backups: the private key goes to a file, the public key
    /// (for `backup --recipient`) is printed.
    BackupKey(crate::backup::KeyArgs),
    /// Fill an empty database with a made-up, realistic data set for measuring speed at scale
    /// (the same for the same --seed), then exit.
    Seed(crate::seed::SeedArgs),
    /// Queue one email to every person with an account, such as a breach notice, for the
    /// running servers to deliver; run again with the same subject and file, it carries on
    /// where it stopped and sends nobody a second copy. Then exit.
    NotifyAll(crate::notice::NotifyAllArgs),
    /// Give or take the instance operator role (`add EMAIL`, `remove EMAIL`), or list who
    /// holds it (`list`), then exit.
    Operator(crate::operator::OperatorArgs),
    /// Load a group export (downloaded from a group's settings page) into this instance as a
    /// new group: people are found by email or added, a taken handle gets a number; the same
    /// file imported again changes nothing. Then exit.
    Import(crate::group_export::import::ImportArgs),
    /// Write the sign-in pages an edge worker serves itself into a folder, then exit.
    EdgePages {
        /// The folder to write them to.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port to listen on. Use port 0 to pick a free port.
    #[arg(
        long,
        env = "QUORUM_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,

    /// Folder for the SQLite database and other local files. Created when missing.
    #[arg(long, env = "QUORUM_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Database to use, such as sqlite://data/quorum.db. Defaults to quorum.db in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// The address people use to reach this Quorum, such as https://quorum.example.org. Used in
    /// links in emails; when it starts with https://, cookies are marked Secure. Defaults to
    /// http:// and the address listened on.
    #[arg(long, env = "QUORUM_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// SMTP server for outgoing mail, such as smtp://user:password@mail.example.org:587 (STARTTLS
    /// required), smtps://…:465 (TLS), or smtp://localhost:25?tls=none. Without it, mail is
    /// written as .eml files to the mail folder inside the data folder.
    #[arg(long, env = "QUORUM_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of Quorum's emails.
    #[arg(
        long,
        env = "QUORUM_MAIL_FROM",
        default_value = "Quorum <quorum@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// End sessions unused for this many minutes. By default sessions have no idle timeout.
    #[arg(long, env = "QUORUM_SESSION_IDLE_TIMEOUT", global = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub session_idle_timeout: Option<u32>,

    /// Keep audit log lines (sign-ins, privileged group actions) for this many days; older lines
    /// are deleted by the housekeeping job.
    #[arg(long, env = "QUORUM_AUDIT_RETENTION_DAYS", default_value_t = 400, global = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub audit_retention_days: u32,

    /// The IP address of a reverse proxy in front of Quorum. For requests from it, the client's
    /// address (for rate limits and the audit log) is the last entry of X-Forwarded-For.
    #[arg(long, env = "QUORUM_TRUSTED_PROXY", global = true)]
    pub trusted_proxy: Option<std::net::IpAddr>,

    /// Keys that sign sign-in links, as `id:key,id:key…` (ids 0–255, keys URL-safe base64 of at
    /// least 32 random bytes), the signing key first. Set it to share keys with an edge worker in
    /// front of Quorum, and rotate by putting a new key first. Without it, Quorum makes and keeps
    /// one key in its database.
    #[arg(long, env = "QUORUM_LINK_KEYS", global = true, hide_env_values = true)]
    pub link_keys: Option<String>,

    /// Multiplies the per-IP sign-in rate limits, for instances where many people share one IP
    /// address (a school or an office behind one router). Per-address limits are unchanged.
    #[arg(long, env = "QUORUM_RATE_LIMIT_IP_FACTOR", default_value_t = 1, global = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub rate_limit_ip_factor: u32,

    /// A secret that lets a monitoring system read `/metrics` (Prometheus text format) by
    /// sending `Authorization: Bearer <token>`; at least 16 characters, such as the output of
    /// `openssl rand -hex 32`. Without it, `/metrics` answers like an unknown page.
    #[arg(
        long,
        env = "QUORUM_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// Reply by email: the address and port to receive replies on by SMTP, such as
    /// 127.0.0.1:2525 behind your mail server (port 0 picks a free one). Unset, no SMTP is
    /// listened for.
    #[arg(long, env = "QUORUM_INBOUND_SMTP_ADDR", global = true)]
    pub inbound_smtp_addr: Option<SocketAddr>,

    /// Reply by email: a secret of at least 16 characters that lets a mail server post replies
    /// to `POST /inbound/email` with `Authorization: Bearer <secret>`, such as the output of
    /// `openssl rand -hex 32`. Unset, the endpoint answers like an unknown page.
    #[arg(
        long,
        env = "QUORUM_INBOUND_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub inbound_secret: Option<String>,

    /// Reply by email: the domain of reply addresses (reply+…@DOMAIN), whose mail must reach
    /// Quorum. Defaults to the domain of the sender address (QUORUM_MAIL_FROM).
    #[arg(long, env = "QUORUM_REPLY_DOMAIN", global = true)]
    pub reply_domain: Option<String>,

    /// Where attached files are kept: `s3://bucket/prefix` for an S3-compatible object store,
    /// which several servers can share. Unset, they are kept in `files` in the data folder.
    #[arg(long, env = "QUORUM_STORAGE_URL", global = true)]
    pub storage_url: Option<String>,

    /// The S3-compatible store's address, such as https://s3.example.org, when it is not
    /// Amazon's.
    #[arg(long, env = "QUORUM_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    /// The S3 region (default us-east-1).
    #[arg(long, env = "QUORUM_S3_REGION", global = true)]
    pub s3_region: Option<String>,

    /// The S3 access key id.
    #[arg(
        long,
        env = "QUORUM_S3_ACCESS_KEY_ID",
        global = true,
        hide_env_values = true
    )]
    pub s3_access_key_id: Option<String>,

    /// The S3 secret access key.
    #[arg(
        long,
        env = "QUORUM_S3_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,

    /// The largest file a person may attach, in megabytes.
    #[arg(long, env = "QUORUM_FILE_MAX_MB", default_value_t = 10, global = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub file_max_mb: u32,

    /// The most files one comment, thread, poll or outcome may carry.
    #[arg(long, env = "QUORUM_FILES_PER_POST", default_value_t = 10, global = true, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub files_per_post: u32,

    /// The space each group's files may take, in megabytes.
    #[arg(long, env = "QUORUM_GROUP_FILES_QUOTA_MB", default_value_t = 1024, global = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub group_files_quota_mb: u32,

    /// Log filter, such as `info` or `quorum=debug,tower_http=info`.
    #[arg(long, env = "QUORUM_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Log line format.
    #[arg(long, env = "QUORUM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

/// A setting that cannot be used, said in words a self-hoster can act on.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the data folder {path} cannot be used: {reason}")]
    DataDir { path: String, reason: String },
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (postgresql:// too)")]
    UnsupportedDatabase,
}

impl Settings {
    /// Makes sure the data folder exists and can be written to.
    pub fn prepare_data_dir(&self) -> Result<(), SettingsError> {
        let fail = |reason: std::io::Error| SettingsError::DataDir {
            path: self.data_dir.display().to_string(),
            reason: plain_io_reason(&reason),
        };
        std::fs::create_dir_all(&self.data_dir).map_err(fail)?;
        // One probe per process: servers starting at once on one folder must not remove each
        // other's.
        let probe = self
            .data_dir
            .join(format!(".quorum-write-check-{}", std::process::id()));
        std::fs::write(&probe, b"ok").map_err(fail)?;
        std::fs::remove_file(&probe).map_err(fail)?;
        Ok(())
    }

    /// The database URL: the one given, or a SQLite file in the data folder.
    pub fn database_url(&self) -> Result<String, SettingsError> {
        match &self.database_url {
            Some(url) if crate::store::engine_of(url).is_some() => Ok(url.clone()),
            Some(_) => Err(SettingsError::UnsupportedDatabase),
            None => Ok(sqlite_url_for(&self.data_dir.join("quorum.db"))),
        }
    }
}

fn sqlite_url_for(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// An I/O error as a short phrase, without the OS error number.
pub fn plain_io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::NotADirectory => "a file is in the way of the folder".into(),
        ErrorKind::AlreadyExists => "a file of that name is in the way".into(),
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["quorum"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv)
            .map(|cli| cli.settings)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn defaults_serve_on_loopback_port_3000_with_a_file_in_data() {
        let s = settings(&[]);
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(
            s.database_url().ok(),
            Some("sqlite://data/quorum.db".to_string())
        );
    }

    #[test]
    fn postgres_urls_are_taken_and_other_kinds_refused_in_plain_words() {
        for url in ["postgres://localhost/quorum", "postgresql://q@db/quorum"] {
            let s = settings(&["--database-url", url]);
            assert_eq!(s.database_url().ok().as_deref(), Some(url));
        }
        let s = settings(&["--database-url", "mysql://localhost/quorum"]);
        let error = s
            .database_url()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("sqlite:// or postgres://"), "{error}");
    }

    #[test]
    fn an_unparseable_address_is_a_usage_error() {
        assert!(Cli::try_parse_from(["quorum", "--addr", "localhost:http"]).is_err());
    }

    #[test]
    fn a_file_in_the_way_of_the_data_folder_is_reported() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap_or_else(|e| panic!("{e}"));
        let s = settings(&["--data-dir", &file.join("data").display().to_string()]);
        let error = s
            .prepare_data_dir()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("cannot be used"), "{error}");
    }
}
