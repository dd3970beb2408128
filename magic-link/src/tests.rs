use proptest::prelude::*;

use super::*;

const NOW: u64 = 1_800_000_000;

fn key(id: u8, fill: u8) -> Key {
    Key::new(id, &[fill; 32]).unwrap_or_else(|e| panic!("{e}"))
}

fn ring() -> KeyRing {
    KeyRing::new(key(2, 7), vec![key(1, 9)]).unwrap_or_else(|e| panic!("{e}"))
}

fn link(hint: &str) -> Link {
    Link::new([0xab; REQUEST_ID_BYTES], NOW + 600, hint).unwrap_or_else(|e| panic!("{e}"))
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[test]
fn a_signed_link_reads_back_as_itself() {
    let ring = ring();
    let original = link("a…@example.org");
    let token = ring.sign(&original);
    assert!(token.len() <= TOKEN_MAX_CHARS, "{}", token.len());
    let read = ring.verify(&token, NOW).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read, original);
    assert_eq!(read.hint(), "a…@example.org");
    assert_eq!(read.expires_at(), NOW + 600);
    assert_eq!(read.request_id(), "q6urq6urq6urq6urq6urqw");
}

#[test]
fn changing_any_character_of_a_token_refuses_it() {
    let ring = ring();
    let token = ring.sign(&link("a…@example.org"));
    let mut tried = 0;
    for position in 0..token.len() {
        for &replacement in ALPHABET {
            let mut bytes = token.clone().into_bytes();
            if bytes[position] == replacement {
                continue;
            }
            bytes[position] = replacement;
            let altered = String::from_utf8(bytes).unwrap_or_default();
            assert!(
                ring.verify(&altered, NOW).is_err(),
                "accepted with character {position} changed to {}",
                replacement as char
            );
            tried += 1;
        }
    }
    assert_eq!(tried, token.len() * 63);
}

#[test]
fn flipping_any_bit_of_the_signed_bytes_refuses_the_token() {
    let ring = ring();
    let bytes = URL_SAFE_NO_PAD
        .decode(ring.sign(&link("b…@example.net")))
        .unwrap_or_default();
    for index in 0..bytes.len() {
        for bit in 0..8 {
            let mut altered = bytes.clone();
            altered[index] ^= 1 << bit;
            let token = URL_SAFE_NO_PAD.encode(&altered);
            assert!(
                ring.verify(&token, NOW).is_err(),
                "accepted with bit {bit} of byte {index} flipped"
            );
        }
    }
}

#[test]
fn a_link_works_until_its_expiry_and_not_from_then_on() {
    let ring = ring();
    let token = ring.sign(&link(""));
    assert!(ring.verify(&token, NOW + 599).is_ok());
    assert_eq!(ring.verify(&token, NOW + 600), Err(Rejection::Expired));
    assert_eq!(ring.verify(&token, u64::MAX), Err(Rejection::Expired));
}

