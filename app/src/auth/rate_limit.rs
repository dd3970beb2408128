//! Rate limits on sign-in: token buckets per IP address and per email address (or account),
//! kept in the database (`store::rate_limits`), so that several servers on one database hold
//! one limit between them. Buckets are named by a keyed hash, so the table holds no address
//! or IP in clear. A bucket refills steadily, so nobody, the owner included, is locked out for
//! good: at worst they wait a few minutes, and signing in by email link stays open when
//! password attempts are throttled.
//!
//! The figures (each is a burst, then a steady refill):
//! - sign-in emails: 5 per address from one IP, then 1 every 12 minutes; 20 per address from
//!   anywhere, then 1 every 3 minutes; 30 per IP, then 1 every 2 minutes;
//! - code attempts: 20 per IP, then 1 every 30 seconds (and 5 per sign-in request, counted in
//!   the database);
//! - password attempts: 10 per address from one IP, then 1 a minute; 30 per address from
//!   anywhere, then 1 every 20 seconds; 50 per IP, then 1 every 10 seconds;
//! - group invitations: 200 per inviting account, then 1 a minute, so an account cannot be
//!   used to send mail to strangers in bulk.
//!
//! The tight per-address bucket is kept per address *and* IP, so that someone hammering an
//! address from one place cannot use up the owner's attempts; the looser per-address bucket,
//! shared by all IPs, still bounds how much mail one inbox can be sent.
//!
//! Where many people share one IP address (a school or an office behind one router), the
//! per-IP figures can be multiplied with `QUORUM_RATE_LIMIT_IP_FACTOR`; the per-address limits,
//! which protect each person's inbox and password, stay as they are.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::store::{Bucket, Store, StoreError};

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignInEmail,
    SignInCode,
    SignInPassword,
    /// Email invitations to a group, counted per inviting account (the `address` given).
    Invitation,
}

/// The limits, shared by every request and, through the database, by every server.
#[derive(Clone)]
pub struct Limits {
    store: Store,
    /// The key that names buckets (the instance's audit key).
    key: String,
    ip_factor: u32,
}

const fn bucket(burst: i64, every: Duration) -> Bucket {
    Bucket {
        burst,
        every_ms: every.as_millis() as i64,
    }
}

const MINUTE: u64 = 60;

impl Limits {
    /// The limits, with the per-IP figures (burst and refill rate) multiplied by `ip_factor`.
    pub fn new(store: Store, key: String, ip_factor: u32) -> Self {
        Self {
            store,
            key,
            ip_factor: ip_factor.max(1),
        }
    }

    fn per_ip(&self, burst: i64, every: Duration) -> Bucket {
        let f = self.ip_factor;
        bucket(burst.saturating_mul(i64::from(f)), every / f)
    }

    /// Takes one token for `action` from the IP's bucket and, when given, the address's
    /// buckets. `Ok(Err(wait))` says how long until the next attempt would be allowed.
    pub async fn check(
        &self,
        action: Action,
        ip: IpAddr,
        address: Option<&str>,
    ) -> Result<Result<(), Duration>, StoreError> {
        let secs = Duration::from_secs;
        let mut buckets: Vec<(String, Bucket)> = Vec::with_capacity(3);
        match action {
            Action::Invitation => buckets.push((
                format!("invitations {}", address.unwrap_or_default()),
                bucket(200, secs(MINUTE)),
            )),
            Action::SignInCode => buckets.push((format!("code {ip}"), self.per_ip(20, secs(30)))),
            Action::SignInEmail => {
                buckets.push((format!("email {ip}"), self.per_ip(30, secs(2 * MINUTE))));
                if let Some(address) = address {
                    let here = bucket(5, secs(12 * MINUTE));
                    buckets.push((format!("email {address} {ip}"), here));
                    buckets.push((format!("email {address}"), bucket(20, secs(3 * MINUTE))));
                }
            }
            Action::SignInPassword => {
                buckets.push((format!("password {ip}"), self.per_ip(50, secs(10))));
                if let Some(address) = address {
                    let here = bucket(10, secs(MINUTE));
                    buckets.push((format!("password {address} {ip}"), here));
                    buckets.push((format!("password {address}"), bucket(30, secs(20))));
                }
            }
        }
        let now = now_ms();
        for (name, bucket) in buckets {
            let name = super::keyed_hash(&self.key, &name);
            if let Err(wait_ms) = self.store.take_token(&name, bucket, now).await? {
                return Ok(Err(Duration::from_millis(wait_ms.unsigned_abs())));
            }
        }
        Ok(Ok(()))
    }

