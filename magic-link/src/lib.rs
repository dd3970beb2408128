//! Sign-in link tokens, shared by the Quorum server and its edge worker. Pure: no I/O, no clock,
//! no random source (the caller brings the time and the request id), so it builds for wasm32.
//!
//! A token is the URL-safe base64 (no padding) of these bytes:
//!
//! | bytes | what |
//! | --- | --- |
//! | 1 | format version, `1` |
//! | 1 | key id: which key signed it, so keys can be rotated |
//! | 8 | expiry, Unix seconds, big-endian |
//! | 16 | request id: 128 random bits, whose digest the server stores to use the link up once |
//! | 1 | length of the hint, at most 64 |
//! | 0–64 | hint, UTF-8: the masked address (`a…@example.org`) the confirm page shows |
//! | 32 | HMAC-SHA-256 of everything above, under the key named by the key id |
//!
//! So anyone holding the key (the server, and the edge in front of it) can tell a link Quorum
//! sent from a forged, altered or expired one without a database. Only the server can use a link
//! up: it stores the request id's digest and consumes it in the same update that signs in.
//! Parsing refuses oversized or malformed input before decoding anything and never panics; the
//! signature is compared in constant time.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[cfg(test)]
mod tests;

/// The token format this crate writes.
pub const VERSION: u8 = 1;
/// Bytes of the random request id.
pub const REQUEST_ID_BYTES: usize = 16;
/// The longest hint, in bytes.
pub const HINT_MAX: usize = 64;
/// The shortest key accepted, in bytes: as long as the signature.
pub const KEY_MIN_BYTES: usize = 32;
/// The longest token text there can be; anything longer is refused unread.
pub const TOKEN_MAX_CHARS: usize = ((HEADER_BYTES + HINT_MAX + MAC_BYTES) * 4).div_ceil(3);

const MAC_BYTES: usize = 32;
const HEADER_BYTES: usize = 1 + 1 + 8 + REQUEST_ID_BYTES + 1;
/// Mixed into every signature, so a key shared with another use can never sign a link by accident.
const CONTEXT: &[u8] = b"quorum sign-in link\0";

/// What a valid link says.
#[derive(Clone, PartialEq, Eq)]
pub struct Link {
    request_id: [u8; REQUEST_ID_BYTES],
    expires_at: u64,
    hint: String,
}

impl Link {
    /// A link for request `request_id`, valid until `expires_at`, that shows `hint`.
    pub fn new(
        request_id: [u8; REQUEST_ID_BYTES],
        expires_at: u64,
        hint: &str,
    ) -> Result<Link, HintTooLong> {
        if hint.len() > HINT_MAX {
            return Err(HintTooLong);
        }
        Ok(Link {
            request_id,
            expires_at,
            hint: hint.to_string(),
        })
    }

    /// The request id as text (URL-safe base64): what the server stores a digest of.
    pub fn request_id(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.request_id)
    }

    /// When the link stops working, in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The masked address the confirm page shows.
    pub fn hint(&self) -> &str {
        &self.hint
    }
}

/// The request id is a secret until used: never print it.
impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link")
            .field("expires_at", &self.expires_at)
            .field("hint", &self.hint)
            .finish_non_exhaustive()
    }
}

/// A hint longer than [`HINT_MAX`] bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintTooLong;

impl fmt::Display for HintTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a sign-in link's hint is at most {HINT_MAX} bytes")
    }
}

impl std::error::Error for HintTooLong {}

/// Why a token was refused. Pages must not tell these apart to the visitor (every one gets "this
/// link has expired"); they exist for tests and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Too long, not base64, cut short, or with a bad hint.
    Malformed,
    /// A format version this code does not know.
    UnknownVersion,
    /// Signed by a key that is not (or no longer) in the ring.
    UnknownKey,
    /// The signature does not match: forged or altered.
    Forged,
    /// Genuine, but past its expiry.
    Expired,
}

/// One signing key and its id.
#[derive(Clone)]
pub struct Key {
    id: u8,
    secret: Vec<u8>,
}

impl Key {
    /// A key with id `id`; `secret` must be at least [`KEY_MIN_BYTES`] long.
    pub fn new(id: u8, secret: &[u8]) -> Result<Key, KeyError> {
        if secret.len() < KEY_MIN_BYTES {
            return Err(KeyError::TooShort(id));
        }
        Ok(Key {
            id,
            secret: secret.to_vec(),
        })
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length, so this cannot fail; fall back to an empty key's MAC
        // rather than panic, which can only ever refuse links.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| Hmac::<Sha256>::new(&Default::default()));
        mac.update(CONTEXT);
        mac
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({}, …)", self.id)
    }
}

