//! The two database engines behind the one store: SQLite (one file, the default) and
//! PostgreSQL (for several servers and managed databases).
//!
//! Strategy: one copy of each query serves both. A store method's body is written once and
//! compiled once per engine by [`on_engine!`], which binds the engine's own pool (so sqlx
//! checks every query, bind and row type against each engine's concrete types); helpers that
//! work inside a caller's transaction take a [`Conn`] and expand the same way with
//! [`on_conn!`]. Queries use `$N` placeholders, which both drivers accept; SQL composed from the
//! store's constants keeps bare `?` and is numbered by [`sql!`]. What must differ lives in a
//! few named places: the migrations (one folder per engine), how a write transaction starts and
//! is retried ([`Engine::begin_write`], `write_tx!`), the row locks PostgreSQL needs for the
//! guards SQLite's single writer gives for free ([`LockRow`]), which errors mean "busy"
//! (`StoreError::is_busy`), and full-text search (`search.rs`).

use std::time::Duration;

use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use super::StoreError;

/// The connection pool of whichever engine the database URL named.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection of either engine that a caller holds, usually inside its transaction.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// The same connection, lent again for a shorter while, so one helper can run several
    /// others in turn.
    pub(crate) fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(c) => Conn::Sqlite(c),
            Self::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl<'c> From<&'c mut SqliteConnection> for Conn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Self::Sqlite(conn)
    }
}

impl<'c> From<&'c mut PgConnection> for Conn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Self::Postgres(conn)
    }
}

/// What differs in how each engine writes.
pub(crate) trait Engine {
    type Db: sqlx::Database;

    /// Starts a transaction that will write.
    ///
    /// SQLite takes the write lock at the start (`BEGIN IMMEDIATE`), waiting up to the busy
    /// timeout for another writer: a transaction that read first and asked for the lock later
    /// would fail at once with `SQLITE_BUSY_SNAPSHOT` whenever another connection had written
    /// in between, as no wait can make its snapshot current again. One writer at a time also
    /// makes every guard (the last admin, one current ballot) hold by itself.
    ///
    /// PostgreSQL runs it at READ COMMITTED, where writers run side by side: each statement
    /// sees what is committed when it starts, and an UPDATE or DELETE that waited for a row
    /// re-checks its conditions on the row as it now is. A guard that reads other rows than the
    /// one it changes takes the row lock that serialises it first ([`LockRow::lock_row`]).
    /// SERIALIZABLE was tried and left aside: every comment of a thread moves the thread's
    /// comment counter, so a busy thread turned into a storm of retries.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, StoreError>;
}

impl Engine for SqlitePool {
    type Db = Sqlite;

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.begin_with("BEGIN IMMEDIATE").await?)
    }
}

impl Engine for PgPool {
    type Db = Postgres;

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(self.begin().await?)
    }
}

/// A row whose lock serialises the writers that guard something about it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Guarded {
    /// A group: its last admin, and the privacy bounds between it and its subgroups.
    Group,
    /// A poll: one current ballot per voter, and voting only while it is open.
    Poll,
    /// An account: one pending personal export per person.
    Account,
    /// A group handle, taken or given up: one group at a time decides who holds it.
    Handle,
}

/// Explicit row locks, for the guards SQLite's single writer gives for free.
pub(crate) trait LockRow {
    /// Locks the row `id` of `what` until the transaction ends; another writer that locks it
    /// waits. Locking a row that does not exist does nothing.
    async fn lock_row(&mut self, what: Guarded, id: &str) -> Result<(), StoreError>;
}

impl LockRow for Transaction<'_, Sqlite> {
    async fn lock_row(&mut self, _what: Guarded, _id: &str) -> Result<(), StoreError> {
        // The transaction holds the database's one write lock already.
        Ok(())
    }
}

