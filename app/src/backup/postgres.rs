//! PostgreSQL: a copy by `pg_dump` (custom format) inside a snapshot this process exports, so
//! the row counts read here are those of the dump; checked by reading every row back out of the
//! dump with `pg_restore`; restored by `psql` in a single transaction that first drops what is
//! there, so a failure at any step leaves the database as it was.
//!
//! The client tools are found on PATH. The database password is handed to them in their
//! environment (`PGPASSWORD`), never on a command line other users could see.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use super::{Manifest, Snapshot, TempFile, check_counts};

/// Dumps the database at `url` and checks the dump.
pub async fn snapshot(url: &str) -> anyhow::Result<Snapshot> {
    let target = Target::parse(url)?;
    super::remove_abandoned(&std::env::temp_dir(), "quorum-backup-");
    let mut db = connect(url, "quorum-backup").await?;
    let mut tx = db.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let schema = schema_version(&mut tx).await?;
    let tables = count_rows(&mut tx).await?;
    let dump = TempFile::reserve(std::env::temp_dir().join(format!(
        "quorum-backup-{}-{}.dump",
        std::process::id(),
        crate::store::random_id()?
    )));
    let path = dump.path.clone();
    let dumped = tokio::task::spawn_blocking(move || {
        target.run(
            "pg_dump",
            &[
                "--format=custom",
                "--compress=0",
                "--no-owner",
                "--no-privileges",
                &format!("--snapshot={snapshot}"),
                &format!("--file={}", path.display()),
            ],
        )
    })
    .await?;
    // The snapshot had to stay open until pg_dump had taken it: it may end now.
    tx.commit().await?;
    db.close().await?;
    dumped?;
    let found = tokio::task::spawn_blocking({
        let path = dump.path.clone();
        move || rows_in_dump(&path)
    })
    .await??;
    check_counts(&tables, &found).context("the dump does not hold what was counted")?;
    Ok(Snapshot {
        file: dump,
        schema,
        tables,
    })
}

/// Checks the unpacked dump against its manifest, then replaces everything in the database at
/// `url` with it, in one transaction. Refuses while a Quorum server is connected.
pub async fn restore(url: &str, manifest: &Manifest, dump: TempFile) -> anyhow::Result<()> {
    let target = Target::parse(url)?;
    let found = tokio::task::spawn_blocking({
        let path = dump.path.clone();
        move || rows_in_dump(&path)
    })
    .await??;
    check_counts(&manifest.tables, &found)?;
    println!(
        "{}",
        manifest.summary(&format!("checked {}", manifest.described()))
    );
    let mut db = connect(url, "quorum-restore").await?;
    refuse_if_served(&mut db).await?;
    let (script_path, dump_path) = (dump.path.with_extension("sql"), dump.path.clone());
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        // The whole script is written, and pg_restore has succeeded, before psql starts: a
        // script cut short must never be run (psql would commit what it had).
        let (_script, mut file) = TempFile::create(script_path.clone())?;
        file.write_all(CLEAR_SCHEMA.as_bytes())?;
        write_script(&dump_path, file)?;
        target.run(
            "psql",
            &[
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                &format!("--file={}", script_path.display()),
            ],
        )
    })
    .await??;
    let restored = count_rows(&mut db).await?;
    db.close().await?;
    check_counts(&manifest.tables, &restored)
        .context("the restored database does not match the backup")?;
    println!(
        "restored the database: {} tables, {} rows, as listed in the backup",
        restored.len(),
        restored.values().sum::<i64>()
    );
    Ok(())
}

/// Refuses a restore while a Quorum server is connected to the database at `url`.
pub async fn no_server(url: &str) -> anyhow::Result<()> {
    let mut db = connect(url, "quorum-restore").await?;
    refuse_if_served(&mut db).await?;
    db.close().await?;
    Ok(())
}

async fn refuse_if_served(db: &mut PgConnection) -> anyhow::Result<()> {
    let servers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'quorum'",
    )
    .fetch_one(db)
    .await?;
    if servers > 0 {
        bail!(
            "a Quorum server is connected to this database; stop it before restoring (nothing was changed)"
        );
    }
    Ok(())
}

/// Dropped first, in the restore's transaction: every table, view, sequence and function in the
/// public schema, so that the dump is recreated into a clean schema whatever version was there.
const CLEAR_SCHEMA: &str = r"
DO $clear$
DECLARE item record;
BEGIN
  FOR item IN SELECT format('%I.%I', schemaname, viewname) AS name FROM pg_views
              WHERE schemaname = 'public' LOOP
    EXECUTE 'DROP VIEW IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
              WHERE schemaname = 'public' LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT format('%I.%I', sequence_schema, sequence_name) AS name
              FROM information_schema.sequences WHERE sequence_schema = 'public' LOOP
    EXECUTE 'DROP SEQUENCE IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure::text AS name FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || item.name || ' CASCADE';
  END LOOP;
END
$clear$;
";

async fn connect(url: &str, name: &str) -> anyhow::Result<PgConnection> {
    PgConnectOptions::from_str(url)
        .map_err(|e| anyhow::anyhow!("the database URL is not valid: {e}"))?
        .application_name(name)
        // A large dump may take a while, and the snapshot's transaction waits idle meanwhile.
        .options([("idle_in_transaction_session_timeout", "0")])
        .connect()
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))
}

async fn schema_version(db: &mut PgConnection) -> anyhow::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(max(version), 0) FROM _sqlx_migrations")
        .fetch_one(db)
        .await
        .context("the database is not a Quorum database")
}