/// A key that cannot be used, said so that whoever configures it can fix it. Never shows a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// No keys at all.
    Empty,
    /// An entry that is not `id:key`.
    Shape(usize),
    /// An id that is not a number from 0 to 255.
    Id(usize),
    /// A key that is not URL-safe base64.
    Encoding(u8),
    /// A key shorter than [`KEY_MIN_BYTES`].
    TooShort(u8),
    /// Two keys with one id.
    Duplicate(u8),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => write!(f, "no sign-in link keys were given"),
            KeyError::Shape(n) => write!(f, "sign-in link key {n} is not written as id:key"),
            KeyError::Id(n) => write!(f, "sign-in link key {n} needs an id from 0 to 255"),
            KeyError::Encoding(id) => {
                write!(f, "sign-in link key {id} is not URL-safe base64")
            }
            KeyError::TooShort(id) => write!(
                f,
                "sign-in link key {id} is shorter than {KEY_MIN_BYTES} bytes"
            ),
            KeyError::Duplicate(id) => write!(f, "two sign-in link keys have the id {id}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The keys links are checked against. The first signs new links; the others only check, so a
/// new key can be put first while links signed by the old one still work until they expire.
#[derive(Clone, Debug)]
pub struct KeyRing {
    keys: Vec<Key>,
}

impl KeyRing {
    /// A ring that signs with `current` and also accepts `older`.
    pub fn new(current: Key, older: Vec<Key>) -> Result<KeyRing, KeyError> {
        let mut keys = vec![current];
        for key in older {
            if keys.iter().any(|k| k.id == key.id) {
                return Err(KeyError::Duplicate(key.id));
            }
            keys.push(key);
        }
        Ok(KeyRing { keys })
    }

    /// Reads `id:key,id:key…`, each key URL-safe base64 (as [`KeyRing::encode_key`] writes it),
    /// the signing key first. Spaces around entries are ignored.
    pub fn parse(spec: &str) -> Result<KeyRing, KeyError> {
        let mut keys = Vec::new();
        for (n, entry) in spec
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .enumerate()
        {
            let (id, secret) = entry.split_once(':').ok_or(KeyError::Shape(n + 1))?;
            let id: u8 = id.trim().parse().map_err(|_| KeyError::Id(n + 1))?;
            let secret = URL_SAFE_NO_PAD
                .decode(secret.trim().trim_end_matches('='))
                .map_err(|_| KeyError::Encoding(id))?;
            keys.push(Key::new(id, &secret)?);
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or(KeyError::Empty)?;
        KeyRing::new(current, keys.collect())
    }

    /// A key's bytes as they are written in a key ring's text.
    pub fn encode_key(secret: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(secret)
    }

    /// The id of the key that signs new links.
    pub fn current_id(&self) -> u8 {
        self.keys[0].id
    }

    /// The token for `link`, signed with the current key.
    pub fn sign(&self, link: &Link) -> String {
        let key = &self.keys[0];
        let mut bytes = Vec::with_capacity(HEADER_BYTES + link.hint.len() + MAC_BYTES);
        bytes.push(VERSION);
        bytes.push(key.id);
        bytes.extend_from_slice(&link.expires_at.to_be_bytes());
        bytes.extend_from_slice(&link.request_id);
        // `Link::new` keeps hints within 64 bytes, so the length fits in one byte.
        bytes.push(link.hint.len() as u8);
        bytes.extend_from_slice(link.hint.as_bytes());
        let mut mac = key.mac();
        mac.update(&bytes);
        bytes.extend_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The link `token` stands for, if one of the ring's keys signed it and it has not expired
    /// at `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: u64) -> Result<Link, Rejection> {
        if token.len() > TOKEN_MAX_CHARS
            || !token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Rejection::Malformed);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| Rejection::Malformed)?;
        if bytes.len() < HEADER_BYTES + MAC_BYTES {
            return Err(Rejection::Malformed);
        }
        let (signed, signature) = bytes.split_at(bytes.len() - MAC_BYTES);
        let hint_len = usize::from(signed[HEADER_BYTES - 1]);
        if hint_len > HINT_MAX || signed.len() != HEADER_BYTES + hint_len {
            return Err(Rejection::Malformed);
        }
        if signed[0] != VERSION {
            return Err(Rejection::UnknownVersion);
        }
        let key = self
            .keys
            .iter()
            .find(|k| k.id == signed[1])
            .ok_or(Rejection::UnknownKey)?;
        let mut mac = key.mac();
        mac.update(signed);
        // `verify_slice` compares in constant time.
        mac.verify_slice(signature).map_err(|_| Rejection::Forged)?;
        let mut expiry = [0u8; 8];
        expiry.copy_from_slice(&signed[2..10]);
        let expires_at = u64::from_be_bytes(expiry);
        if now >= expires_at {
            return Err(Rejection::Expired);
        }
        let mut request_id = [0u8; REQUEST_ID_BYTES];
        request_id.copy_from_slice(&signed[10..10 + REQUEST_ID_BYTES]);
        let hint =
            std::str::from_utf8(&signed[HEADER_BYTES..]).map_err(|_| Rejection::Malformed)?;
        Ok(Link {
            request_id,
            expires_at,
            hint: hint.to_string(),
        })
    }
}
