//! Money is exact: an integer amount of minor units (cents) and an ISO 4217 currency.

use std::fmt;

/// Active ISO 4217 codes with their minor-unit exponent. Kept as data so a currency the
/// projects meet (UZS, KZT, UAH, ...) is known without a dependency.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// The largest amount one record may hold, either way: 10^15 minor units (10 trillion in a
/// currency with cents). Every `*_minor` field of the API is bounded by it.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// The most a project's records of one kind may add up to (the absolute values of all its
/// budget lines, of all its expenditures, of all its receipts): 10^18 minor units. Any sum a
/// view computes is part of one of these totals or the difference of two, so it fits an
/// `i64` (9.2 x 10^18) and never wraps.
pub const MAX_TOTAL_MINOR: i64 = 1_000 * MAX_AMOUNT_MINOR;

/// Why `minor` may not be an amount, if it may not.
pub fn amount_problem(minor: i128) -> Option<String> {
    (minor.unsigned_abs() > MAX_AMOUNT_MINOR as u128)
        .then(|| format!("at most {} minor units (10^15) either way", format_minor(MAX_AMOUNT_MINOR, 0)))
}

/// The number of decimals of a currency's minor unit, or `None` for an unknown code.
pub fn minor_unit_exponent(code: &str) -> Option<u8> {
    CURRENCIES.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| CURRENCIES[i].1)
}

pub fn is_known_currency(code: &str) -> bool {
    minor_unit_exponent(code).is_some()
}

/// An exact amount in a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: impl Into<String>) -> Self {
        Money { minor, currency: currency.into() }
    }
}

impl fmt::Display for Money {
    /// `293,333.00 USD`: grouped thousands, the currency's own number of decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exp = u32::from(minor_unit_exponent(&self.currency).unwrap_or(2));
        write!(f, "{} {}", format_minor(self.minor, exp), self.currency)
    }
}

/// Formats minor units with `exp` decimals and comma-grouped thousands, e.g. `-1,234.50`.
pub fn format_minor(minor: i64, exp: u32) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let unit = 10u64.pow(exp);
    let (major, frac) = (abs / unit, abs % unit);
    let digits = major.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if exp == 0 { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac:0width$}", width = exp as usize) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_table_is_sorted_so_lookup_works() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(minor_unit_exponent("USD"), Some(2));
        assert_eq!(minor_unit_exponent("JPY"), Some(0));
        assert_eq!(minor_unit_exponent("KWD"), Some(3));
        assert!(is_known_currency("UZS") && is_known_currency("KZT") && is_known_currency("EUR"));
        assert!(!is_known_currency("usd") && !is_known_currency("XXX") && !is_known_currency(""));
    }

    #[test]
    fn formats_exact_amounts() {
        assert_eq!(Money::new(29_333_300, "USD").to_string(), "293,333.00 USD");
        assert_eq!(Money::new(-150, "EUR").to_string(), "-1.50 EUR");
        assert_eq!(Money::new(5, "USD").to_string(), "0.05 USD");
        assert_eq!(Money::new(1_000_000, "JPY").to_string(), "1,000,000 JPY");
        assert_eq!(format_minor(i64::MIN, 2), "-92,233,720,368,547,758.08");
    }

    #[test]
    fn amounts_are_bounded() {
        assert_eq!(amount_problem(MAX_AMOUNT_MINOR.into()), None);
        assert_eq!(amount_problem((-MAX_AMOUNT_MINOR).into()), None);
        assert!(amount_problem(i128::from(MAX_AMOUNT_MINOR) + 1).unwrap().contains("1,000,000,000,000,000"));
        assert!(amount_problem(i64::MAX.into()).is_some() && amount_problem(i64::MIN.into()).is_some());
        assert!(i128::from(MAX_TOTAL_MINOR) * 2 + i128::from(MAX_AMOUNT_MINOR) < i128::from(i64::MAX));
    }
}
