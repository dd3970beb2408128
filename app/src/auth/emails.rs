//! The words of the emails that sign-in and account changes send, as blocks for the shared mail
//! templates (which make the plain-text and accessible HTML parts from them).

use crate::mail::Email;
use crate::mail::templates::Block;

fn p(text: impl Into<String>) -> Block {
    Block::Paragraph(text.into())
}

fn link(text: &str, href: &str) -> Block {
    Block::Link {
        text: text.to_string(),
        href: href.to_string(),
    }
}

/// "123456" as "123 456", easier to read aloud and to type.
pub fn spaced_code(code: &str) -> String {
    if code.len() == 6 {
        format!("{} {}", &code[..3], &code[3..])
    } else {
        code.to_string()
    }
}

/// The sign-in email: a link and a code, both single use, for 10 minutes.
pub fn sign_in(to: &str, href: &str, code: &str, new_account: bool) -> Email {
    let (subject, purpose) = if new_account {
        (
            "Create your Quorum account",
            "create a Quorum account with this email address",
        )
    } else {
        (
            "Sign in to Quorum",
            "sign in to Quorum with this email address",
        )
    };
    Email::compose(
        to,
        subject,
        &[
            p(format!("Someone, hopefully you, asked to {purpose}.")),
            link(subject, href),
            p("Or type this code on the \u{201c}Check your email\u{201d} page:"),
            Block::Code(spaced_code(code)),
            p("The link and the code work once, for 10 minutes."),
            p(
                "If you did not ask for this, you can ignore this email. Nobody can sign in without the link or the code.",
            ),
        ],
    )
}

/// Sent to the new address: the link that confirms the change.
pub fn confirm_new_email(to: &str, href: &str) -> Email {
    Email::compose(
        to,
        "Confirm your new email address for Quorum",
        &[
            p("You asked to use this email address for your Quorum account."),
            link("Confirm your new email address", href),
            p(
                "The link works once, for 24 hours. If you did not ask for this, ignore this email and nothing will change.",
            ),
        ],
    )
}

/// Sent to the old address when a change is asked for, so a hijack cannot go unnoticed.
pub fn email_change_notice(to: &str, new_address_masked: &str) -> Email {
    Email::compose(
        to,
        "Your Quorum email address is being changed",
        &[
            p(format!(
                "Someone signed in to your Quorum account asked to change its email address to {new_address_masked}. \
                 The change happens only when the link sent to the new address is opened."
            )),
            p(
                "If this was not you, sign in to Quorum, end your other sessions from your account page, and tell the people who run your Quorum.",
            ),
        ],
    )
}

/// Sent when a person deactivates their account: what ended, and how to come back.
pub fn account_deactivated(to: &str, sign_in_href: &str) -> Email {
    Email::compose(
        to,
        "Your Quorum account is deactivated",
        &[
            p(
                "You deactivated your Quorum account. You are no longer a member of any group, and you are signed out everywhere.",
            ),
            p(
                "What you wrote stays with each group, under your name. To come back, sign in with this email address and join your groups again.",
            ),
            link("Sign in to Quorum", sign_in_href),
            p(
                "If this was not you, sign in straight away and tell the people who run your Quorum.",
            ),
        ],
    )
}

/// Sent when a person deletes their account: the last email to this address.
pub fn account_deleted(to: &str) -> Email {
    Email::compose(
        to,
        "Your Quorum account is deleted",
        &[
            p(
                "You deleted your Quorum account. Your name, email address, password, sessions and sign-in history are erased, and Quorum will not email this address again.",
            ),
            p(
                "What you wrote and your votes stay with each group, shown as written by \u{201c}Deleted account\u{201d}. Secret ballots were never linked to you.",
            ),
            p("Once this email is sent, Quorum keeps no record of the address it was sent to."),
        ],
    )
}

/// Sent when a personal export is ready: the link that fetches it, and its limits.
pub fn export_ready(to: &str, href: &str) -> Email {
    Email::compose(
        to,
        "Your copy of your Quorum data is ready",
        &[
            p("You asked for a copy of everything Quorum holds about you. It is ready."),
            link("Download your data", href),
            p(
                "The link works once, for 24 hours, and only while you are signed in to Quorum as yourself. If it has expired or was used, ask again from your account page.",
            ),
            p(
                "The copy is one zip file with two files in it: quorum-export.html, to read in a browser, and quorum-export.json, for programs.",
            ),
            p(
                "If you did not ask for this, nobody else can use the link, but sign in to Quorum, end your other sessions from your account page, and tell the people who run your Quorum.",
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_email_carries_link_and_spaced_code_in_both_parts() {
        let email = sign_in(
            "a@example.org",
            "https://q.example/sign-in/link/T",
            "123456",
            false,
        );
        assert_eq!(email.subject, "Sign in to Quorum");
        for part in [&email.text, &email.html] {
            assert!(part.contains("https://q.example/sign-in/link/T"));
            assert!(part.contains("123 456"));
            assert!(part.contains("10 minutes"));
        }
    }

    #[test]
    fn a_new_address_is_told_an_account_will_be_made() {
        assert_eq!(
            sign_in("a@example.org", "L", "000001", true).subject,
            "Create your Quorum account"
        );
    }
}
