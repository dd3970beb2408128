//! `quorum-edge`: a Cloudflare Worker in front of the Quorum server.
//!
//! - Sign-in links: a GET of `/sign-in/link/{token}` is answered here. The token is checked with
//!   the keys the origin signs with (`magic-link`); a forged, altered or expired link gets the
//!   "This sign-in link has expired" page and never reaches the origin, and a genuine one gets
//!   the confirm page. Both are the origin's own markup (`quorum edge-pages`). The confirm
//!   page's POST goes to the origin, which uses the request up and starts the session.
//! - Rate limit: sign-in posts are counted per client IP in Workers KV; over the limit, the
//!   origin's "Too many attempts" page answers with 429 and `Retry-After`.
//! - Caching: anonymous GETs of public pages and assets are kept in the Cache API for as long as
//!   the origin's `Cache-Control` allows (`s-maxage`, `stale-while-revalidate`). Requests with a
//!   session, other methods and private paths bypass it; responses that set a cookie are never
//!   stored; tracking parameters are left out of the key.
//! - Headers: the origin's are passed on untouched; the edge's own pages carry the same
//!   security headers. `CF-Cache-Status` says HIT, STALE, MISS or BYPASS.

pub mod policy;

#[cfg(target_arch = "wasm32")]
mod worker_glue;
