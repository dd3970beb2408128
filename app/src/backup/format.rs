//! The backup file: age encryption around gzip around a manifest and the copy.
//!
//! The manifest is a few lines of text, so a person with the key can read it with the `age` and
//! `gunzip` tools alone:
//!
//! ```text
//! quorum-backup 1
//! engine sqlite
//! schema 7
//! taken 2026-12-06T19:30:00Z
//! table accounts 12
//! …
//! end
//! ```
//!
//! and the copy follows, byte for byte (a SQLite database file, or a `pg_dump` archive).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{Engine, TempFile};

const MAGIC: &str = "quorum-backup 1";

/// What a backup holds, written before the copy itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub engine: Engine,
    /// The newest migration applied to the database copied.
    pub schema: i64,
    pub taken_at: jiff::Timestamp,
    /// Rows in each table of the copy.
    pub tables: BTreeMap<String, i64>,
}

impl Manifest {
    /// One line for the person running the command, once the copy has passed its checks:
    /// "checked the copy: SQLite database at schema 7, 23 tables, 1204 rows; integrity check:
    /// ok; foreign-key check: ok".
    pub fn summary(&self, what: &str) -> String {
        let rows: i64 = self.tables.values().sum();
        let checks = match self.engine {
            Engine::Sqlite => "integrity check: ok; foreign-key check: ok",
            Engine::Postgres => "every row read back out of the dump: ok",
        };
        format!(
            "{what}: {} database at schema {}, {} tables, {rows} rows; {checks}",
            self.engine.name(),
            self.schema,
            self.tables.len(),
        )
    }

    /// "the backup taken 2026-12-06 19:30:00 UTC"
    pub fn described(&self) -> String {
        format!(
            "the backup taken {}",
            self.taken_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        )
    }

    fn to_text(&self) -> String {
        let mut text = format!(
            "{MAGIC}\nengine {}\nschema {}\ntaken {}\n",
            self.engine.word(),
            self.schema,
            self.taken_at
        );
        for (table, rows) in &self.tables {
            text.push_str(&format!("table {table} {rows}\n"));
        }
        text.push_str("end\n");
        text
    }

    /// Reads the manifest lines from `input`, leaving it at the first byte of the copy.
    fn read_from(input: &mut impl BufRead) -> Option<Self> {
        let mut line = String::new();
        let mut next = |line: &mut String| -> Option<String> {
            line.clear();
            // No manifest line is anywhere near this long: a bigger one is not a manifest.
            let read = input.by_ref().take(4096).read_line(line).ok()?;
            (read > 0 && line.ends_with('\n')).then(|| line.trim_end().to_string())
        };
        if next(&mut line)? != MAGIC {
            return None;
        }
        let engine = Engine::from_word(next(&mut line)?.strip_prefix("engine ")?)?;
        let schema = next(&mut line)?.strip_prefix("schema ")?.parse().ok()?;
        let taken_at = next(&mut line)?.strip_prefix("taken ")?.parse().ok()?;
        let mut tables = BTreeMap::new();
        loop {
            let entry = next(&mut line)?;
            if entry == "end" {
                break;
            }
            let (table, rows) = entry.strip_prefix("table ")?.rsplit_once(' ')?;
            tables.insert(table.to_string(), rows.parse().ok()?);
        }
        Some(Self {
            engine,
            schema,
            taken_at,
            tables,
        })
    }
}

