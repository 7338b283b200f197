//! Business hours: when the human team answers. Sans-IO: the time comes in as an argument.

use serde::{Deserialize, Serialize};

use crate::Millis;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// Day names, Monday first.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Opening hours in one fixed UTC offset. No windows means always open.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hours {
    /// Minutes east of UTC (e.g. 60 for +01:00).
    pub offset_minutes: i32,
    /// Open windows.
    pub windows: Vec<Window>,
}

/// Open from `from` to `to` (minutes after local midnight, `from < to`) on the given days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Window {
    /// Days, as indexes into [`DAYS`] (0 = Monday).
    pub days: Vec<u8>,
    /// Opening minute of the day.
    pub from: u16,
    /// Closing minute of the day (exclusive).
    pub to: u16,
}

impl Hours {
    /// Whether the team is open at `now` (ms since the Unix epoch).
    pub fn is_open(&self, now: Millis) -> bool {
        if self.windows.is_empty() {
            return true;
        }
        let offset_ms = i64::from(self.offset_minutes) * 60_000;
        let local = i64::try_from(now)
            .unwrap_or(i64::MAX)
            .saturating_add(offset_ms)
            .max(0) as u64;
        // 1970-01-01 was a Thursday (index 3).
        let day = ((local / DAY_MS + 3) % 7) as u8;
        let minute = ((local % DAY_MS) / 60_000) as u16;
        self.windows
            .iter()
            .any(|w| w.days.contains(&day) && (w.from..w.to).contains(&minute))
    }
}

/// Parses `HH:MM` into minutes after midnight (`24:00` allowed as the end of the day).
pub fn parse_clock(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Parses `+HH:MM` / `-HH:MM` (at most 14:00) into minutes.
pub fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, s.get(1..)?),
        b'-' => (-1, s.get(1..)?),
        _ => return None,
    };
    let minutes = i32::from(parse_clock(rest)?);
    (minutes <= 14 * 60).then_some(sign * minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-23 is a Monday; 12:00 UTC that day (checked with Python's datetime).
    const MONDAY_NOON_UTC: Millis = 1_795_435_200_000;

    fn weekdays_9_to_5(offset_minutes: i32) -> Hours {
        Hours {
            offset_minutes,
            windows: vec![Window {
                days: vec![0, 1, 2, 3, 4],
                from: 9 * 60,
                to: 17 * 60,
            }],
        }
    }

    #[test]
    fn open_and_closed_by_day_time_and_offset() {
        assert!(weekdays_9_to_5(0).is_open(MONDAY_NOON_UTC));
        assert!(
            !weekdays_9_to_5(0).is_open(MONDAY_NOON_UTC + 6 * 3_600_000),
            "18:00 is closed"
        );
        assert!(
            !weekdays_9_to_5(0).is_open(MONDAY_NOON_UTC + 5 * 24 * 3_600_000),
            "Saturday is closed"
        );
        // Noon UTC is 22:00 in UTC+10: closed there.
        assert!(!weekdays_9_to_5(600).is_open(MONDAY_NOON_UTC));
        assert!(Hours::default().is_open(0), "no windows: always open");
    }

    #[test]
    fn parses_clocks_and_offsets() {
        assert_eq!(parse_clock("08:30"), Some(510));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("8:30"), None);
        assert_eq!(parse_offset("+01:00"), Some(60));
        assert_eq!(parse_offset("-05:30"), Some(-330));
        assert_eq!(parse_offset("+15:00"), None);
        assert_eq!(parse_offset("01:00"), None);
    }
}
