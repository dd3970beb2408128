//! Dates as people read them: "22 November 2026 at 08:53 UTC". Written out in full (no
//! "22/11/26"), which screen readers read unambiguously in every locale.

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A Unix time (seconds) as a machine-readable UTC time, for `<time datetime>`.
pub fn iso_utc(unix: i64) -> String {
    let (year, month, day, seconds) = utc_date(unix);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// A Unix time (seconds) as a UTC date and time in words.
pub fn format_utc(unix: i64) -> String {
    let (year, month, day, seconds) = utc_date(unix);
    let month_name = MONTHS
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("");
    format!(
        "{day} {month_name} {year} at {:02}:{:02} UTC",
        seconds / 3600,
        seconds % 3600 / 60
    )
}

/// A Unix time (seconds) as the UTC (year, month, day, seconds into the day).
pub fn utc_date(unix: i64) -> (i64, i64, i64, i64) {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    (year, month, day, unix.rem_euclid(86_400))
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_read_in_full() {
        assert_eq!(format_utc(0), "1 January 1970 at 00:00 UTC");
        assert_eq!(format_utc(1_795_338_780), "22 November 2026 at 09:13 UTC");
        assert_eq!(format_utc(951_782_400), "29 February 2000 at 00:00 UTC");
        assert_eq!(format_utc(-86_400), "31 December 1969 at 00:00 UTC");
    }

    #[test]
    fn machine_readable_times_are_iso_8601_in_utc() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_795_338_781), "2026-11-22T09:13:01Z");
    }
}

/// Time zones by their IANA names ("Europe/London"), from the zone database built into Quorum,
/// so a server without one on disk (or a worker) still knows every zone.
pub mod zones {
    use jiff::Timestamp;
    use jiff::civil::DateTime;
    use jiff::tz::TimeZone;

    /// The zone called `name`, if there is one.
    pub fn zone(name: &str) -> Option<TimeZone> {
        if name == "UTC" {
            return Some(TimeZone::UTC);
        }
        jiff::tz::db().get(name).ok()
    }

    /// Every zone's name, UTC first and the rest in alphabetical order.
    pub fn names() -> Vec<String> {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.to_string())
            .filter(|name| name.contains('/') && !name.starts_with("Etc/"))
            .collect();
        names.sort();
        names.dedup();
        names.insert(0, "UTC".to_string());
        names
    }

    /// A `datetime-local` value ("2026-12-03T10:00") read in `zone`, as a Unix time. A time that
    /// does not exist (skipped by a clock change) moves forward, as people expect; an ambiguous
    /// one takes the earlier instant.
    pub fn local_to_unix(value: &str, zone: &TimeZone) -> Option<i64> {
        let civil: DateTime = value.trim().parse().ok()?;
        let zoned = civil.to_zoned(zone.clone()).ok()?;
        Some(zoned.timestamp().as_second())
    }

    /// A Unix time as a `datetime-local` value in `zone`, to put back in a form.
    pub fn unix_to_local_input(unix: i64, zone: &TimeZone) -> String {
        Timestamp::from_second(unix)
            .map(|t| {
                t.to_zoned(zone.clone())
                    .strftime("%Y-%m-%dT%H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// A Unix time in words in `zone`: "Thursday 3 December 2026 at 10:00 (Europe/London)".
    pub fn format_in_zone(unix: i64, zone: &TimeZone) -> String {
        let name = zone.iana_name().unwrap_or("UTC");
        Timestamp::from_second(unix)
            .map(|t| {
                format!(
                    "{} ({name})",
                    t.to_zoned(zone.clone()).strftime("%A %-d %B %Y at %H:%M")
                )
            })
            .unwrap_or_default()
    }

    /// A shorter form for tables and option names: "Thu 3 Dec 2026, 10:00".
    pub fn format_short_in_zone(unix: i64, zone: &TimeZone) -> String {
        Timestamp::from_second(unix)
            .map(|t| {
                t.to_zoned(zone.clone())
                    .strftime("%a %-d %b %Y, %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn local_times_follow_the_zone_and_its_clock_changes() {
            let london = zone("Europe/London").unwrap();
            // Winter: London is UTC.
            assert_eq!(
                local_to_unix("2026-12-03T10:00", &london),
                Some(1_796_292_000)
            );
            // Summer: London is an hour ahead of UTC.
            assert_eq!(
                local_to_unix("2026-07-03T10:00", &london),
                Some(1_783_069_200)
            );
            assert_eq!(
                unix_to_local_input(1_783_069_200, &london),
                "2026-07-03T10:00"
            );
            assert_eq!(
                format_in_zone(1_796_292_000, &zone("Asia/Tokyo").unwrap()),
                "Thursday 3 December 2026 at 19:00 (Asia/Tokyo)"
            );
            assert_eq!(local_to_unix("tomorrow", &london), None);
            assert!(zone("Mars/Olympus").is_none());
            let names = names();
            assert_eq!(names.first().map(String::as_str), Some("UTC"));
            assert!(names.iter().any(|n| n == "America/Argentina/Buenos_Aires"));
        }
    }
}
