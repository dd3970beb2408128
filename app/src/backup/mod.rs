//! `quorum backup`, `quorum restore` and `quorum backup-key`: encrypted, verified copies of the
//! database, taken while Quorum serves, and put back only once they are known to be whole.
//!
//! Strategy: each engine makes a consistent copy of its own kind (SQLite: `VACUUM INTO` a file
//! beside the database; PostgreSQL: `pg_dump` in custom format, inside a snapshot whose row
//! counts are read in the same transaction). The copy is checked (SQLite's integrity and
//! foreign-key checks; for a dump, every row read back out of it) and counted table by table.
//! The backup file is then a short manifest (engine, schema version, time, row counts) followed
//! by the copy, gzip-compressed and encrypted with age to one or more public keys. It is written
//! under a temporary name and renamed when complete, so a backup file that exists is whole; age
//! authenticates every chunk and the end of the stream, so a damaged or cut-short file is
//! refused on reading.
//!
//! A restore reads the whole file into a private temporary copy and checks it exactly as a
//! backup is checked, and against its manifest, before it touches the database: only then is
//! the database replaced, in one step (SQLite: a rename over the file, the previous one kept
//! beside it; PostgreSQL: one transaction that drops and recreates everything).

mod format;
mod postgres;
mod sqlite;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use clap::Args;

use crate::config::Settings;
pub use format::Manifest;

/// The folder's backup files start with this, and end with `BACKUP_SUFFIX`; nothing else in the
/// folder is ever removed by `--keep`.
const BACKUP_PREFIX: &str = "quorum-backup-";
const BACKUP_SUFFIX: &str = ".age";

/// `quorum backup`'s flags.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The folder to write the backup to. Created when missing.
    #[arg(long)]
    pub to: PathBuf,
    /// Keep only the newest N backups in the folder, removing older ones after this one is
    /// written. Without it, none is removed.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
    /// An age public key (age1…) to encrypt the backup to; repeat it for several. Any one of
    /// their private keys can restore it. `quorum backup-key` makes a pair.
    #[arg(
        long = "recipient",
        env = "QUORUM_BACKUP_RECIPIENTS",
        value_delimiter = ','
    )]
    pub recipients: Vec<String>,
}

/// `quorum restore`'s flags.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup file.
    pub file: PathBuf,
    /// A file holding the age private key (AGE-SECRET-KEY-1…) the backup was encrypted to.
    #[arg(long, env = "QUORUM_BACKUP_IDENTITY")]
    pub identity: Option<PathBuf>,
}

/// `quorum backup-key`'s flags.
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// Where to write the new private key. It must not exist yet.
    #[arg(long)]
    pub out: PathBuf,
}

/// Which engine a backup was taken from: a backup restores only into the same engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    fn of(url: &str) -> Self {
        match crate::store::engine_of(url) {
            Some("PostgreSQL") => Self::Postgres,
            _ => Self::Sqlite,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        match word {
            "sqlite" => Some(Self::Sqlite),
            "postgres" => Some(Self::Postgres),
            _ => None,
        }
    }
}

/// A consistent copy of the database in a temporary file, checked and counted.
pub(crate) struct Snapshot {
    pub file: TempFile,
    pub schema: i64,
    pub tables: BTreeMap<String, i64>,
}

