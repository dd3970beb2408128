//! Checking what people type. A form is checked whole and every problem is reported at once,
//! each with a message that says how to put it right (GOV.UK "error message" guidance), in the
//! order the fields appear on the page so the error summary reads top to bottom.

/// One problem with one field: the field's `id` (the error summary links to it) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Usually a fixed name; a field made per item (such as one per group) owns its name.
    pub field: std::borrow::Cow<'static, str>,
    pub message: String,
}

/// All the problems found in one submission, in page order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem. A field keeps only its first problem, the one to fix first.
    pub fn add(
        &mut self,
        field: impl Into<std::borrow::Cow<'static, str>>,
        message: impl Into<String>,
    ) {
        let field = field.into();
        if self.for_field(&field).is_none() {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    /// Records one more problem with a field that may have several, such as a list with a
    /// bad entry on several lines: each gets its own line in the error summary.
    pub fn add_another(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Every problem with `field`, as one message for the inline error.
    pub fn all_for_field(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(". "))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn for_field(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }
}

/// Checks a required text answer: present after trimming and at most `max` characters long.
/// `name` is how the message refers to the field, in lower case ("your full name").
pub fn required_text(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    empty_message: &str,
    max_chars: usize,
    too_long_message: &str,
) {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, empty_message);
    } else if value.chars().count() > max_chars {
        errors.add(field, too_long_message);
    }
}

/// Whether `value` looks like an email address: one `@`, something before it, a domain with a
/// dot after it, no spaces, and no longer than an address can be (254 characters). Deliberately
/// loose: the only real proof of an address is a message that arrives. Characters that would
/// make it a display name with an address inside (`Name<a@b.org>`) or a list are refused, so
/// the address stored is the address mail goes to.
pub fn is_email_address(value: &str) -> bool {
    let value = value.trim();
    const NOT_IN_ADDRESSES: &[char] = &['<', '>', '(', ')', '[', ']', '\\', ',', ';', ':', '"'];
    if value.is_empty()
        || value.len() > 254
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || NOT_IN_ADDRESSES.contains(&c))
    {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_people_really_have_are_accepted() {
        for ok in [
            "name@example.org",
            "a.b+tag@sub.example.co.uk",
            "  x@y.io  ",
            "ü@exämple.de",
        ] {
            assert!(is_email_address(ok), "{ok}");
        }
    }

    #[test]
    fn things_that_cannot_be_addresses_are_refused() {
        let long = format!("{}@example.org", "a".repeat(250));
        for bad in [
            "",
            "name",
            "name@",
            "@example.org",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "a@.org",
            "a@b.",
            "a@b..org",
            "1<v@x.org>",
            "v@x.org, w@x.org",
            "\"a\"@x.org",
            "a@x.org;",
            long.as_str(),
        ] {
            assert!(!is_email_address(bad), "{bad}");
        }
    }

    #[test]
    fn a_field_keeps_its_first_error_and_page_order_is_kept() {
        let mut errors = FormErrors::new();
        errors.add("name", "Enter your full name");
        errors.add("email", "Enter your email address");
        errors.add("name", "second");
        assert_eq!(errors.len(), 2);
        assert_eq!(
            errors.for_field("name").as_deref(),
            Some("Enter your full name")
        );
        let order: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(order, ["name", "email"]);
    }

    #[test]
    fn required_text_counts_characters_not_bytes() {
        let mut errors = FormErrors::new();
        required_text(&mut errors, "n", "éééé", "empty", 4, "long");
        assert!(errors.is_empty());
        required_text(&mut errors, "n", "   ", "empty", 4, "long");
        assert_eq!(errors.for_field("n").as_deref(), Some("empty"));
    }
}
