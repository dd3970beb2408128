use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use proptest::prelude::*;
use serde::de::value::{Error as DeError, StrDeserializer};

use super::*;

fn check(password: &str) -> Result<(), PasswordProblem> {
    check_new_password(&Password::new(password))
}

/// A hash made with other settings, cheap enough to make several per test.
fn hash_with(algorithm: Algorithm, m: u32, t: u32, p: u32, password: &str) -> String {
    let params = Params::new(m, t, p, None).unwrap();
    let salt = SaltString::encode_b64(b"sixteen byte salt").unwrap();
    Argon2::new(algorithm, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

#[test]
fn empty_is_refused() {
    assert_eq!(check(""), Err(PasswordProblem::Empty));
}

#[test]
fn seven_characters_are_refused_and_eight_accepted() {
    assert_eq!(check("kq7#zfp"), Err(PasswordProblem::TooShort));
    assert_eq!(check("kq7#zfpw"), Ok(()));
}

#[test]
fn length_counts_characters_not_bytes() {
    // 7 characters, 14 bytes.
    assert_eq!(check("ééééééé"), Err(PasswordProblem::TooShort));
    // 8 characters, 15 and 32 bytes.
    assert_eq!(check("ключ-дом"), Ok(()));
    assert_eq!(check("🔑🐢🔑🐢🔑🐢🔑🐢"), Ok(()));
}

#[test]
fn up_to_a_thousand_characters_are_accepted() {
    assert_eq!(check(&"ab3ü".repeat(250)), Ok(()));
    assert_eq!(
        check(&("ab3ü".repeat(250) + "x")),
        Err(PasswordProblem::TooLong)
    );
}

#[test]
fn no_composition_rules_and_spaces_count() {
    assert_eq!(check("purple tractor sings quietly at dawn"), Ok(()));
    assert_eq!(check("gladiolus"), Ok(()));
    assert_eq!(check("a b c d "), Ok(()));
    // Not trimmed: the spaces are part of the password.
    assert_eq!(check("  kq7#z "), Ok(()));
}

#[test]
fn the_most_used_passwords_are_refused_whatever_their_case() {
    for common in [
        "password",
        "12345678",
        "iloveyou",
        "sunshine",
        "Password",
        "PASSWORD",
        "Password1",
        "123456789R",
    ] {
        assert_eq!(check(common), Err(PasswordProblem::Common), "{common}");
    }
}

#[test]
fn look_alike_and_backwards_forms_are_refused() {
    for variant in ["passw0rd", "p@ssw0rd", "P4SSW0RD", "drowssap", "f00tball"] {
        assert_eq!(
            check(variant),
            Err(PasswordProblem::CommonVariant),
            "{variant}"
        );
    }
}

#[test]
fn words_outside_the_password_list_are_accepted() {
    // Common English words and names, but not among the most used passwords.
    assert_eq!(check("information"), Ok(()));
    assert_eq!(check("elizabeth"), Ok(()));
    assert_eq!(check("password with more words"), Ok(()));
}

#[test]
fn every_problem_has_its_own_code_and_a_message_saying_how_to_fix_it() {
    let problems = [
        PasswordProblem::Empty,
        PasswordProblem::TooShort,
        PasswordProblem::TooLong,
        PasswordProblem::Common,
        PasswordProblem::CommonVariant,
    ];
    let codes: std::collections::HashSet<_> = problems.iter().map(|p| p.code()).collect();
    assert_eq!(codes.len(), problems.len());
    for problem in problems {
        assert!(!problem.message().contains("nvalid"), "{problem:?}");
        assert_eq!(problem.to_string(), problem.message());
    }
    assert!(
        PasswordProblem::Common
            .message()
            .contains("10,000 most used")
    );
    assert!(PasswordProblem::Common.message().contains("easy to guess"));
}

#[test]
fn debug_never_shows_the_password() {
    let password = Password::new("hunter2hunter2");
    assert_eq!(format!("{password:?}"), "Password(<redacted>)");

    let from_form = Password::deserialize(StrDeserializer::<DeError>::new("hunter2hunter2"));
    let from_form = from_form.unwrap();
    assert_eq!(from_form.expose(), "hunter2hunter2");
    assert!(!format!("{from_form:?}").contains("hunter2"));
}

#[test]
fn a_hash_is_argon2id_at_the_current_parameters_and_verifies() {
    let password = Password::new("correct horse battery staple");
    let hash = hash_password(&password).unwrap();

    let parsed = password_hash::PasswordHash::new(hash.as_str()).unwrap();
    assert_eq!(parsed.algorithm.as_str(), "argon2id");
    assert_eq!(parsed.version, Some(0x13));
    let params = Params::try_from(&parsed).unwrap();
    assert_eq!(
        (params.m_cost(), params.t_cost(), params.p_cost()),
        (19_456, 2, 1)
    );
    assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert_eq!(
        parsed.salt.unwrap().len(),
        22,
        "16 bytes, base64 without padding"
    );
    assert_eq!(parsed.hash.unwrap().len(), 32);
    assert!(!needs_rehash(hash.as_str()));

    assert!(verify_password(&password, hash.as_str()));
    assert!(!verify_password(
        &Password::new("correct horse battery stapler"),
        hash.as_str()
    ));
    assert!(!verify_password(
        &Password::new("Correct horse battery staple"),
        hash.as_str()
    ));
}

#[test]
fn each_hash_gets_its_own_salt() {
    let password = Password::new("same password twice");
    let first = hash_password(&password).unwrap();
    let second = hash_password(&password).unwrap();
    assert_ne!(first, second);
}

#[test]
fn malformed_or_foreign_stored_hashes_never_verify() {
    let password = Password::new("correct horse battery staple");
    for stored in [
        "",
        "correct horse battery staple",
        "$argon2id$",
        "$argon2id$v=19$m=abc,t=2,p=1$c29tZXNhbHQ$aGFzaA",
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ",
        "$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaA",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "$pbkdf2-sha256$i=600000$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        // Parameters far beyond anything Quorum writes: refused, not computed.
        "$argon2id$v=19$m=4294967295,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=19456,t=4294967295,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        // argon2's own check computes p * 8, which overflows here.
        "$argon2id$v=19$m=8,t=1,p=536870912$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    ] {
        assert!(!verify_password(&password, stored), "{stored}");
        assert!(needs_rehash(stored), "{stored}");
    }
}

#[test]
fn older_weaker_hashes_still_verify_and_ask_to_be_rehashed() {
    let password = Password::new("correct horse battery staple");
    for (algorithm, m, t, p) in [
        (Algorithm::Argon2id, 4_096, 2, 1),
        (Algorithm::Argon2id, 19_456, 1, 1),
        (Algorithm::Argon2i, 8_192, 2, 1),
    ] {
        let stored = hash_with(algorithm, m, t, p, password.expose());
        assert!(verify_password(&password, &stored), "{stored}");
        assert!(needs_rehash(&stored), "{stored}");
    }
}

#[test]
fn stronger_hashes_do_not_ask_to_be_rehashed() {
    let stored = hash_with(Algorithm::Argon2id, 19_456, 3, 2, "irrelevant here");
    assert!(!needs_rehash(&stored));
}

#[test]
fn over_long_passwords_never_verify() {
    let stored = hash_with(Algorithm::Argon2id, 64, 1, 1, "x");
    assert!(!verify_password(&Password::new("x".repeat(4_001)), &stored));
    dummy_verify(&Password::new("x".repeat(4_001)));
}

#[test]
fn dummy_verify_accepts_any_password() {
    dummy_verify(&Password::new(""));
    dummy_verify(&Password::new("correct horse battery staple"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn checking_never_panics(
        short in ".{0,120}",
        long in proptest::collection::vec(any::<char>(), 0..3_000),
    ) {
        let _ = check(&short);
        let _ = check(&long.into_iter().collect::<String>());
    }

    #[test]
    fn verifying_against_garbage_never_panics_and_is_false(
        password in ".{0,200}",
        garbage in ".{0,200}",
        m in any::<u32>(),
        t in any::<u32>(),
        p in any::<u32>(),
    ) {
        let password = Password::new(password);
        prop_assert!(!verify_password(&password, &garbage));
        // Well-formed but with (almost always) absurd parameters and a wrong output.
        let phc = format!("$argon2id$v=19$m={m},t={t},p={p}$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA");
        prop_assert!(!verify_password(&password, &phc));
        let _ = needs_rehash(&garbage);
        let _ = needs_rehash(&phc);
    }
}
