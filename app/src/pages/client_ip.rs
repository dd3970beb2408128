//! Who is asking, by network address: the direct peer, or, when the peer is the reverse proxy
//! named by `QUORUM_TRUSTED_PROXY`, the address that proxy appended to `X-Forwarded-For`. Only
//! the last entry is used: everything before it was written by the client and can be anything.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::AppError;
use crate::AppState;

/// The client's IP address, for rate limits and the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
        Ok(Self(client_address(
            peer,
            state.config.trusted_proxy,
            &parts.headers,
        )))
    }
}

fn client_address(peer: IpAddr, trusted_proxy: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
    if trusted_proxy != Some(peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .last()
        .and_then(|entry| entry.trim().parse().ok())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn forwarded_addresses_count_only_from_the_trusted_proxy_and_only_the_last() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9"),
        );
        assert_eq!(
            client_address(proxy, Some(proxy), &headers),
            IpAddr::from([203, 0, 113, 9])
        );
        assert_eq!(
            client_address([192, 0, 2, 1].into(), Some(proxy), &headers),
            IpAddr::from([192, 0, 2, 1])
        );
        assert_eq!(client_address(proxy, None, &headers), proxy);
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_address(proxy, Some(proxy), &headers), proxy);
    }
}
