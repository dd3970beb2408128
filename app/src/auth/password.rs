//! Optional passwords: the rules a new password must meet, and argon2id hashing.
//!
//! Rules (DESIGN.md, "Sign-in and sessions"; NIST SP 800-63B §5.1.1.2): at least 8 characters,
//! at most 1,000, no composition rules, spaces and paste allowed, and refused when it is among
//! the 10,000 most common passwords. Characters are Unicode scalar values, not bytes, so "ééééééé"
//! is 7 characters. The text is checked and hashed exactly as typed: no trimming, no case folding.
//!
//! "Most common" uses the ranked password list bundled with `zxcvbn` (see [`common_problem`]).
//!
//! Hashes are argon2id, m = 19,456 KiB, t = 2, p = 1 (the OWASP minimum), with a 16-byte salt
//! from the operating system's CSPRNG, stored as a PHC string (`$argon2id$v=19$m=19456,...`).
//! `cargo bench --bench argon2` prints the time one hash takes on this machine.
//!
//! Hashing and verifying take tens of milliseconds of CPU and 19 MiB of memory each. Async code
//! must call [`hash_password`], [`verify_password`] and [`dummy_verify`] inside
//! `tokio::task::spawn_blocking`, never directly on a runtime thread. Failed attempts are
//! throttled by the caller, not here.

use std::fmt;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{self, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::Deserialize;
use zxcvbn::matching::patterns::MatchPattern;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 8;
/// Most characters a password may have: generous for passphrases, and bounds the work per hash.
pub const MAX_CHARS: usize = 1_000;
/// A password ranked this or better in the common-password list is refused.
pub const COMMON_RANK_LIMIT: usize = 10_000;

/// argon2id memory cost in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19_456;
/// argon2id passes over memory.
pub const ITERATIONS: u32 = 2;
/// argon2id lanes.
pub const PARALLELISM: u32 = 1;
const OUTPUT_LEN: usize = 32;

// DESIGN.md asks for at least the OWASP minimum; a change below it does not compile.
const _: () = assert!(MEMORY_KIB >= 19 * 1024 && ITERATIONS >= 2 && PARALLELISM >= 1);

const CURRENT_PARAMS: Params =
    match Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, Some(OUTPUT_LEN)) {
        Ok(params) => params,
        Err(_) => panic!("argon2 parameters out of range"),
    };

/// Stored hashes asking for more than this are refused rather than computed: a corrupt or
/// planted hash with `m=4294967295` would otherwise try to allocate 4 TiB.
const MAX_ACCEPTED_MEMORY_KIB: u32 = 256 * 1024;
const MAX_ACCEPTED_ITERATIONS: u32 = 16;
const MAX_ACCEPTED_PARALLELISM: u32 = 8;

/// A password as typed. `Debug` never shows it and there is no `Display`, so it cannot reach a
/// log line by accident; read it with [`Password::expose`] only to check or hash it.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Password {
    fn from(password: String) -> Self {
        Self(password)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Why a new password was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    Empty,
    TooShort,
    TooLong,
    /// Among the 10,000 most used passwords.
    Common,
    /// One of those written backwards or with look-alike characters ("p@ssw0rd").
    CommonVariant,
}

impl PasswordProblem {
    /// Stable snake_case code, for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::Empty => "password_empty",
            Self::TooShort => "password_too_short",
            Self::TooLong => "password_too_long",
            Self::Common => "password_common",
            Self::CommonVariant => "password_common_variant",
        }
    }

    /// What the person sees next to the password field: says what is wrong and how to fix it.
    pub fn message(self) -> &'static str {
        match self {
            Self::Empty => "Enter a password",
            Self::TooShort => "Password must be 8 characters or more",
            Self::TooLong => "Password must be 1,000 characters or fewer",
            Self::Common => {
                "This password is one of the 10,000 most used, so it is easy to guess. \
                 Choose a different password"
            }
            Self::CommonVariant => {
                "This password is one of the 10,000 most used, written backwards or with \
                 look-alike characters such as 0 for o, so it is easy to guess. \
                 Choose a different password"
            }
        }
    }
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PasswordProblem {}

/// Checks a password someone is choosing. Cheap apart from the common-password lookup (well
/// under a millisecond); needs no `spawn_blocking`.
pub fn check_new_password(password: &Password) -> Result<(), PasswordProblem> {
    let password = password.expose();
    let chars = password.chars().count();
    if chars == 0 {
        Err(PasswordProblem::Empty)
    } else if chars < MIN_CHARS {
        Err(PasswordProblem::TooShort)
    } else if chars > MAX_CHARS {
        Err(PasswordProblem::TooLong)
    } else if let Some(problem) = common_problem(password) {
        Err(problem)
    } else {
        Ok(())
    }
}

