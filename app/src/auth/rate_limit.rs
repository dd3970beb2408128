//! Rate limits on sign-in: token buckets per IP address and per email address (or account),
//! kept in memory. A bucket refills steadily, so nobody, the owner included, is locked out for
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
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignInEmail,
    SignInCode,
    SignInPassword,
    /// Email invitations to a group, counted per inviting account (the `address` given).
    Invitation,
}

/// The limiters for every action, shared by all requests.
#[derive(Clone)]
pub struct Limits {
    inner: Arc<Inner>,
}

struct Inner {
    email_by_address_and_ip: Keyed<String>,
    email_by_address: Keyed<String>,
    email_by_ip: Keyed<IpAddr>,
    code_by_ip: Keyed<IpAddr>,
    password_by_address_and_ip: Keyed<String>,
    password_by_address: Keyed<String>,
    password_by_ip: Keyed<IpAddr>,
    invitations_by_account: Keyed<String>,
    clock: DefaultClock,
}

fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every).map_or(Quota::per_hour(burst), |q| q.allow_burst(burst))
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(1)
    }
}

impl Limits {
    /// The limits, with the per-IP figures (burst and refill rate) multiplied by `ip_factor`.
    pub fn new(ip_factor: u32) -> Self {
        let f = ip_factor.max(1);
        let per_ip = |burst: u32, every: Duration| quota(burst.saturating_mul(f), every / f);
        Self {
            inner: Arc::new(Inner {
                email_by_address_and_ip: RateLimiter::keyed(quota(5, Duration::from_secs(12 * 60))),
                email_by_address: RateLimiter::keyed(quota(20, Duration::from_secs(3 * 60))),
                email_by_ip: RateLimiter::keyed(per_ip(30, Duration::from_secs(120))),
                code_by_ip: RateLimiter::keyed(per_ip(20, Duration::from_secs(30))),
                password_by_address_and_ip: RateLimiter::keyed(quota(10, Duration::from_secs(60))),
                password_by_address: RateLimiter::keyed(quota(30, Duration::from_secs(20))),
                password_by_ip: RateLimiter::keyed(per_ip(50, Duration::from_secs(10))),
                invitations_by_account: RateLimiter::keyed(quota(200, Duration::from_secs(60))),
                clock: DefaultClock::default(),
            }),
        }
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limits")
    }
}

impl Limits {
    /// Takes one token for `action` from the IP's bucket and, when given, the address's bucket.
    /// `Err(wait)` says how long until the next attempt would be allowed.
    pub fn check(&self, action: Action, ip: IpAddr, address: Option<&str>) -> Result<(), Duration> {
        let inner = &self.inner;
        let now = inner.clock.now();
        if action == Action::Invitation {
            return inner
                .invitations_by_account
                .check_key(&address.unwrap_or_default().to_string())
                .map_err(|not_until| not_until.wait_time_from(now));
        }
        let (by_ip, by_address) = match action {
            Action::SignInEmail => (
                &inner.email_by_ip,
                Some((&inner.email_by_address_and_ip, &inner.email_by_address)),
            ),
            Action::SignInCode => (&inner.code_by_ip, None),
            Action::SignInPassword => (
                &inner.password_by_ip,
                Some((
                    &inner.password_by_address_and_ip,
                    &inner.password_by_address,
                )),
            ),
            Action::Invitation => return Ok(()),
        };
        by_ip
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(now))?;
        if let (Some((here, anywhere)), Some(address)) = (by_address, address) {
            here.check_key(&format!("{address} {ip}"))
                .map_err(|not_until| not_until.wait_time_from(now))?;
            anywhere
                .check_key(&address.to_string())
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }

    /// Forgets buckets that are full again, so memory stays bounded.
    pub fn prune(&self) {
        let inner = &self.inner;
        inner.email_by_address_and_ip.retain_recent();
        inner.email_by_address.retain_recent();
        inner.password_by_address_and_ip.retain_recent();
        inner.email_by_ip.retain_recent();
        inner.code_by_ip.retain_recent();
        inner.password_by_address.retain_recent();
        inner.password_by_ip.retain_recent();
        inner.invitations_by_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_email_to_one_address_waits_about_twelve_minutes() {
        let limits = Limits::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..5 {
            assert!(
                limits
                    .check(Action::SignInEmail, ip, Some("a@example.org"))
                    .is_ok()
            );
        }
        let wait = limits
            .check(Action::SignInEmail, ip, Some("a@example.org"))
            .unwrap_err();
        assert!(
            wait > Duration::from_secs(11 * 60) && wait <= Duration::from_secs(12 * 60),
            "{wait:?}"
        );
        assert!(
            limits
                .check(Action::SignInEmail, ip, Some("b@example.org"))
                .is_ok()
        );
        // Someone else, elsewhere, can still ask for the same address.
        let owner: IpAddr = [192, 0, 2, 7].into();
        assert!(
            limits
                .check(Action::SignInEmail, owner, Some("a@example.org"))
                .is_ok()
        );
    }

    #[test]
    fn one_address_is_bounded_across_all_ips() {
        let limits = Limits::default();
        for n in 0..20u8 {
            assert!(
                limits
                    .check(
                        Action::SignInEmail,
                        [10, 1, 0, n].into(),
                        Some("a@example.org")
                    )
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
                .is_err()
        );
    }

    #[test]
    fn the_ip_factor_widens_ip_buckets_but_not_address_buckets() {
        let limits = Limits::new(10);
        let ip: IpAddr = [10, 0, 0, 9].into();
        for _ in 0..200 {
            assert!(limits.check(Action::SignInCode, ip, None).is_ok());
        }
        assert!(limits.check(Action::SignInCode, ip, None).is_err());
        for _ in 0..5 {
            assert!(
                limits
                    .check(Action::SignInEmail, ip, Some("a@example.org"))
                    .is_ok()
            );
        }
        assert!(
            limits
                .check(Action::SignInEmail, ip, Some("a@example.org"))
                .is_err()
        );
    }

    #[test]
    fn ip_buckets_are_separate_per_address_and_action() {
        let limits = Limits::default();
        let one: IpAddr = [10, 0, 0, 1].into();
        let two: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..20 {
            assert!(limits.check(Action::SignInCode, one, None).is_ok());
        }
        assert!(limits.check(Action::SignInCode, one, None).is_err());
        assert!(limits.check(Action::SignInCode, two, None).is_ok());
        assert!(
            limits
                .check(Action::SignInPassword, one, Some("x@example.org"))
                .is_ok()
        );
    }
}
