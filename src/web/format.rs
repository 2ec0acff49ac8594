//! How the pages write numbers, money and statuses.

use crate::domain::progress::{ActualStatus, Status};

/// Percent-encodes a query-string value.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Groups thousands: `1234567` -> `1,234,567`.
fn group(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as people read it: whole numbers without decimals, others with up to two.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let neg = v < 0.0;
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = if neg { "-".to_string() } else { String::new() };
    out.push_str(&group(int));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A number as typed back into an input (no grouping, so it parses again).
pub fn raw(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

#[allow(dead_code)] // English only: the part-2 pages use it until they are converted to `web::i18n`.
pub fn opt_num(v: Option<f64>) -> String {
    v.map(num).unwrap_or_else(|| "–".into())
}

/// Money in minor units as whole units of the currency: `USD 1,234`.
#[allow(dead_code)] // English only: the part-2 pages use it until they are converted to `web::i18n`.
pub fn money(minor: i64, currency: &str) -> String {
    let whole = (minor as f64 / 100.0).round() as i64;
    let sign = if whole < 0 { "-" } else { "" };
    format!("{currency} {sign}{}", group(&whole.unsigned_abs().to_string()))
}

#[allow(dead_code)] // English only: the part-2 pages use it until they are converted to `web::i18n`.
pub fn percent(v: Option<f64>) -> String {
    v.map(|p| format!("{} %", num((p * 10.0).round() / 10.0))).unwrap_or_else(|| "–".into())
}

/// A link target that is safe to put in `href`: only http(s) URLs (a stored `javascript:`
/// URL would run in the reader's page when clicked).
pub fn safe_link(url: Option<&str>) -> Option<String> {
    let u = url?.trim();
    let lower = u.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| u.to_string())
}

#[allow(dead_code)] // English only: the part-2 pages use it until they are converted to `web::i18n`.
pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::OnTrack => "On track",
        Status::NeedsAttention => "Needs attention",
        Status::OffTrack => "Off track",
        Status::NoData => "No data",
        Status::NotRated => "Not rated",
    }
}

#[allow(dead_code)] // English only: the part-2 pages use it until they are converted to `web::i18n`.
pub fn actual_status_label(s: ActualStatus) -> &'static str {
    match s {
        ActualStatus::Draft => "Draft",
        ActualStatus::Submitted => "Submitted",
        ActualStatus::Approved => "Approved",
        ActualStatus::Returned => "Returned",
    }
}

/// A role's name in the page's language (`role-coordinator`; `None`, an administrator, is
/// `role-admin`): the words of the dashboard's "Your role".
pub fn role_label(c: &super::i18n::Catalogue, r: Option<crate::domain::access::Role>) -> String {
    c.tr(&format!("role-{}", r.map_or("admin", |r| r.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_money_read_naturally() {
        assert_eq!(num(1234567.0), "1,234,567");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(-0.333), "-0.33");
        assert_eq!(num(100.0), "100");
        assert_eq!(raw(30.0), "30");
        assert_eq!(raw(2.5), "2.5");
        assert_eq!(money(29_333_300, "USD"), "USD 293,333");
        assert_eq!(percent(Some(87.456)), "87.5 %");
        assert_eq!(url_encode("/projects/KAZ-HUB?x=1&y"), "/projects/KAZ-HUB%3Fx%3D1%26y");
    }

    #[test]
    fn only_web_links_are_linked() {
        assert_eq!(safe_link(Some("https://x.org/a.pdf")).as_deref(), Some("https://x.org/a.pdf"));
        assert_eq!(safe_link(Some("HTTP://x.org")).as_deref(), Some("HTTP://x.org"));
        assert_eq!(safe_link(Some("javascript:alert(1)")), None);
        assert_eq!(safe_link(Some(" JavaScript:alert(1)")), None);
        assert_eq!(safe_link(Some("data:text/html,x")), None);
        assert_eq!(safe_link(None), None);
    }
}