impl LockRow for Transaction<'_, Postgres> {
    async fn lock_row(&mut self, what: Guarded, id: &str) -> Result<(), StoreError> {
        let statement = match what {
            Guarded::Group => "SELECT id FROM groups WHERE id = $1 FOR UPDATE",
            Guarded::Poll => "SELECT id FROM polls WHERE id = $1 FOR UPDATE",
            Guarded::Account => "SELECT id FROM accounts WHERE id = $1 FOR UPDATE",
            // A handle has no row of its own while nobody holds it: a lock on its name.
            Guarded::Handle => {
                "SELECT 1::BIGINT FROM pg_advisory_xact_lock(hashtextextended($1, 7))"
            }
        };
        sqlx::query(statement)
            .bind(id)
            .fetch_optional(&mut **self)
            .await?;
        Ok(())
    }
}

/// What keeps a secret ballot secret from someone reading the database itself.
pub(crate) trait SecretBallots {
    /// Called in the transaction that cast a secret ballot in `poll_id`, after it was written.
    ///
    /// SQLite keeps ballots in a table without rowids, ordered by their random key: neither the
    /// order rows were written in nor any hidden column links a ballot to whoever voted.
    ///
    /// PostgreSQL keeps what SQLite does not: rows lie in the heap in the order written, and
    /// every row carries the id of the transaction that wrote it (`xmin`), which a voter's
    /// `poll_participants` row would share with their ballot. So the poll's ballots are all
    /// written again here, in key order: they all then carry this transaction's id and lie in
    /// an order that says nothing of time, and the voter's participant row, written in a
    /// savepoint of its own, carries another. The cost is one rewrite of the poll's ballots per
    /// secret vote.
    async fn hide_ballot_order(&mut self, poll_id: &str) -> Result<(), StoreError>;
}

impl SecretBallots for Transaction<'_, Sqlite> {
    async fn hide_ballot_order(&mut self, _poll_id: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

impl SecretBallots for Transaction<'_, Postgres> {
    async fn hide_ballot_order(&mut self, poll_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "WITH old AS (DELETE FROM ballots WHERE poll_id = $1 \
                RETURNING id, poll_id, voter_id, cast_at, marks, reason, replaced_at) \
             INSERT INTO ballots (id, poll_id, voter_id, cast_at, marks, reason, replaced_at) \
             SELECT id, poll_id, voter_id, cast_at, marks, reason, replaced_at FROM old ORDER BY id",
        )
        .bind(poll_id)
        .execute(&mut **self)
        .await?;
        Ok(())
    }
}

/// How many times a write transaction is tried before its error is returned.
pub(crate) const WRITE_ATTEMPTS: u32 = 8;

/// A short, growing, jittered pause before trying a transaction again, so that the ones that
/// collided do not collide again in step.
pub(crate) async fn pause_before_retry(attempt: u32) {
    let mut byte = [0u8; 1];
    let jitter = getrandom::fill(&mut byte).map_or(0, |()| u64::from(byte[0]) % 8);
    let millis = (1u64 << attempt.min(5)) + jitter;
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

/// SQL put together from the store's own constants, never from anything a person typed
/// (their input is always bound): safe by construction. The pieces use bare `?`, numbered
/// here in order (`$1`, `$2`, …) so that one text serves both engines and the binds follow the
/// text as they always did.
pub(crate) fn numbered(sql: String) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut in_quotes = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_quotes = !in_quotes;
                out.push(c);
            }
            // `?3` names its bind already.
            '?' if !in_quotes && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            '?' if !in_quotes => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_in_order_and_quoted_text_is_left_alone() {
        assert_eq!(
            numbered("SELECT '?' WHERE a = ? AND (b = 0 OR ?) LIMIT ?".into()),
            "SELECT '?' WHERE a = $1 AND (b = 0 OR $2) LIMIT $3"
        );
        assert_eq!(
            numbered("SELECT 'it''s ?', ?".into()),
            "SELECT 'it''s ?', $1"
        );
        assert_eq!(numbered("SELECT ?2, ?1, ?2".into()), "SELECT $2, $1, $2");
    }
}