/// Whether `password` is in the first [`COMMON_RANK_LIMIT`] entries of zxcvbn's ranked
/// "passwords" list, or is one of them written backwards or with look-alike characters.
///
/// zxcvbn does not export the list, only its analysis: the cheapest way to guess the password,
/// as a sequence of matches. A listed password comes back as one dictionary match over the
/// whole text, carrying its rank. Three choices follow from that:
///
/// - Case is ignored: the list is lowercase, and the text is lowercased before the analysis so
///   that "123456789R" is found as "123456789r" rather than split into "123456789" and "R".
/// - Variants are refused too, with their own message. zxcvbn explains some listed passwords
///   ("passw0rd", "drowssap", "p@ssw0rd") as variants of a better-ranked one, so refusing only
///   plain matches would let them through; refusing variants catches them and the like.
/// - Listed passwords that zxcvbn explains more cheaply as a repeat ("11111111",
///   "gfhjkmgfhjkm") or from another dictionary pass: 4 of the 3,395 entries of 8 or more
///   characters in the first 10,000 (checked against zxcvbn 3.1.1).
fn common_problem(password: &str) -> Option<PasswordProblem> {
    // zxcvbn reads only the first 100 characters, and no entry in the list is that long.
    if password.chars().count() >= 100 {
        return None;
    }
    let entropy = zxcvbn::zxcvbn(&password.to_lowercase(), &[]);
    let [only] = entropy.sequence() else {
        return None;
    };
    let MatchPattern::Dictionary(word) = &only.pattern else {
        return None;
    };
    // zxcvbn does not export `DictionaryType`; its default is the passwords list.
    if word.dictionary_name != Default::default() || word.rank > COMMON_RANK_LIMIT {
        return None;
    }
    Some(if word.l33t || word.reversed {
        PasswordProblem::CommonVariant
    } else {
        PasswordProblem::Common
    })
}

/// A password hash in PHC string format, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Hashing failed. It does not happen with the fixed parameters used here; the cause is kept
/// for the log, never shown.
#[derive(Debug, thiserror::Error)]
#[error("could not hash the password")]
pub struct HashError(#[source] password_hash::Error);

/// Hashes a password with argon2id at the current parameters and a fresh random salt.
/// CPU-heavy: run inside `spawn_blocking`.
pub fn hash_password(password: &Password) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = current_hasher()
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(HashError)?;
    Ok(PasswordHash(hash.to_string()))
}

/// Whether `password` matches the stored PHC string. The comparison is constant-time. Any
/// stored value that is not an argon2 hash within sane parameters gives `false`, never a panic.
/// CPU-heavy: run inside `spawn_blocking`.
pub fn verify_password(password: &Password, phc: &str) -> bool {
    if is_over_long(password) {
        return false;
    }
    let Ok(stored) = password_hash::PasswordHash::new(phc) else {
        return false;
    };
    if !is_argon2(&stored) || accepted_params(&stored).is_none() {
        return false;
    }
    // The verifier takes algorithm, version and parameters from the stored hash.
    current_hasher()
        .verify_password(password.expose().as_bytes(), &stored)
        .is_ok()
}

/// Spends the time of one [`verify_password`] at the current parameters, for sign-in attempts
/// naming an account that does not exist or has no password, so that the response time does
/// not tell them apart. CPU-heavy: run inside `spawn_blocking`.
pub fn dummy_verify(password: &Password) {
    if is_over_long(password) {
        return;
    }
    let mut output = [0u8; OUTPUT_LEN];
    // Verifying is hashing with the stored salt and parameters plus a comparison that costs
    // nothing next to it, so hashing with a fixed salt takes the same time.
    let _ = current_hasher().hash_password_into(
        password.expose().as_bytes(),
        b"quorum-dummy-salt",
        &mut output,
    );
    std::hint::black_box(output);
}

/// Whether a stored hash should be replaced at the next successful sign-in: it is not argon2id
/// v19, or any parameter is weaker than the current ones. Unreadable values also say `true`.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(stored) = password_hash::PasswordHash::new(phc) else {
        return true;
    };
    let Some(params) = accepted_params(&stored) else {
        return true;
    };
    Algorithm::try_from(stored.algorithm) != Ok(Algorithm::Argon2id)
        || stored.version != Some(Version::V0x13.into())
        || params.m_cost() < MEMORY_KIB
        || params.t_cost() < ITERATIONS
        || params.p_cost() < PARALLELISM
        || params.output_len().unwrap_or(0) < OUTPUT_LEN
}

fn current_hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, CURRENT_PARAMS)
}

/// Longer than any password [`check_new_password`] accepts, in the worst case of 4 bytes per
/// character. Counted in bytes so the check stays cheap on huge input.
fn is_over_long(password: &Password) -> bool {
    password.expose().len() > MAX_CHARS * 4
}

fn is_argon2(stored: &password_hash::PasswordHash<'_>) -> bool {
    Algorithm::try_from(stored.algorithm).is_ok()
}

/// The stored parameters, when they are within what this server is willing to compute. The raw
/// numbers are bounded before argon2 sees them: its own check multiplies `p` by 8, which
/// overflows (a panic in debug builds) for `p` of 2^29 or more.
fn accepted_params(stored: &password_hash::PasswordHash<'_>) -> Option<Params> {
    let m = stored.params.get_decimal("m")?;
    let t = stored.params.get_decimal("t")?;
    let p = stored.params.get_decimal("p")?;
    if m > MAX_ACCEPTED_MEMORY_KIB || t > MAX_ACCEPTED_ITERATIONS || p > MAX_ACCEPTED_PARALLELISM {
        return None;
    }
    Params::try_from(stored).ok()
}

#[cfg(test)]
mod tests;