#[test]
fn keys_rotate_by_id() {
    let old = KeyRing::new(key(1, 9), vec![]).unwrap_or_else(|e| panic!("{e}"));
    let rotated = ring();
    let from_old = old.sign(&link("x"));
    // The rotated ring signs with key 2 but still accepts key 1's links.
    assert_eq!(rotated.current_id(), 2);
    assert!(rotated.verify(&from_old, NOW).is_ok());
    // A ring without key 1 refuses them, and a ring without key 2 refuses the new ones.
    let retired = KeyRing::new(key(2, 7), vec![]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(retired.verify(&from_old, NOW), Err(Rejection::UnknownKey));
    assert_eq!(
        old.verify(&rotated.sign(&link("x")), NOW),
        Err(Rejection::UnknownKey)
    );
}

#[test]
fn a_link_signed_with_another_key_under_the_same_id_is_forged() {
    let mine = ring();
    let theirs = KeyRing::new(key(2, 8), vec![]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        mine.verify(&theirs.sign(&link("x")), NOW),
        Err(Rejection::Forged)
    );
}

#[test]
fn malformed_input_is_refused_unread() {
    let ring = ring();
    let token = ring.sign(&link("a…@example.org"));
    let too_long = "A".repeat(TOKEN_MAX_CHARS + 1);
    for bad in [
        "",
        "A",
        "not a token",
        "abc=",
        "abc.def",
        too_long.as_str(),
        &token[..token.len() - 1],
        &token[..20],
    ] {
        assert!(ring.verify(bad, NOW).is_err(), "{bad}");
    }
    assert_eq!(ring.verify(&too_long, NOW), Err(Rejection::Malformed));
    let mut with_padding = token.clone();
    with_padding.push('=');
    assert_eq!(ring.verify(&with_padding, NOW), Err(Rejection::Malformed));
}

#[test]
fn an_unknown_version_is_refused() {
    let ring = ring();
    let mut bytes = URL_SAFE_NO_PAD
        .decode(ring.sign(&link("x")))
        .unwrap_or_default();
    bytes[0] = 2;
    assert_eq!(
        ring.verify(&URL_SAFE_NO_PAD.encode(bytes), NOW),
        Err(Rejection::UnknownVersion)
    );
}

#[test]
fn hints_are_limited_to_64_bytes() {
    assert!(Link::new([0; REQUEST_ID_BYTES], NOW, &"a".repeat(HINT_MAX)).is_ok());
    assert_eq!(
        Link::new([0; REQUEST_ID_BYTES], NOW, &"a".repeat(HINT_MAX + 1)),
        Err(HintTooLong)
    );
    let ring = ring();
    let longest = ring.sign(
        &Link::new([0; REQUEST_ID_BYTES], NOW + 1, &"é".repeat(HINT_MAX / 2))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(longest.len(), TOKEN_MAX_CHARS);
    assert!(ring.verify(&longest, NOW).is_ok());
}

#[test]
fn key_rings_are_read_from_text() {
    let secret = KeyRing::encode_key(&[5; 32]);
    let ring =
        KeyRing::parse(&format!(" 3:{secret} , 1:{secret}")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ring.current_id(), 3);
    let short = KeyRing::encode_key(&[5; 31]);
    for (spec, error) in [
        (String::new(), KeyError::Empty),
        (" , ".to_string(), KeyError::Empty),
        (secret.clone(), KeyError::Shape(1)),
        (format!("1:{secret},x:{secret}"), KeyError::Id(2)),
        (format!("256:{secret}"), KeyError::Id(1)),
        ("4:not base64!".to_string(), KeyError::Encoding(4)),
        (format!("4:{short}"), KeyError::TooShort(4)),
        (format!("4:{secret},4:{secret}"), KeyError::Duplicate(4)),
    ] {
        assert_eq!(
            KeyRing::parse(&spec).map(|_| ()),
            Err(error.clone()),
            "{spec}"
        );
        assert!(!error.to_string().contains(&secret));
    }
}

#[test]
fn debug_output_shows_no_secret() {
    let ring = ring();
    let shown = format!("{ring:?} {:?}", link("a…@example.org"));
    assert!(!shown.contains("171"), "{shown}");
    assert!(!shown.contains("q6ur"), "{shown}");
    assert!(shown.contains("Key(2, …)"), "{shown}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic_and_never_pass(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let ring = ring();
        let as_text = String::from_utf8_lossy(&bytes).into_owned();
        prop_assert!(ring.verify(&as_text, NOW).is_err());
        prop_assert!(ring.verify(&URL_SAFE_NO_PAD.encode(&bytes), NOW).is_err());
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,300}") {
        prop_assert!(ring().verify(&text, NOW).is_err());
    }

    #[test]
    fn every_link_round_trips(id in any::<[u8; REQUEST_ID_BYTES]>(), expiry in NOW + 1.., hint in "\\PC{0,16}") {
        let ring = ring();
        let original = Link::new(id, expiry, &hint).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(ring.verify(&ring.sign(&original), NOW), Ok(original));
    }
}
