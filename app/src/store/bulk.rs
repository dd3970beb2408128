//! Writing many rows at once, for `quorum seed`: one transaction, multi-row `INSERT`s.
//!
//! Strategy: the caller hands over rows of plain values for a table named by a constant of its
//! own (never by anything a person typed); they are written in statements of as many rows as
//! the engine's limit on bound values allows (SQLite's is 32,766), so that a million rows cost
//! a few hundred statements, each prepared once and reused. Everything is written in the one
//! transaction [`Store::bulk`] opens, so a run that fails leaves the database as it was.

use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};

use super::engine::Engine;
use super::{Store, StoreError};

/// The most values bound in one statement, below SQLite's limit and PostgreSQL's (65,535).
const BINDS_PER_STATEMENT: usize = 30_000;

/// One value of a row to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Int(i64),
    Bool(bool),
    /// NULL in a text column.
    NoText,
    /// NULL in a number column (PostgreSQL wants the type of a bound NULL).
    NoInt,
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::Text(text.to_string())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl From<usize> for Value {
    /// A count or a number in a sequence, as the integer column it is written to.
    fn from(n: usize) -> Self {
        Self::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        value.map_or(Self::NoText, Self::Text)
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Self {
        value.map_or(Self::NoInt, Self::Int)
    }
}

/// The transaction a bulk write happens in.
pub(super) enum BulkTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A write of many rows, in one transaction until [`Bulk::commit`].
pub struct Bulk {
    pub(super) tx: BulkTx,
}

macro_rules! push_value {
    ($row:expr, $value:expr) => {
        match $value {
            Value::Text(text) => $row.push_bind(text.clone()),
            Value::Int(n) => $row.push_bind(*n),
            Value::Bool(b) => $row.push_bind(*b),
            Value::NoText => $row.push_bind(None::<String>),
            Value::NoInt => $row.push_bind(None::<i64>),
        }
    };
}

impl Store {
    /// Starts a bulk write (on SQLite, holding the write lock until it ends).
    pub async fn bulk(&self) -> Result<Bulk, StoreError> {
        let tx = match &self.pool {
            super::engine::Pool::Sqlite(pool) => BulkTx::Sqlite(pool.begin_write().await?),
            super::engine::Pool::Postgres(pool) => BulkTx::Postgres(pool.begin_write().await?),
        };
        Ok(Bulk { tx })
    }

    /// How many rows the table `table` holds.
    pub async fn count_rows(&self, table: &'static str) -> Result<i64, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query_scalar(sql!("SELECT count(*) FROM {table}"))
                .fetch_one(pool)
                .await?)
        })
    }
}

impl Bulk {
    /// Whether the database holds any account, read inside this write.
    pub async fn has_accounts(&mut self) -> Result<bool, StoreError> {
        let query = "SELECT EXISTS (SELECT 1 FROM accounts)";
        Ok(match &mut self.tx {
            BulkTx::Sqlite(tx) => sqlx::query_scalar(query).fetch_one(&mut **tx).await?,
            BulkTx::Postgres(tx) => sqlx::query_scalar(query).fetch_one(&mut **tx).await?,
        })
    }

    /// Writes `rows` into `table`, each row's values in the order of `columns`.
    pub async fn insert(
        &mut self,
        table: &'static str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        let per_statement = (BINDS_PER_STATEMENT / columns.len().max(1)).max(1);
        let head = format!("INSERT INTO {table} ({}) ", columns.join(", "));
        for chunk in rows.chunks(per_statement) {
            match &mut self.tx {
                BulkTx::Sqlite(tx) => {
                    let mut query = QueryBuilder::<Sqlite>::new(head.clone());
                    query.push_values(chunk, |mut row, values| {
                        for value in values {
                            push_value!(row, value);
                        }
                    });
                    query.build().execute(&mut **tx).await?;
                }
                BulkTx::Postgres(tx) => {
                    let mut query = QueryBuilder::<Postgres>::new(head.clone());
                    query.push_values(chunk, |mut row, values| {
                        for value in values {
                            push_value!(row, value);
                        }
                    });
                    query.build().execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }

    /// Makes everything written visible at once.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            BulkTx::Sqlite(tx) => tx.commit().await?,
            BulkTx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