/// Rows in each table of the public schema, as `public.name`.
async fn count_rows(db: &mut PgConnection) -> anyhow::Result<BTreeMap<String, i64>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    .fetch_all(&mut *db)
    .await?;
    let mut tables = BTreeMap::new();
    for name in names {
        let count = format!(
            "SELECT count(*) FROM public.\"{}\"",
            name.replace('"', "\"\"")
        );
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count))
            .fetch_one(&mut *db)
            .await?;
        tables.insert(name, rows);
    }
    Ok(tables)
}

/// Reads every row back out of the dump (`pg_restore --data-only` as COPY text) and counts them
/// by table: proof that the archive is whole and readable, without a second database.
fn rows_in_dump(dump: &Path) -> anyhow::Result<BTreeMap<String, i64>> {
    let mut child = Command::new("pg_restore")
        .args(["--data-only", "--file=-"])
        .arg(dump)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(missing_tool("pg_restore"))?;
    let mut tables = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut line = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().context("pg_restore's output")?);
    while reader.read_until(b'\n', &mut line)? > 0 {
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        match &current {
            Some(_) if text == b"\\." => current = None,
            Some(table) => *tables.entry(table.clone()).or_insert(0) += 1,
            None => {
                if let Some(table) = copy_target(text) {
                    tables.entry(table.clone()).or_insert(0);
                    current = Some(table);
                }
            }
        }
        line.clear();
    }
    let output = child.wait_with_output()?;
    if !output.status.success() || current.is_some() {
        bail!(
            "the dump cannot be read back ({}); nothing was changed",
            first_line(&output.stderr)
        );
    }
    Ok(tables)
}

/// The table a `COPY public.name (…) FROM stdin;` line starts, without its schema.
fn copy_target(line: &[u8]) -> Option<String> {
    let line = std::str::from_utf8(line).ok()?;
    let rest = line.strip_prefix("COPY public.")?;
    if !line.ends_with("FROM stdin;") {
        return None;
    }
    match rest.strip_prefix('"') {
        // A quoted name ends at the first quote that is not doubled.
        Some(quoted) => {
            let mut name = String::new();
            let mut chars = quoted.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, chars.peek()) {
                    ('"', Some('"')) => {
                        name.push('"');
                        chars.next();
                    }
                    ('"', _) => return Some(name),
                    _ => name.push(c),
                }
            }
            None
        }
        None => rest.split([' ', '(']).next().map(str::to_string),
    }
}

/// How to reach the database with the PostgreSQL client tools.
struct Target {
    /// The URL without its password (and without settings only sqlx knows).
    url: String,
    password: Option<String>,
}

impl Target {
    fn parse(url: &str) -> anyhow::Result<Self> {
        let mut parsed = url::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("the database URL is not valid: {e}"))?;
        let password = parsed.password().map(percent_decode).transpose()?;
        let _ = parsed.set_password(None);
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(key, _)| key != "statement-cache-capacity")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        parsed.set_query(None);
        if !kept.is_empty() {
            parsed.query_pairs_mut().extend_pairs(kept);
        }
        Ok(Self {
            url: parsed.to_string(),
            password,
        })
    }

    fn command(&self, tool: &str, args: &[&str]) -> Command {
        let mut command = Command::new(tool);
        command.args(args).arg(format!("--dbname={}", self.url));
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password);
        }
        command.stdin(Stdio::null());
        command
    }

    /// Runs a client tool to completion; its first complaint becomes the error.
    fn run(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let output = self
            .command(tool, args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(missing_tool(tool))?;
        if !output.status.success() {
            bail!("{tool} failed: {}", first_line(&output.stderr));
        }
        Ok(())
    }
}

/// Appends the SQL script that recreates the dump (without owners or grants, which belong to
/// the old server's roles) to `out`.
fn write_script(dump: &Path, out: std::fs::File) -> anyhow::Result<()> {
    let output = Command::new("pg_restore")
        .args(["--no-owner", "--no-privileges", "--file=-"])
        .arg(dump)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .map_err(missing_tool("pg_restore"))?;
    if !output.status.success() {
        bail!("pg_restore failed: {}", first_line(&output.stderr));
    }
    Ok(())
}

fn percent_decode(text: &str) -> anyhow::Result<String> {
    let bytes: Vec<u8> =
        form_urlencoded::parse(format!("p={}", text.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned().into_bytes())
            .unwrap_or_default();
    String::from_utf8(bytes).context("the database password is not UTF-8")
}

fn missing_tool(tool: &str) -> impl Fn(std::io::Error) -> anyhow::Error + '_ {
    move |error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            anyhow::anyhow!(
                "{tool} was not found on PATH; install the PostgreSQL client tools (on Debian, the postgresql-client package) of the server's version or newer"
            )
        } else {
            anyhow::anyhow!("cannot run {tool}: {error}")
        }
    }
}

fn first_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(|line| {
            line.trim_start_matches("pg_dump: ")
                .trim_start_matches("error: ")
        })
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no reason given")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_lines_name_their_table() {
        assert_eq!(
            copy_target(b"COPY public.accounts (id, email) FROM stdin;").as_deref(),
            Some("accounts")
        );
        assert_eq!(
            copy_target(b"COPY public.\"odd name\" (id) FROM stdin;").as_deref(),
            Some("odd name")
        );
        assert_eq!(copy_target(b"-- COPY public.x"), None);
    }

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let target = Target::parse("postgres://q:s%40cret@db.example:5433/quorum?sslmode=require&statement-cache-capacity=0").unwrap();
        assert_eq!(target.password.as_deref(), Some("s@cret"));
        assert_eq!(
            target.url,
            "postgres://q@db.example:5433/quorum?sslmode=require"
        );
        let plain = Target::parse("postgres://q@127.0.0.1/quorum").unwrap();
        assert_eq!(plain.password, None);
    }
}
