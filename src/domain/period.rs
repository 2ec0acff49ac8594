//! Reporting periods. The calendar quarter is the unit of entry (`2025-Q3`); years and the
//! life of project are computed from quarters, never stored twice.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter, e.g. `2025-Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub q: u8,
}

impl Quarter {
    pub fn new(year: i32, q: u8) -> Option<Self> {
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// The quarter a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Quarter { year: date.year(), q: ((date.month() - 1) / 3 + 1) as u8 }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q) * 3 - 2, 1).expect("valid quarter")
    }

    pub fn end(self) -> NaiveDate {
        self.next().start().pred_opt().expect("date after minimum")
    }

    pub fn next(self) -> Self {
        if self.q == 4 { Quarter { year: self.year + 1, q: 1 } } else { Quarter { year: self.year, q: self.q + 1 } }
    }

    pub fn prev(self) -> Self {
        if self.q == 1 { Quarter { year: self.year - 1, q: 4 } } else { Quarter { year: self.year, q: self.q - 1 } }
    }

    /// Every quarter from `self` to `last`, both included (empty when `last` is earlier).
    pub fn through(self, last: Quarter) -> impl Iterator<Item = Quarter> {
        std::iter::successors(Some(self), |q| Some(q.next())).take_while(move |q| *q <= last)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

/// A period a target (and later a report) can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Quarter(Quarter),
    Year(i32),
    /// The whole life of the project; its dates are the project's.
    LifeOfProject,
}

/// Why a period string was rejected; the message is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const FORMAT_HINT: &str = "expected a quarter like 2025-Q3, a year like 2025, or LOP";

fn parse_year(s: &str) -> Result<i32, PeriodError> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError(format!("`{s}` is not a period: {FORMAT_HINT}")));
    }
    let year: i32 = s.parse().expect("four digits");
    if !(1900..=2200).contains(&year) {
        return Err(PeriodError(format!("year {year} is out of range 1900-2200")));
    }
    Ok(year)
}

impl FromStr for Quarter {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (y, q) = s
            .split_once(['-', ' '])
            .ok_or_else(|| PeriodError(format!("`{s}` is not a quarter: expected e.g. 2025-Q3")))?;
        let year = parse_year(y)?;
        let q = q.strip_prefix(['Q', 'q']).unwrap_or("");
        match q {
            "1" | "2" | "3" | "4" => Ok(Quarter { year, q: q.parse().expect("digit") }),
            _ => Err(PeriodError(format!("`{s}` is not a quarter: expected e.g. 2025-Q3"))),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("lop") || t.eq_ignore_ascii_case("life") {
            return Ok(Period::LifeOfProject);
        }
        if t.contains(['-', ' ']) {
            return t.parse().map(Period::Quarter);
        }
        parse_year(t).map(Period::Year)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter(q) => q.fmt(f),
            Period::Year(y) => write!(f, "{y}"),
            Period::LifeOfProject => f.write_str("LOP"),
        }
    }
}

impl Period {
    /// First and last day, given the project's dates (which bound the life of project).
    pub fn dates(self, project_start: NaiveDate, project_end: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Period::Quarter(q) => (q.start(), q.end()),
            Period::Year(y) => (
                NaiveDate::from_ymd_opt(y, 1, 1).expect("valid year"),
                NaiveDate::from_ymd_opt(y, 12, 31).expect("valid year"),
            ),
            Period::LifeOfProject => (project_start, project_end),
        }
    }

    /// A period belongs to a project when it overlaps the project's dates (a project may
    /// start in the middle of a quarter or a year).
    pub fn overlaps(self, project_start: NaiveDate, project_end: NaiveDate) -> bool {
        let (s, e) = self.dates(project_start, project_end);
        s <= project_end && e >= project_start
    }

    /// Sort key: quarters of a year, then the year, then life of project.
    pub fn sort_key(self) -> (i32, u8) {
        match self {
            Period::Quarter(q) => (q.year, q.q),
            Period::Year(y) => (y, 5),
            Period::LifeOfProject => (i32::MAX, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_and_formats_the_three_kinds() {
        for s in ["2025-Q3", "2025", "LOP"] {
            assert_eq!(s.parse::<Period>().unwrap().to_string(), s);
        }
        assert_eq!("2025-q1".parse::<Period>().unwrap().to_string(), "2025-Q1");
        assert_eq!("life".parse::<Period>().unwrap(), Period::LifeOfProject);
    }

    #[test]
    fn rejects_bad_periods_with_a_reason() {
        for s in ["2025-Q5", "2025-Q0", "25-Q1", "Q3", "", "2025-03", "abcd", "1800"] {
            let err = s.parse::<Period>().unwrap_err();
            assert!(!err.0.is_empty(), "{s}");
        }
    }

    #[test]
    fn quarter_ranges_cover_the_calendar() {
        let q = Quarter::new(2024, 1).unwrap();
        assert_eq!((q.start(), q.end()), (d(2024, 1, 1), d(2024, 3, 31)));
        let q4 = Quarter::new(2024, 4).unwrap();
        assert_eq!((q4.start(), q4.end()), (d(2024, 10, 1), d(2024, 12, 31)));
        assert_eq!(Quarter::of(d(2024, 8, 15)), Quarter::new(2024, 3).unwrap());
        assert_eq!(Quarter::of(d(2024, 12, 31)), q4);
        assert_eq!(q4.next(), Quarter::new(2025, 1).unwrap());
        assert_eq!(q.prev(), Quarter::new(2023, 4).unwrap());
    }

    #[test]
    fn through_lists_quarters_in_order() {
        let from: Quarter = "2024-Q3".parse().unwrap();
        let to: Quarter = "2025-Q2".parse().unwrap();
        let all: Vec<String> = from.through(to).map(|q| q.to_string()).collect();
        assert_eq!(all, ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]);
        assert_eq!(to.through(from).count(), 0);
    }

    #[test]
    fn overlap_with_project_dates() {
        let (s, e) = (d(2013, 1, 1), d(2014, 12, 31));
        assert!(Period::Year(2013).overlaps(s, e));
        assert!(!Period::Year(2015).overlaps(s, e));
        assert!(!"2012-Q4".parse::<Period>().unwrap().overlaps(s, e));
        assert!("2014-Q4".parse::<Period>().unwrap().overlaps(s, e));
        // A project starting mid-quarter still reports on that quarter.
        assert!("2013-Q1".parse::<Period>().unwrap().overlaps(d(2013, 2, 15), e));
        assert!(Period::LifeOfProject.overlaps(s, e));
    }

    #[test]
    fn sort_key_puts_quarters_before_their_year_and_lop_last() {
        let mut ps: Vec<Period> =
            ["LOP", "2014", "2013-Q2", "2013", "2014-Q1"].iter().map(|s| s.parse().unwrap()).collect();
        ps.sort_by_key(|p| p.sort_key());
        let out: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        assert_eq!(out, ["2013-Q2", "2013", "2014-Q1", "2014", "LOP"]);
    }
}
