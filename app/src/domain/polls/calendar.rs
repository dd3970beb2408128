//! The iCalendar event (RFC 5545) attached to a meeting poll's outcome email, so the chosen time
//! goes into anyone's calendar in one step. Times are written in UTC (`…Z`), which every
//! calendar converts to its own zone; text is escaped and lines folded at 75 octets as the RFC
//! asks, with CRLF line ends.

use crate::domain::time::utc_date;

/// What the event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// Stable for the poll, so sending again updates the same event.
    pub uid: &'a str,
    /// When the event was written, Unix seconds.
    pub stamp: i64,
    pub start: i64,
    pub duration_minutes: i64,
    pub summary: &'a str,
    pub description: &'a str,
    pub url: &'a str,
}

/// The whole `.ics` file for one event.
pub fn ics(event: &Event<'_>) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Quorum//Decisions//EN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape(event.uid)),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.start)),
        format!("DURATION:PT{}M", event.duration_minutes.max(1)),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("DESCRIPTION:{}", escape(event.description)),
        format!("URL:{}", event.url),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ];
    lines.iter().map(|line| fold(line)).collect()
}

fn utc(unix: i64) -> String {
    let (year, month, day, seconds) = utc_date(unix);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// TEXT values: backslash, semicolon and comma are escaped, a line break becomes `\n`, and other
/// control characters are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so no physical line passes 75 octets (never inside a character),
/// each continuation starting with a space; ends with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_valid_icalendar_with_escaped_folded_text() {
        let description = "We meet, as agreed; bring notes\\ideas.\nÉtienne will chair. ".repeat(3);
        let text = ics(&Event {
            uid: "p1@example.org",
            stamp: 1_796_000_000,
            start: 1_796_292_000,
            duration_minutes: 60,
            summary: "Planning, round 2",
            description: &description,
            url: "https://quorum.example.org/p/p1",
        });
        assert!(
            text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nDTSTART:20261203T100000Z\r\n"), "{text}");
        assert!(text.contains("\r\nDURATION:PT60M\r\n"));
        assert!(text.contains("\r\nSUMMARY:Planning\\, round 2\r\n"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
            assert!(!line.contains('\n'));
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded
                .contains("DESCRIPTION:We meet\\, as agreed\\; bring notes\\\\ideas.\\nÉtienne")
        );
    }
}
