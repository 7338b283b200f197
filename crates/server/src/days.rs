//! Calendar arithmetic on [`Millis`]: UTC days, their start and their date. The review's
//! figures and the drift alerts count by these days.

use baton_core::Millis;

/// One day in ms.
pub const DAY: Millis = 24 * 3600 * 1000;

/// The UTC midnight at or before `at`.
pub fn day_of(at: Millis) -> Millis {
    at - at % DAY
}

/// `YYYY-MM-DD` (UTC) of a time, by the days-from-civil inverse (Howard Hinnant's algorithm).
pub fn date(at: Millis) -> String {
    let days = (at / DAY) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