/// Writes the backup file `target`: under a temporary name first, renamed once complete and on
/// disk. Returns its size.
pub fn write(
    target: &Path,
    manifest: &Manifest,
    copy: &Path,
    recipients: &[age::x25519::Recipient],
) -> anyhow::Result<u64> {
    let (partial, file) = TempFile::create(target.with_extension("age.partial"))
        .with_context(|| format!("cannot create a file in {}", folder_of(target)))?;
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .context("cannot encrypt to these recipients")?;
    let written = (|| -> std::io::Result<File> {
        let encrypted = encryptor.wrap_output(BufWriter::new(file))?;
        let mut gzip = flate2::write::GzEncoder::new(encrypted, flate2::Compression::default());
        gzip.write_all(manifest.to_text().as_bytes())?;
        std::io::copy(&mut File::open(copy)?, &mut gzip)?;
        let file = gzip
            .finish()?
            .finish()?
            .into_inner()
            .map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(file)
    })();
    let file = written.map_err(|e| {
        anyhow::anyhow!(
            "cannot write the backup to {}: {}",
            folder_of(target),
            crate::config::plain_io_reason(&e)
        )
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    std::fs::rename(&partial.path, target)
        .with_context(|| format!("cannot name the backup {}", target.display()))?;
    partial.keep();
    sync_folder(target);
    Ok(size)
}

/// Reads, decrypts and unpacks the backup `source` into the new file `scratch`, checking as it
/// goes that it is a whole Quorum backup of `engine` this release can restore. Touches nothing
/// else: on any failure the scratch file is removed and the error says what is wrong with the
/// backup in one sentence.
pub fn read(
    source: &Path,
    identities: &[age::x25519::Identity],
    engine: Engine,
    scratch: PathBuf,
) -> anyhow::Result<(Manifest, TempFile)> {
    let shown = source.display();
    let file = File::open(source).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {shown}: {}",
            crate::config::plain_io_reason(&e)
        )
    })?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|_| anyhow::anyhow!("{shown} is not a Quorum backup (it is not age-encrypted)"))?;
    let plain = decryptor
        .decrypt(identities.iter().map(|i| i as &dyn age::Identity))
        .map_err(|error| match error {
            age::DecryptError::NoMatchingKeys => {
                anyhow::anyhow!("{shown} was not encrypted to the given key; nothing was changed")
            }
            _ => anyhow::anyhow!("{shown} is damaged and cannot be decrypted; nothing was changed"),
        })?;
    let mut input = BufReader::new(flate2::read::GzDecoder::new(plain));
    let Some(manifest) = Manifest::read_from(&mut input) else {
        bail!("{shown} is damaged or is not a Quorum backup; nothing was changed");
    };
    if manifest.engine != engine {
        bail!(
            "{shown} is a backup of a {} database and cannot be restored into {}; nothing was changed",
            manifest.engine.name(),
            engine.name()
        );
    }
    super::check_schema(&manifest)?;
    let (copy, mut out) = TempFile::create(scratch).map_err(|e| {
        anyhow::anyhow!(
            "cannot make a working copy: {}",
            crate::config::plain_io_reason(&e)
        )
    })?;
    // age checks every chunk, and that the last one is marked last: a flipped byte or a file
    // cut short fails here, before anything is changed.
    let copied = std::io::copy(&mut input, &mut out).and_then(|_| out.sync_all());
    if let Err(error) = copied {
        return Err(match error.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::PermissionDenied => {
                anyhow::anyhow!(
                    "cannot make a working copy: {}; nothing was changed",
                    crate::config::plain_io_reason(&error)
                )
            }
            _ => {
                anyhow::anyhow!("{shown} is damaged or incomplete (cut short); nothing was changed")
            }
        });
    }
    Ok((manifest, copy))
}

fn folder_of(path: &Path) -> String {
    path.parent()
        .map_or_else(|| ".".to_string(), |p| p.display().to_string())
}

/// Makes a rename in the folder of `path` durable.
pub fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent() {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        if let Ok(dir) = File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            engine: Engine::Sqlite,
            schema: 7,
            taken_at: "2026-12-06T19:30:00Z".parse().unwrap(),
            tables: BTreeMap::from([("accounts".to_string(), 3), ("groups".to_string(), 0)]),
        }
    }

    #[test]
    fn a_manifest_reads_back_as_written_and_leaves_the_copy_after_it() {
        let mut bytes = manifest().to_text().into_bytes();
        bytes.extend_from_slice(b"SQLite format 3\0rest");
        let mut input = &bytes[..];
        assert_eq!(Manifest::read_from(&mut input), Some(manifest()));
        assert_eq!(input, b"SQLite format 3\0rest");
    }

    #[test]
    fn anything_else_is_not_a_manifest() {
        for text in [
            "",
            "SQLite format 3\0",
            "quorum-backup 2\nengine sqlite\n",
            "quorum-backup 1\nengine mysql\nschema 1\ntaken 2026-12-06T19:30:00Z\nend\n",
            "quorum-backup 1\nengine sqlite\nschema 7\ntaken 2026-12-06T19:30:00Z\ntable x\n",
        ] {
            assert_eq!(Manifest::read_from(&mut text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn a_backup_round_trips_and_refuses_the_wrong_key_and_any_damage() {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy");
        std::fs::write(&copy, vec![7u8; 200_000]).unwrap();
        let key = age::x25519::Identity::generate();
        let target = dir.path().join("b.age");
        write(&target, &manifest(), &copy, &[key.to_public()]).unwrap();
        let read_back = |path: &Path, key: &age::x25519::Identity| {
            read(
                path,
                std::slice::from_ref(key),
                Engine::Sqlite,
                dir.path().join("out"),
            )
        };

        let (found, out) = read_back(&target, &key).unwrap();
        assert_eq!(found, manifest());
        assert_eq!(std::fs::read(&out.path).unwrap(), vec![7u8; 200_000]);
        drop(out);

        let other = age::x25519::Identity::generate();
        let wrong = read_back(&target, &other).err().unwrap().to_string();
        assert!(wrong.contains("not encrypted to the given key"), "{wrong}");

        let bytes = std::fs::read(&target).unwrap();
        let cut = dir.path().join("cut.age");
        std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
        let error = read_back(&cut, &key).err().unwrap().to_string();
        assert!(error.contains("damaged"), "{error}");

        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 1;
        let damaged = dir.path().join("damaged.age");
        std::fs::write(&damaged, &flipped).unwrap();
        let error = read_back(&damaged, &key).err().unwrap().to_string();
        assert!(error.contains("damaged"), "{error}");
        assert!(!dir.path().join("out").exists(), "no working copy is left");
    }
}