/// `quorum backup`.
pub async fn backup(settings: Settings, args: BackupArgs) -> anyhow::Result<()> {
    let recipients = parse_recipients(&args.recipients)?;
    let url = settings.database_url()?;
    let engine = Engine::of(&url);
    std::fs::create_dir_all(&args.to).map_err(|e| {
        anyhow::anyhow!(
            "the backup folder {} cannot be used: {}",
            args.to.display(),
            crate::config::plain_io_reason(&e)
        )
    })?;
    let snapshot = match engine {
        Engine::Sqlite => sqlite::snapshot(&url).await?,
        Engine::Postgres => postgres::snapshot(&url).await?,
    };
    let manifest = Manifest {
        engine,
        schema: snapshot.schema,
        taken_at: jiff::Timestamp::now(),
        tables: snapshot.tables,
    };
    println!("{}", manifest.summary("checked the copy"));
    let name = format!(
        "{BACKUP_PREFIX}{}{BACKUP_SUFFIX}",
        manifest.taken_at.strftime("%Y-%m-%dT%H-%M-%S-%3fZ")
    );
    let target = args.to.join(&name);
    let size = tokio::task::spawn_blocking({
        let target = target.clone();
        move || format::write(&target, &manifest, &snapshot.file.path, &recipients)
    })
    .await
    .context("the backup stopped unexpectedly")??;
    println!(
        "wrote {} ({}, encrypted to {} recipient{})",
        target.display(),
        in_words(size),
        args.recipients.len(),
        if args.recipients.len() == 1 { "" } else { "s" }
    );
    if let Some(keep) = args.keep {
        let removed = prune(&args.to, keep as usize)?;
        if removed > 0 {
            println!("removed {removed} older backup(s), keeping the newest {keep}");
        }
    }
    // Attached files are written once and never changed, so they are copied as they come (an
    // rsync or rclone of the folder, a bucket's versioning) rather than again into every
    // backup; the database keeps each one's SHA-256 to check a copy against.
    let files = match crate::server::file_storage(&settings) {
        Ok(storage) => storage.described,
        Err(_) => "the file storage QUORUM_STORAGE_URL names".into(),
    };
    println!(
        "attached files are not in this backup: copy {files} as well (see the README, \"Backups and restores\")"
    );
    Ok(())
}

/// `quorum restore`.
pub async fn restore(settings: Settings, args: RestoreArgs) -> anyhow::Result<()> {
    let Some(identity_file) = &args.identity else {
        bail!(
            "give the private key the backup was encrypted to with --identity FILE (or QUORUM_BACKUP_IDENTITY)"
        );
    };
    let identities = read_identities(identity_file)?;
    let url = settings.database_url()?;
    let engine = Engine::of(&url);
    if settings.database_url.is_none() {
        settings.prepare_data_dir()?;
    }
    // Refused at once while a server uses the database, before any work is done.
    let _no_server = match engine {
        Engine::Sqlite => Some(sqlite::hold(&url)?),
        Engine::Postgres => {
            postgres::no_server(&url).await?;
            None
        }
    };
    let scratch = match engine {
        Engine::Sqlite => sqlite::scratch_path(&url)?,
        Engine::Postgres => {
            let temp = std::env::temp_dir();
            remove_abandoned(&temp, "quorum-restore-");
            let id = crate::store::random_id()?;
            temp.join(format!("quorum-restore-{}-{id}.dump", std::process::id()))
        }
    };
    let file = args.file.clone();
    let (manifest, payload) =
        tokio::task::spawn_blocking(move || format::read(&file, &identities, engine, scratch))
            .await
            .context("the restore stopped unexpectedly")??;
    match engine {
        Engine::Sqlite => sqlite::restore(&url, &manifest, payload).await,
        Engine::Postgres => postgres::restore(&url, &manifest, payload).await,
    }
}

/// `quorum backup-key`: a new age key pair, the private key written to a file only its owner
/// may read, the public key printed.
pub fn new_key(args: &KeyArgs) -> anyhow::Result<()> {
    use age::secrecy::ExposeSecret;
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public();
    let text = format!(
        "# A Quorum backup key, made {}.\n# public key: {public}\n{}\n",
        jiff::Timestamp::now().strftime("%Y-%m-%d"),
        identity.to_string().expose_secret()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&args.out)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()));
    written.map_err(|e| {
        anyhow::anyhow!(
            "cannot write the key to {}: {}",
            args.out.display(),
            crate::config::plain_io_reason(&e)
        )
    })?;
    println!("{public}");
    eprintln!(
        "The private key is in {}. Keep a copy somewhere safe and away from the backups: without it they cannot be restored. Give backups the public key above with --recipient.",
        args.out.display()
    );
    Ok(())
}

fn parse_recipients(given: &[String]) -> anyhow::Result<Vec<age::x25519::Recipient>> {
    if given.is_empty() {
        bail!(
            "give at least one --recipient (an age public key, age1…, such as `quorum backup-key` prints): backups are never written unencrypted"
        );
    }
    given
        .iter()
        .map(|key| {
            age::x25519::Recipient::from_str(key.trim()).map_err(|_| {
                anyhow::anyhow!(
                    "--recipient {key:?} is not an age public key (they start with age1)"
                )
            })
        })
        .collect()
}

