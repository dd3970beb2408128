//! The settings of reply by email: the SMTP address, the endpoint's secret and the reply
//! domain, checked at start-up so that a bad one stops it with one sentence.

use super::http::{InboundSecret, ShortInboundSecret};

/// The settings of reply by email, checked at start-up.
#[derive(Debug)]
pub struct InboundConfig {
    pub smtp_addr: Option<std::net::SocketAddr>,
    pub secret: Option<InboundSecret>,
    /// The domain of reply addresses; `Some` (reply by email on) only when mail can come in,
    /// by SMTP or by the endpoint.
    pub reply_domain: Option<String>,
}

/// A reply-by-email setting that cannot be used, in one sentence.
#[derive(Debug, thiserror::Error)]
pub enum InboundSettingsError {
    #[error(transparent)]
    ShortSecret(#[from] ShortInboundSecret),
    #[error("QUORUM_REPLY_DOMAIN must be a domain name, like quorum.example.org")]
    ReplyDomain,
}

impl InboundConfig {
    /// The settings of `settings`, the reply domain defaulting to `mail_from_domain` (the
    /// domain of `QUORUM_MAIL_FROM`).
    pub fn from_settings(
        settings: &crate::config::Settings,
        mail_from_domain: &str,
    ) -> Result<Self, InboundSettingsError> {
        let secret = InboundSecret::from_setting(settings.inbound_secret.as_deref())?;
        let domain = match settings.reply_domain.as_deref().map(str::trim) {
            Some(domain) if !domain.is_empty() => domain,
            _ => mail_from_domain,
        }
        .trim_end_matches('.')
        .to_ascii_lowercase();
        if !is_domain(&domain) {
            return Err(InboundSettingsError::ReplyDomain);
        }
        let on = secret.is_some() || settings.inbound_smtp_addr.is_some();
        Ok(Self {
            smtp_addr: settings.inbound_smtp_addr,
            secret,
            reply_domain: on.then_some(domain),
        })
    }
}

/// Whether `name` is a domain name: dot-separated labels of letters, digits and hyphens.
fn is_domain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_domains_are_domain_names() {
        for good in ["localhost", "quorum.example.org", "mail-1.example"] {
            assert!(is_domain(good), "{good}");
        }
        for bad in ["", "a..b", "-a.org", "a b.org", "a@b.org", "a.org/x"] {
            assert!(!is_domain(bad), "{bad}");
        }
    }
}
