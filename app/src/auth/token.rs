//! Random secrets and how they are stored and read back.
//!
//! Every secret handed to a browser or an email (link tokens, session ids, CSRF tokens, browser
//! handles) is 32 bytes from the OS random source, written as 43 URL-safe base64 characters, and
//! stored only as its SHA-256 digest. Sign-in codes are 6 digits, bound to one request and tried
//! at most 5 times. Parsing accepts what people paste (spaces, hyphens) and refuses anything else
//! without panicking, whatever its size.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes of randomness in every token: 256 bits.
const TOKEN_BYTES: usize = 32;
/// Characters in a token's text form.
pub const TOKEN_CHARS: usize = 43;
/// Digits in a sign-in code.
pub const CODE_DIGITS: usize = 6;

/// A secret given out once. `Debug` never shows it, so it cannot leak into a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, to put in a cookie, a link or an email.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 digest, as hex.
    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Why a secret could not be made: the OS random source failed, which must stop the request.
#[derive(Debug, thiserror::Error)]
#[error("the system's random source failed")]
pub struct RandomError;

/// A new 256-bit token.
pub fn new_token() -> Result<Secret, RandomError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| RandomError)?;
    Ok(Secret(URL_SAFE_NO_PAD.encode(bytes)))
}

/// A new sign-in code: 6 decimal digits, uniformly chosen (rejection sampling, no modulo bias).
pub fn new_code() -> Result<Secret, RandomError> {
    const LIMIT: u32 = u32::MAX - (u32::MAX % 1_000_000);
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|_| RandomError)?;
        let n = u32::from_le_bytes(bytes);
        if n < LIMIT {
            return Ok(Secret(format!("{:06}", n % 1_000_000)));
        }
    }
}

/// The random id a sign-in link carries: 128 bits, stored only as the digest of its text.
pub fn new_request_id() -> Result<[u8; magic_link::REQUEST_ID_BYTES], RandomError> {
    let mut bytes = [0u8; magic_link::REQUEST_ID_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| RandomError)?;
    Ok(bytes)
}

/// What is stored of a sign-in link: the digest of its request id, so the store can neither
/// make nor read back a link.
pub fn link_digest(link: &magic_link::Link) -> String {
    digest(&link.request_id())
}

/// A short random id that is not secret (names rows in URLs and forms).
pub fn new_id() -> Result<String, RandomError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| RandomError)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 of a secret, as lowercase hex.
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The stored form of a code: bound to its request, so a code is worthless for any other.
pub fn code_digest(request_id: &str, code: &str) -> String {
    digest(&format!("{request_id}:{code}"))
}

/// Reads a token from a link or cookie: exactly 43 URL-safe base64 characters, else nothing.
pub fn parse_token(input: &str) -> Option<Secret> {
    let valid = input.len() == TOKEN_CHARS
        && input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| Secret(input.to_string()))
}

/// Reads a typed or pasted code: digits with any spaces or hyphens between them ("123 456",
/// "123-456", " 123456 "). Anything else, or the wrong number of digits, is refused.
pub fn parse_code(input: &str) -> Option<Secret> {
    if input.len() > 64 {
        return None;
    }
    let mut digits = String::with_capacity(CODE_DIGITS);
    for c in input.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '\u{a0}' | '\t' => {}
            _ => return None,
        }
    }
    (digits.len() == CODE_DIGITS).then_some(Secret(digits))
}

/// Compares two digests in constant time.
pub fn digests_match(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_are_256_bit_url_safe_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.expose().len(), TOKEN_CHARS);
        assert_ne!(a, b);
        assert!(parse_token(a.expose()).is_some());
        assert_eq!(format!("{a:?}"), "Secret(…)");
        assert_eq!(a.digest().len(), 64);
        assert_ne!(a.digest(), a.expose());
    }

    #[test]
    fn codes_are_six_digits_and_paste_friendly() {
        let code = new_code().unwrap();
        assert_eq!(code.expose().len(), 6);
        assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
        for typed in ["123456", "123 456", "123-456", " 12 34 56 ", "123\u{a0}456"] {
            assert_eq!(
                parse_code(typed).map(|c| c.expose().to_string()).as_deref(),
                Some("123456"),
                "{typed}"
            );
        }
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123_456"] {
            assert!(parse_code(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_code_digest_is_bound_to_its_request() {
        assert_ne!(code_digest("a", "123456"), code_digest("b", "123456"));
        assert!(digests_match(
            &code_digest("a", "1"),
            &code_digest("a", "1")
        ));
        assert!(!digests_match(
            &code_digest("a", "1"),
            &code_digest("a", "2")
        ));
    }

    proptest! {
        #[test]
        fn parsers_never_panic_on_any_input(input in ".{0,5000}") {
            let _ = parse_code(&input);
            let _ = parse_token(&input);
        }

        #[test]
        fn only_well_formed_tokens_parse(input in "[A-Za-z0-9_-]{0,60}") {
            prop_assert_eq!(parse_token(&input).is_some(), input.len() == TOKEN_CHARS);
        }

        #[test]
        fn any_six_digits_with_separators_parse(d in "[0-9]{6}", sep in "[ -]{0,2}") {
            let typed = format!("{}{}{}", &d[..3], sep, &d[3..]);
            prop_assert_eq!(parse_code(&typed).map(|c| c.expose().to_string()), Some(d));
        }
    }

    #[test]
    fn huge_input_is_refused_quickly() {
        let huge = "1".repeat(10_000_000);
        assert!(parse_code(&huge).is_none());
        assert!(parse_token(&huge).is_none());
    }
}
