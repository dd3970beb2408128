//! The catch-up digest's timing: at 06:00 in the person's time zone, daily, every other day, or
//! weekly on a chosen day.
//!
//! Strategy: times are worked out on the calendar of the person's zone, not by adding hours, so
//! a digest stays at 06:00 across clock changes (a day of 23 or 25 hours is still one day). The
//! next one is stored (`accounts.digest_due_at`) when the choice is made and after each one, so
//! the job only asks the database who is due.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// The local hour a digest is sent at.
pub const HOUR: i8 = 6;

/// How often a person wants a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Off,
    Daily,
    /// Every other day.
    Alternate,
    Weekly,
}

impl Frequency {
    pub const ALL: [Self; 4] = [Self::Off, Self::Daily, Self::Alternate, Self::Weekly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Daily => "daily",
            Self::Alternate => "alternate",
            Self::Weekly => "weekly",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Off => "No digest",
            Self::Daily => "Every day",
            Self::Alternate => "Every other day",
            Self::Weekly => "Once a week",
        }
    }

    /// Days between two digests.
    fn days(self) -> Option<i64> {
        match self {
            Self::Off => None,
            Self::Daily => Some(1),
            Self::Alternate => Some(2),
            Self::Weekly => Some(7),
        }
    }
}

/// The weekdays a weekly digest can come on, 1 = Monday.
pub const WEEKDAYS: [(i8, &str); 7] = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
];

/// 06:00 on `date` in `zone`, as Unix seconds. Should a clock change skip 06:00, the time
/// after the gap is taken.
fn at_six(date: Date, zone: &TimeZone) -> Option<i64> {
    date.at(HOUR, 0, 0, 0)
        .to_zoned(zone.clone())
        .ok()
        .map(|zoned| zoned.timestamp().as_second())
}

/// The first digest after `now` for someone who chose `frequency` (on `weekday`, 1 = Monday,
/// when weekly): the next 06:00 in `zone` (on that weekday). `None` when off.
pub fn first_due(now: i64, frequency: Frequency, weekday: i8, zone: &TimeZone) -> Option<i64> {
    frequency.days()?;
    let today = Timestamp::from_second(now)
        .ok()?
        .to_zoned(zone.clone())
        .date();
    (0..=8).find_map(|offset| {
        let date = today.checked_add(Span::new().days(offset)).ok()?;
        if frequency == Frequency::Weekly && date.weekday().to_monday_one_offset() != weekday {
            return None;
        }
        at_six(date, zone).filter(|at| *at > now)
    })
}

/// The digest after the one due at `due`: 06:00 in `zone` one, two or seven calendar days
/// later, and never at or before `now` (a server that was stopped skips the missed ones).
pub fn following(due: i64, now: i64, frequency: Frequency, zone: &TimeZone) -> Option<i64> {
    let days = frequency.days()?;
    let mut date = Timestamp::from_second(due)
        .ok()?
        .to_zoned(zone.clone())
        .date();
    loop {
        date = date.checked_add(Span::new().days(days)).ok()?;
        let at = at_six(date, zone)?;
        if at > now {
            return Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn unix(text: &str, zone_name: &str) -> i64 {
        let civil: jiff::civil::DateTime = text.parse().unwrap();
        civil
            .to_zoned(zone(zone_name))
            .unwrap()
            .timestamp()
            .as_second()
    }

    fn local(unix: i64, zone_name: &str) -> String {
        Timestamp::from_second(unix)
            .unwrap()
            .to_zoned(zone(zone_name))
            .strftime("%a %Y-%m-%d %H:%M")
            .to_string()
    }

    #[test]
    fn a_daily_digest_comes_at_six_in_the_persons_zone() {
        let now = unix("2026-12-07T05:59", "Europe/Berlin");
        let due = first_due(now, Frequency::Daily, 1, &zone("Europe/Berlin")).unwrap();
        assert_eq!(local(due, "Europe/Berlin"), "Mon 2026-12-07 06:00");
        let now = unix("2026-12-07T06:00", "Europe/Berlin");
        let due = first_due(now, Frequency::Daily, 1, &zone("Europe/Berlin")).unwrap();
        assert_eq!(local(due, "Europe/Berlin"), "Tue 2026-12-08 06:00");
        // The same instant is another day's morning elsewhere.
        let due = first_due(now, Frequency::Daily, 1, &zone("Pacific/Auckland")).unwrap();
        assert_eq!(local(due, "Pacific/Auckland"), "Tue 2026-12-08 06:00");
        assert_eq!(first_due(now, Frequency::Off, 1, &zone("UTC")), None);
    }

    #[test]
    fn a_weekly_digest_comes_on_the_chosen_day() {
        let now = unix("2026-12-07T07:00", "America/New_York"); // a Monday, after six
        let due = first_due(now, Frequency::Weekly, 1, &zone("America/New_York")).unwrap();
        assert_eq!(local(due, "America/New_York"), "Mon 2026-12-14 06:00");
        let due = first_due(now, Frequency::Weekly, 5, &zone("America/New_York")).unwrap();
        assert_eq!(local(due, "America/New_York"), "Fri 2026-12-11 06:00");
        let next = following(due, due, Frequency::Weekly, &zone("America/New_York")).unwrap();
        assert_eq!(local(next, "America/New_York"), "Fri 2026-12-18 06:00");
    }

    #[test]
    fn clock_changes_keep_the_digest_at_six() {
        // Europe/London springs forward on Sunday 29 March 2026 and falls back on 25 October.
        let london = zone("Europe/London");
        let saturday = unix("2026-03-28T06:00", "Europe/London");
        let sunday = following(saturday, saturday, Frequency::Daily, &london).unwrap();
        assert_eq!(local(sunday, "Europe/London"), "Sun 2026-03-29 06:00");
        assert_eq!(sunday - saturday, 23 * 3600);
        let monday = following(sunday, sunday, Frequency::Daily, &london).unwrap();
        assert_eq!(local(monday, "Europe/London"), "Mon 2026-03-30 06:00");
        assert_eq!(monday - sunday, 24 * 3600);
        let before = unix("2026-10-24T06:00", "Europe/London");
        let after = following(before, before, Frequency::Daily, &london).unwrap();
        assert_eq!(local(after, "Europe/London"), "Sun 2026-10-25 06:00");
        assert_eq!(after - before, 25 * 3600);
        // Every other day across the change, in a zone that changes on another date.
        let sydney = zone("Australia/Sydney");
        let friday = unix("2026-10-02T06:00", "Australia/Sydney");
        let sunday = following(friday, friday, Frequency::Alternate, &sydney).unwrap();
        assert_eq!(local(sunday, "Australia/Sydney"), "Sun 2026-10-04 06:00");
        assert_eq!(sunday - friday, 47 * 3600);
    }

    #[test]
    fn missed_digests_are_skipped_not_sent_in_a_burst() {
        let utc = TimeZone::UTC;
        let due = unix("2026-12-01T06:00", "UTC");
        let now = unix("2026-12-07T12:00", "UTC");
        let next = following(due, now, Frequency::Daily, &utc).unwrap();
        assert_eq!(local(next, "UTC"), "Tue 2026-12-08 06:00");
        let monday = unix("2026-11-23T06:00", "UTC");
        let next = following(monday, now, Frequency::Weekly, &utc).unwrap();
        assert_eq!(local(next, "UTC"), "Mon 2026-12-14 06:00");
    }
}