    /// Forgets buckets that are full again, so the table stays small.
    pub async fn prune(&self) -> Result<u64, StoreError> {
        self.store.prune_rate_limits(now_ms()).await
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limits")
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::store;

    async fn limits(ip_factor: u32) -> (tempfile::TempDir, Limits) {
        let (dir, store) = store().await;
        (dir, Limits::new(store, "test key".into(), ip_factor))
    }

    #[tokio::test]
    async fn the_sixth_email_to_one_address_waits_about_twelve_minutes() {
        let (_dir, limits) = limits(1).await;
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..5 {
            assert!(
                limits
                    .check(Action::SignInEmail, ip, Some("a@example.org"))
                    .await
                    .unwrap()
                    .is_ok()
            );
        }
        let wait = limits
            .check(Action::SignInEmail, ip, Some("a@example.org"))
            .await
            .unwrap()
            .unwrap_err();
        assert!(
            wait > Duration::from_secs(11 * 60) && wait <= Duration::from_secs(12 * 60),
            "{wait:?}"
        );
        assert!(
            limits
                .check(Action::SignInEmail, ip, Some("b@example.org"))
                .await
                .unwrap()
                .is_ok()
        );
        // Someone else, elsewhere, can still ask for the same address.
        let owner: IpAddr = [192, 0, 2, 7].into();
        assert!(
            limits
                .check(Action::SignInEmail, owner, Some("a@example.org"))
                .await
                .unwrap()
                .is_ok()
        );
    }

    #[tokio::test]
    async fn one_address_is_bounded_across_all_ips() {
        let (_dir, limits) = limits(1).await;
        for n in 0..20u8 {
            assert!(
                limits
                    .check(
                        Action::SignInEmail,
                        [10, 1, 0, n].into(),
                        Some("a@example.org")
                    )
                    .await
                    .unwrap()
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(
                    Action::SignInEmail,
                    [10, 1, 1, 1].into(),
                    Some("a@example.org")
                )
                .await
                .unwrap()
                .is_err()
        );
    }

    #[tokio::test]
    async fn the_ip_factor_widens_ip_buckets_but_not_address_buckets() {
        let (_dir, limits) = limits(10).await;
        let ip: IpAddr = [10, 0, 0, 9].into();
        for _ in 0..200 {
            assert!(
                limits
                    .check(Action::SignInCode, ip, None)
                    .await
                    .unwrap()
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(Action::SignInCode, ip, None)
                .await
                .unwrap()
                .is_err()
        );
        for _ in 0..5 {
            assert!(
                limits
                    .check(Action::SignInEmail, ip, Some("a@example.org"))
                    .await
                    .unwrap()
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(Action::SignInEmail, ip, Some("a@example.org"))
                .await
                .unwrap()
                .is_err()
        );
    }

    #[tokio::test]
    async fn ip_buckets_are_separate_per_address_and_action() {
        let (_dir, limits) = limits(1).await;
        let one: IpAddr = [10, 0, 0, 1].into();
        let two: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..20 {
            assert!(
                limits
                    .check(Action::SignInCode, one, None)
                    .await
                    .unwrap()
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(Action::SignInCode, one, None)
                .await
                .unwrap()
                .is_err()
        );
        assert!(
            limits
                .check(Action::SignInCode, two, None)
                .await
                .unwrap()
                .is_ok()
        );
        assert!(
            limits
                .check(Action::SignInPassword, one, Some("x@example.org"))
                .await
                .unwrap()
                .is_ok()
        );
    }
}
