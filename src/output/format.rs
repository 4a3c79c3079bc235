//! Number formatting shared by every output: CSV cells and human-readable figures.

/// Formats a number for CSV: empty for NaN; whole numbers as integers; otherwise at most 12
/// significant digits (no float noise such as `133.20000000000002`), in the shortest form.
pub fn fmt_num(v: f64) -> String {
    let mut s = String::new();
    fmt_num_into(&mut s, v);
    s
}

/// [`fmt_num`] into `out` (cleared first), for writers that format millions of numbers.
pub fn fmt_num_into(out: &mut String, v: f64) {
    use std::fmt::Write;
    out.clear();
    if v.is_nan() {
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if v == v.trunc() && v.abs() < 1e15 {
        out.push_str(itoa::Buffer::new().format(v as i64));
        return;
    }
    let _ = write!(out, "{v:.11e}");
    let r: f64 = out.parse().unwrap_or(v);
    out.clear();
    if r.abs() >= 1e15 {
        let _ = write!(out, "{r:e}");
    } else {
        let _ = write!(out, "{r}");
    }
}

/// Appends [`fmt_num`] of `v` to `out`; `scratch` holds the text of numbers that are not whole.
/// For writers of millions of cells, most of them whole numbers.
pub fn push_num(out: &mut Vec<u8>, v: f64, scratch: &mut String) {
    if v == v.trunc() && v.abs() < 1e15 {
        out.extend_from_slice(itoa::Buffer::new().format(v as i64).as_bytes());
    } else {
        fmt_num_into(scratch, v);
        out.extend_from_slice(scratch.as_bytes());
    }
}

/// Formats a number with thousands separators and at most `decimals` decimals.
pub fn human(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        return "-".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map(|(a, b)| (a.to_string(), Some(b.to_string())))
        .unwrap_or((s.clone(), None));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && v.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A figure that is not a whole number, to 3 significant digits (trailing zeros dropped): the
/// one form every table and chart label gives it, so that a figure reads the same everywhere
/// (`0.325`, never `0.33` in one place and `0.325` in another).
pub fn sig3(v: f64) -> String {
    if !v.is_finite() || v == 0.0 {
        return human(v, 0);
    }
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = human(v, decimals);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sig3_gives_three_significant_digits() {
        assert_eq!(sig3(0.325), "0.325");
        assert_eq!(sig3(0.05), "0.05");
        assert_eq!(sig3(12.345), "12.3");
        assert_eq!(sig3(0.000_123_4), "0.000123");
        assert_eq!(sig3(-2.5), "-2.5");
        assert_eq!(sig3(0.99999), "1");
    }

    #[test]
    fn csv_numbers_carry_no_float_noise() {
        assert_eq!(fmt_num(133.20000000000002), "133.2");
        assert_eq!(fmt_num(554656.8999999999), "554656.9");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333333333");
        assert_eq!(fmt_num(2.5e-7), "0.00000025");
        assert_eq!(fmt_num(12_000_000.0), "12000000");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(f64::NAN), "");
        assert_eq!(fmt_num(1e300), "1e300");
    }
}
