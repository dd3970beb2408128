//! SQLite: a copy by `VACUUM INTO` (a consistent snapshot, taken while servers keep writing),
//! checked with SQLite's own integrity and foreign-key checks, and restored by renaming a
//! checked copy over the database file while no server has it open.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};

use super::{Manifest, Snapshot, TempFile, check_counts, format::sync_folder};

/// Copies the database at `url`, then checks and counts the copy.
pub async fn snapshot(url: &str) -> anyhow::Result<Snapshot> {
    let database = database_file(url)?;
    if !database.exists() {
        bail!("there is no database at {} to back up", database.display());
    }
    forget_interrupted(&database);
    let copy = TempFile::reserve(beside(&database, "backup")?);
    let mut live = SqliteConnectOptions::from_str(url)?
        .busy_timeout(std::time::Duration::from_secs(30))
        .connect()
        .await
        .with_context(|| format!("cannot open {}", database.display()))?;
    let path = copy
        .path
        .to_str()
        .context("the data folder's path is not UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(&mut live)
        .await
        .context("cannot copy the database")?;
    live.close().await?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&copy.path, std::fs::Permissions::from_mode(0o600))?;
    }
    let (schema, tables) = check(&copy.path).await?;
    Ok(Snapshot {
        file: copy,
        schema,
        tables,
    })
}

/// Where a restore unpacks its working copy: beside the database, so that putting it in place
/// is a rename on one file system.
pub fn scratch_path(url: &str) -> anyhow::Result<PathBuf> {
    let database = database_file(url)?;
    forget_interrupted(&database);
    beside(&database, "restoring")
}

/// Removes the working copies of backups and restores that were killed part-way.
fn forget_interrupted(database: &Path) {
    let (Some(folder), Some(name)) = (database.parent(), database.file_name()) else {
        return;
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    for what in ["backup", "restoring"] {
        let prefix = format!("{}.{what}-", name.to_string_lossy());
        super::remove_abandoned(folder, &prefix);
    }
}

/// Holds the database at `url` for a restore: refused while a server has it open, and no server
/// starts on it until the returned file is dropped.
pub fn hold(url: &str) -> anyhow::Result<std::fs::File> {
    crate::store::restore_turn(&database_file(url)?)
}

/// Checks the unpacked copy against its manifest, then puts it in place of the database at
/// `url`. The caller holds it (`hold`).
pub async fn restore(url: &str, manifest: &Manifest, copy: TempFile) -> anyhow::Result<()> {
    let database = database_file(url)?;
    let (schema, tables) = check(&copy.path).await?;
    check_counts(&manifest.tables, &tables)?;
    if schema != manifest.schema {
        bail!("the backup's copy is not at the schema its manifest lists; nothing was changed");
    }
    println!(
        "{}",
        manifest.summary(&format!("checked {}", manifest.described()))
    );
    let aside = with_suffix(&database, ".before-restore");
    if database.exists() {
        checkpoint(url).await;
        let _ = std::fs::remove_file(&aside);
        if std::fs::hard_link(&database, &aside).is_err() {
            std::fs::copy(&database, &aside).context("cannot keep the current database aside")?;
        }
        // A journal left beside the database belongs to the old file: moved aside with it, so
        // that it is never replayed into the restored one.
        let journal = with_suffix(&database, "-wal");
        if journal.exists() {
            std::fs::rename(&journal, with_suffix(&aside, "-wal"))?;
        }
        let _ = std::fs::remove_file(with_suffix(&database, "-shm"));
    }
    std::fs::rename(&copy.path, &database).context("cannot put the restored database in place")?;
    copy.keep();
    sync_folder(&database);
    println!("restored {}", database.display());
    if aside.exists() {
        println!(
            "the database it replaced is kept as {}: remove it once you are satisfied",
            aside.display()
        );
    }
    Ok(())
}

/// SQLite's integrity and foreign-key checks on the copy at `path`, then its schema version and
/// the rows in each table.
async fn check(path: &Path) -> anyhow::Result<(i64, BTreeMap<String, i64>)> {
    // A copy stands alone: no journal files beside it.
    let mut copy = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await
        .context("cannot open the copy")?;
    let checked: anyhow::Result<_> = async {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut copy)
            .await
            .context("the copy is not a SQLite database")?;
        if integrity != ["ok"] {
            bail!(
                "the copy fails SQLite's integrity check ({}); nothing was changed",
                integrity.first().map_or("no answer", String::as_str)
            );
        }
        let orphans: Vec<String> = sqlx::query_scalar("PRAGMA foreign_key_check")
            .fetch_all(&mut copy)
            .await?;
        if let Some(table) = orphans.first() {
            bail!("the copy fails the foreign-key check (in {table}); nothing was changed");
        }
        let schema: i64 =
            sqlx::query_scalar("SELECT COALESCE(max(version), 0) FROM _sqlx_migrations")
                .fetch_one(&mut copy)
                .await
                .context("the copy is not a Quorum database")?;
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name",
        )
        .fetch_all(&mut copy)
        .await?;
        let mut tables = BTreeMap::new();
        for name in names {
            let count = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
            let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count))
                .fetch_one(&mut copy)
                .await?;
            tables.insert(name, rows);
        }
        Ok((schema, tables))
    }
    .await;
    copy.close().await?;
    checked
}

/// Moves everything in the old database's journal into its file, so that the file kept aside is
/// complete. A database too damaged for that is kept aside as it is.
async fn checkpoint(url: &str) {
    let Ok(options) = SqliteConnectOptions::from_str(url) else {
        return;
    };
    match options.connect().await {
        Ok(mut old) => {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut old)
                .await;
            let _ = old.close().await;
        }
        Err(error) => eprintln!("note: the current database could not be opened ({error})"),
    }
}

fn database_file(url: &str) -> anyhow::Result<PathBuf> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("the database URL is not valid: {e}"))?;
    let file = options.get_filename();
    if file.as_os_str().is_empty() || file.as_os_str() == ":memory:" {
        bail!("an in-memory database has nothing to back up or restore");
    }
    Ok(file.to_path_buf())
}

/// A new name beside `database` for a temporary file of this process.
fn beside(database: &Path, what: &str) -> anyhow::Result<PathBuf> {
    Ok(with_suffix(
        database,
        &format!(
            ".{what}-{}-{}",
            std::process::id(),
            crate::store::random_id()?
        ),
    ))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
