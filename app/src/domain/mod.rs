//! Pure rules of Quorum: no SQL, no HTTP, no views. Everything here can be tested on its own.

pub mod files;
pub mod groups;
pub mod markdown;
pub mod permissions;
pub mod polls;
pub mod threads;
pub mod time;
pub mod validation;

/// A number as people read it, with thousands separators: "1,000", "-12,345".
pub fn grouped(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if number < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
