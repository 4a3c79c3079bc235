//! Calendar dates of scenario files (`start_date`): parsing and adding days, for chart axes.

/// Parses `YYYY-MM-DD` (optionally followed by a time) into (year, month, day).
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let d = s.get(..10)?;
    let mut it = d.split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let dd: u32 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
        return None;
    }
    Some((y, m, dd))
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a number of days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// `start` (YYYY-MM-DD) plus `days`, as YYYY-MM-DD; None if `start` is not a date.
pub fn date_plus_days(start: &str, days: i64) -> Option<String> {
    let (y, m, d) = parse_date(start)?;
    let (y, m, d) = civil_from_days(days_from_civil(y, m, d) + days);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_add_days_across_months_and_leap_years() {
        assert_eq!(
            date_plus_days("2022-06-17", 0).as_deref(),
            Some("2022-06-17")
        );
        assert_eq!(
            date_plus_days("2022-06-17", 120).as_deref(),
            Some("2022-10-15")
        );
        assert_eq!(
            date_plus_days("2020-02-28", 1).as_deref(),
            Some("2020-02-29")
        );
        assert_eq!(
            date_plus_days("2021-12-31", 1).as_deref(),
            Some("2022-01-01")
        );
    }
}
