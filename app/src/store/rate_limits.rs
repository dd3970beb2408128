//! Rate-limit buckets in the database, so that every server on it counts against the same
//! limit (a limit counted in each process would be as many times too loose as there are
//! servers).
//!
//! Strategy: the generic cell rate algorithm. A bucket is one row holding the time at which it
//! will be full again; taking a token moves that time on by one interval, and is allowed while
//! it stays within `burst` intervals of now. The check and the take are one conditional upsert,
//! which both engines run atomically on the row, however many servers ask at once.

use super::{Store, StoreError};

/// How a bucket fills: `burst` tokens at most, one more every `every_ms` milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub burst: i64,
    pub every_ms: i64,
}

impl Store {
    /// Takes one token from the bucket named `name` at `now_ms`. `Ok(Err(wait_ms))` when it is
    /// empty: how long until a token is there again.
    pub async fn take_token(
        &self,
        name: &str,
        bucket: Bucket,
        now_ms: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        on_engine!(self, |pool| {
            // One statement: a new bucket gives its first token, an existing one gives one when
            // it has one, and a bucket pruned meanwhile is simply new again.
            let taken = sqlx::query(
                "INSERT INTO rate_limits (bucket, full_at) VALUES ($1, $2 + $3) \
                 ON CONFLICT (bucket) DO UPDATE SET full_at = \
                    CASE WHEN rate_limits.full_at > $2 THEN rate_limits.full_at ELSE $2 END + $3 \
                 WHERE CASE WHEN rate_limits.full_at > $2 THEN rate_limits.full_at ELSE $2 END \
                    + $3 - $2 <= $4",
            )
            .bind(name)
            .bind(now_ms)
            .bind(bucket.every_ms)
            .bind(bucket.burst.saturating_mul(bucket.every_ms))
            .execute(pool)
            .await?
            .rows_affected();
            if taken == 1 {
                return Ok(Ok(()));
            }
            // Refused: the bucket is full until some time after now, so pruning (which only
            // forgets buckets already full) leaves it be.
            let full_at: Option<i64> =
                sqlx::query_scalar("SELECT full_at FROM rate_limits WHERE bucket = $1")
                    .bind(name)
                    .fetch_optional(pool)
                    .await?;
            let Some(full_at) = full_at else {
                return Ok(Ok(()));
            };
            let next = full_at.max(now_ms) + bucket.every_ms
                - bucket.burst.saturating_mul(bucket.every_ms);
            Ok(Err((next - now_ms).max(1)))
        })
    }

    /// Forgets buckets that are full again, so the table stays small.
    pub async fn prune_rate_limits(&self, now_ms: i64) -> Result<u64, StoreError> {
        on_engine!(self, |pool| {
            Ok(sqlx::query("DELETE FROM rate_limits WHERE full_at <= $1")
                .bind(now_ms)
                .execute(pool)
                .await?
                .rows_affected())
        })
    }
}