/// The private keys in an age identity file (lines starting AGE-SECRET-KEY-1; `#` comments).
fn read_identities(path: &Path) -> anyhow::Result<Vec<age::x25519::Identity>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the key file {}: {}",
            path.display(),
            crate::config::plain_io_reason(&e)
        )
    })?;
    let keys: Result<Vec<_>, _> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(age::x25519::Identity::from_str)
        .collect();
    match keys {
        Ok(keys) if !keys.is_empty() => Ok(keys),
        _ => bail!(
            "{} does not hold an age private key (a line starting AGE-SECRET-KEY-1)",
            path.display()
        ),
    }
}

/// Removes all but the newest `keep` backup files of the folder; returns how many went.
fn prune(folder: &Path, keep: usize) -> anyhow::Result<usize> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .with_context(|| format!("cannot list {}", folder.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(BACKUP_PREFIX) && name.ends_with(BACKUP_SUFFIX))
        .collect();
    // The time in the name sorts the same way as the time itself.
    names.sort_unstable_by(|a, b| b.cmp(a));
    let old = names.get(keep..).unwrap_or_default();
    for name in old {
        std::fs::remove_file(folder.join(name))
            .with_context(|| format!("cannot remove the old backup {name}"))?;
    }
    Ok(old.len())
}

/// A size in words: "820 bytes", "14.2 KB", "3.1 MB".
fn in_words(bytes: u64) -> String {
    const KB: f64 = 1000.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else {
        format!("{:.2} GB", b / KB / KB / KB)
    }
}

/// A file that only its owner can read, removed when dropped unless `keep()` was called: the
/// unencrypted copies a backup or restore works with never outlive it.
pub(crate) struct TempFile {
    pub path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// Creates the empty file (it must not exist yet).
    pub fn create(path: PathBuf) -> std::io::Result<(Self, std::fs::File)> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).read(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok((Self { path, keep: false }, file))
    }

    /// A path that will be made by someone else (SQLite's `VACUUM INTO`, `pg_dump`), and
    /// removed with this value.
    pub fn reserve(path: PathBuf) -> Self {
        Self { path, keep: false }
    }

    /// The file has been moved into place: do not remove it.
    pub fn keep(mut self) -> PathBuf {
        self.keep = true;
        std::mem::take(&mut self.path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes unencrypted working copies that a backup or restore killed part-way left behind in
/// `folder` (files named `<prefix><pid>-…` of a process that is no longer running).
fn remove_abandoned(folder: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let running = pid == std::process::id()
            || !Path::new("/proc/self").exists()
            || Path::new("/proc").join(pid.to_string()).exists();
        if !running && std::fs::remove_file(entry.path()).is_ok() {
            println!(
                "removed a working copy left by an interrupted run: {}",
                entry.path().display()
            );
        }
    }
}

/// The schema versions a manifest may carry: none newer than this release knows.
fn check_schema(manifest: &Manifest) -> anyhow::Result<()> {
    let known = crate::store::latest_migration(manifest.engine == Engine::Postgres);
    if manifest.schema > known {
        bail!(
            "this backup was made by a newer release of Quorum (schema {}, this release knows up to {known}); restore it with that release or a later one",
            manifest.schema
        );
    }
    Ok(())
}

/// Compares counts read from a copy with the ones its manifest promised.
fn check_counts(
    expected: &BTreeMap<String, i64>,
    found: &BTreeMap<String, i64>,
) -> anyhow::Result<()> {
    if expected == found {
        return Ok(());
    }
    let differing = expected
        .keys()
        .chain(found.keys())
        .find(|table| expected.get(*table) != found.get(*table))
        .cloned()
        .unwrap_or_default();
    bail!(
        "the backup does not hold what its manifest lists (table {differing}: {} rows listed, {} found); nothing was changed",
        expected.get(&differing).copied().unwrap_or(0),
        found.get(&differing).copied().unwrap_or(0)
    )
}
