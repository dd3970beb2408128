//! The signed tokens that notification emails carry: one to unsubscribe from a scope with one
//! click, one in the reply address.
//!
//! Strategy: both are an HMAC-SHA-256 (keyed with the instance's mail key, kept in the
//! database) over what the token names, so nothing is stored per email and nobody can make a
//! token for someone else or another scope. Each names its purpose inside the MAC, so one kind
//! can never be used as the other. Comparisons are constant-time.

use subtle::ConstantTimeEq;

use crate::auth::keyed_hash;

/// What an unsubscribe token turns off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Email about one group (its volume becomes quiet).
    Group(String),
    /// Email about one thread (its volume becomes quiet).
    Thread(String),
    /// The catch-up digest.
    Digest,
}

impl Scope {
    fn encode(&self) -> String {
        match self {
            Self::Group(id) => format!("g-{id}"),
            Self::Thread(id) => format!("t-{id}"),
            Self::Digest => "digest".into(),
        }
    }

    fn decode(value: &str) -> Option<Self> {
        if value == "digest" {
            return Some(Self::Digest);
        }
        let (kind, id) = value.split_once('-')?;
        if !is_id(id) {
            return None;
        }
        match kind {
            "g" => Some(Self::Group(id.into())),
            "t" => Some(Self::Thread(id.into())),
            _ => None,
        }
    }
}

/// Whether `value` is shaped like one of Quorum's ids: letters, digits, `-` and `_` (URL-safe
/// base64 or hex), never the `.` that separates a token's parts.
fn is_id(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An unsubscribe token that checked out: whose, and for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub account_id: String,
    pub scope: Scope,
}

/// The token for `account_id` to stop `scope`, for a URL path segment:
/// `<account>.<scope>.<mac>`.
pub fn unsubscribe_token(key: &str, account_id: &str, scope: &Scope) -> String {
    let scope = scope.encode();
    let mac = keyed_hash(key, &format!("unsubscribe:{account_id}:{scope}"));
    format!("{account_id}.{scope}.{mac}")
}

/// The account and scope a token names, when its MAC is right.
pub fn check_unsubscribe(key: &str, token: &str) -> Option<Unsubscribe> {
    let mut parts = token.split('.');
    let (account_id, scope, mac) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !is_id(account_id) {
        return None;
    }
    let expected = keyed_hash(key, &format!("unsubscribe:{account_id}:{scope}"));
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
        return None;
    }
    Some(Unsubscribe {
        account_id: account_id.into(),
        scope: Scope::decode(scope)?,
    })
}

/// How many hex digits of the MAC a reply address carries: 64 bits, so the local part stays
/// within the 64 characters SMTP allows (`reply+` + 32 + `.` + 16).
const REPLY_MAC_LEN: usize = 16;

/// The local part of the reply address of the notification `notification_id`:
/// `reply+<id>.<mac>`. The notification says whose it is and which thread it is about.
pub fn reply_local_part(key: &str, notification_id: &str) -> String {
    let mac = keyed_hash(key, &format!("reply:{notification_id}"));
    format!(
        "reply+{notification_id}.{}",
        mac.get(..REPLY_MAC_LEN).unwrap_or_default()
    )
}

/// The notification a reply address's local part names, when its MAC is right. Mail systems
/// may change the case of a local part, so it is read case-insensitively.
pub fn check_reply_local_part(key: &str, local_part: &str) -> Option<String> {
    let lower = local_part.to_ascii_lowercase();
    let rest = lower.strip_prefix("reply+")?;
    let (id, mac) = rest.split_once('.')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let expected = keyed_hash(key, &format!("reply:{id}"));
    let expected = expected.get(..REPLY_MAC_LEN)?;
    bool::from(expected.as_bytes().ct_eq(mac.as_bytes())).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "a key of the instance";
    const ANA: &str = "-FrBPbk-kOONqSaL5e3wsg";
    const BEA: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn an_unsubscribe_token_reads_back_and_names_one_person_and_scope() {
        for scope in [
            Scope::Group("g1".into()),
            Scope::Thread("t1".into()),
            Scope::Digest,
        ] {
            let token = unsubscribe_token(KEY, ANA, &scope);
            assert_eq!(
                check_unsubscribe(KEY, &token),
                Some(Unsubscribe {
                    account_id: ANA.into(),
                    scope: scope.clone()
                })
            );
            // Another person, another scope or another key does not check out.
            assert_eq!(check_unsubscribe(KEY, &token.replace(ANA, BEA)), None);
            assert_eq!(check_unsubscribe("another key", &token), None);
        }
        let token = unsubscribe_token(KEY, ANA, &Scope::Group("g1".into()));
        assert_eq!(check_unsubscribe(KEY, &token.replace("g-g1", "g-g2")), None);
        assert_eq!(
            check_unsubscribe(KEY, &token.replace("g-g1", "digest")),
            None
        );
        assert_eq!(check_unsubscribe(KEY, "nonsense"), None);
        assert_eq!(check_unsubscribe(KEY, ""), None);
    }

    #[test]
    fn a_reply_address_fits_smtp_and_reads_back_in_any_case() {
        const NOTICE: &str = "0123456789abcdef0123456789abcdef";
        let local = reply_local_part(KEY, NOTICE);
        assert!(local.len() <= 64, "{local}");
        assert_eq!(check_reply_local_part(KEY, &local), Some(NOTICE.into()));
        assert_eq!(
            check_reply_local_part(KEY, &local.to_ascii_uppercase()),
            Some(NOTICE.into())
        );
        assert_eq!(check_reply_local_part("another key", &local), None);
        assert_eq!(
            check_reply_local_part(KEY, &local.replace(NOTICE, BEA)),
            None
        );
        assert_eq!(check_reply_local_part(KEY, "reply+"), None);
        assert_eq!(check_reply_local_part(KEY, "someone"), None);
    }

    #[test]
    fn an_unsubscribe_mac_is_no_reply_mac() {
        let notice = "0123456789abcdef0123456789abcdef";
        let token = unsubscribe_token(KEY, notice, &Scope::Digest);
        let mac = token.rsplit('.').next().unwrap();
        let forged = format!("reply+{notice}.{}", &mac[..REPLY_MAC_LEN]);
        assert_eq!(check_reply_local_part(KEY, &forged), None);
    }
}
