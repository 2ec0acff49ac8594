//! The document model every report is rendered from: templates produce it (through a small
//! XHTML-like markup, see `markup.rs`), and three renderers turn it into PDF, XLSX and HTML.
//! Figures arrive already computed (by `domain/`); renderers only lay them out, so a total
//! is the same number in every format.

use chrono::NaiveDate;

/// A whole report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub title: String,
    /// Printed at the top of every page (e.g. project code, report name, period).
    pub header: String,
    /// Printed at the bottom of every page, left of "page X of Y".
    pub footer: String,
    /// Drawn across every page (e.g. "DRAFT: includes unapproved data").
    pub watermark: Option<String>,
    /// The report's language and how its numbers, dates, statuses and page labels are
    /// written (from the language's catalogue; English by default).
    pub locale: Locale,
    pub blocks: Vec<Block>,
}

/// How a language writes what the renderers format themselves: numbers, dates, status
/// words, "page X of Y". Filled from the language's catalogue (`report_templates/i18n/`),
/// so a translator adds a language without recompiling.
#[derive(Debug, Clone, PartialEq)]
pub struct Locale {
    /// BCP 47 language tag: `en`, `ru`, ... (the PDF's and workbook's document language).
    pub lang: String,
    /// Decimal separator (`.` in English, `,` in Russian).
    pub decimal: String,
    /// Thousands separator (`,` in English, a no-break space in Russian).
    pub group: String,
    /// chrono `strftime` pattern of a date (`%d %b %Y`, `%d.%m.%Y`).
    pub date_format: String,
    /// Excel number format of a date (`dd mmm yyyy`, `dd.mm.yyyy`).
    pub excel_date_format: String,
    /// The page label, with `{page}` and `{pages}` (`page {page} of {pages}`).
    pub page_label: String,
    /// Words of the indicator statuses, by code (`on_track` -> "On track").
    pub statuses: Vec<(String, String)>,
    /// What a table's group label gets on the pages its group continues on ("continued").
    pub continued: String,
}

impl Default for Locale {
    fn default() -> Self {
        Locale {
            lang: "en".into(),
            decimal: ".".into(),
            group: ",".into(),
            date_format: "%d %b %Y".into(),
            excel_date_format: "dd mmm yyyy".into(),
            page_label: "page {page} of {pages}".into(),
            statuses: [
                ("on_track", "On track"),
                ("needs_attention", "Needs attention"),
                ("off_track", "Off track"),
                ("no_data", "No data"),
                ("not_rated", "Not rated"),
            ]
            .iter()
            .map(|(c, w)| (c.to_string(), w.to_string()))
            .collect(),
            continued: "continued".into(),
        }
    }
}

impl Locale {
    /// Words for a status code (the code itself when the catalogue has none).
    pub fn status<'a>(&'a self, code: &'a str) -> &'a str {
        self.statuses.iter().find(|(c, _)| c == code).map_or(code, |(_, w)| w.as_str())
    }

    /// "page 2 of 7" in the report's language.
    pub fn page(&self, page: usize, pages: usize) -> String {
        self.page_label.replace("{page}", &page.to_string()).replace("{pages}", &pages.to_string())
    }

    /// A number with `decimals` decimals, grouped by thousands.
    pub fn number(&self, value: f64, decimals: u8) -> String {
        let s = format!("{value:.prec$}", prec = decimals as usize);
        let (sign, rest) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
        // "-0" and "-0.0" are zero.
        let sign = if rest.chars().all(|c| c == '0' || c == '.') { "" } else { sign };
        let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
        let mut out = String::with_capacity(s.len() + int.len() / 3 * self.group.len());
        out.push_str(sign);
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push_str(&self.group);
            }
            out.push(ch);
        }
        if let Some(f) = frac {
            out.push_str(&self.decimal);
            out.push_str(f);
        }
        out
    }

    /// Exact money: minor units shown with the currency's decimals and its code.
    pub fn money(&self, minor: i64, currency: &str) -> String {
        let exp = u32::from(crate::domain::money::minor_unit_exponent(currency).unwrap_or(2));
        let unit = 10_i128.pow(exp);
        let m = i128::from(minor);
        let (int, frac) = (m.abs() / unit, m.abs() % unit);
        let mut s = self.number(int as f64, 0);
        if minor < 0 {
            s.insert(0, '-');
        }
        if exp > 0 {
            s.push_str(&self.decimal);
            s.push_str(&format!("{frac:0w$}", w = exp as usize));
        }
        format!("{s} {currency}")
    }

    /// A percentage (45.5 means 45.5 %), one decimal.
    pub fn percent(&self, p: f64) -> String {
        format!("{} %", self.number(p, 1))
    }

    pub fn date(&self, d: NaiveDate) -> String {
        d.format(&self.date_format).to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Level 1 to 3.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Table(Table),
    /// Starts a new page; `landscape` sets the orientation of the pages that follow
    /// (`None` keeps the current one).
    PageBreak {
        landscape: Option<bool>,
    },
    BarChart(BarChart),
    /// The EU emblem (twelve gold stars on blue), drawn in vector, with its caption
    /// (e.g. "Funded by the European Union").
    EuEmblem {
        caption: String,
    },
}

/// A table. In XLSX each table is its own sheet, named `name`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Sheet name (at most 31 characters, unique within the document).
    pub name: String,
    /// Optional caption printed above the table.
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    /// Header rows, repeated at the top of every page (and frozen in XLSX).
    /// A single row of the column labels unless the template gives more (e.g. grouped
    /// headers like "2025-Q3: target / actual / % met").
    pub header: Vec<Vec<Cell>>,
    pub rows: Vec<Row>,
    /// Prefer landscape pages for this table (wide tables).
    pub landscape: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    /// Relative width; widths are shared out in proportion.
    pub width: f32,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowKind {
    /// A line of figures.
    #[default]
    Data,
    /// A section title inside the table (e.g. "Output 1.1"), usually one cell spanning all columns.
    Group,
    /// Sum of the `Data` rows since the previous `Group` or `Subtotal` row. Its money and
    /// number cells carry the computed sum; XLSX writes them as SUM formulas with that result.
    Subtotal,
    /// Sum of all `Data` rows of the table; same rule as `Subtotal`.
    Total,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    /// Columns this cell spans (1 for most).
    pub colspan: u16,
    /// How the figure follows from other cells of its row (`c2-c3`, `c3/c2`,
    /// `(c5-c2)/(c3-c2)`: `cN` is the row's N-th column, 1-based), so XLSX writes a
    /// formula with `value` as its cached result. PDF and HTML show `value`.
    pub calc: Option<String>,
}

impl Cell {
    pub fn new(value: Value) -> Self {
        Cell { value, colspan: 1, calc: None }
    }

    pub fn text(s: impl Into<String>) -> Self {
        Cell::new(Value::Text(s.into()))
    }
}

/// A typed cell value: renderers format each type the same way (see `format`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// A plain number shown with `decimals` decimals.
    Number {
        value: f64,
        decimals: u8,
    },
    /// Exact money: minor units and currency (ISO 4217).
    Money {
        minor: i64,
        currency: String,
    },
    /// A percentage in percent (45.5 means 45.5 %).
    Percent(f64),
    Date(NaiveDate),
    /// An indicator status (`on_track`, `needs_attention`, `off_track`, `no_data`, `not_rated`),
    /// shown in words and coloured.
    Status(String),
}

/// A horizontal bar chart: one bar per label, e.g. indicator % of target, delivery by output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BarChart {
    pub title: String,
    /// Unit shown after values, e.g. "%".
    pub unit: String,
    /// The axis maximum (default: the largest value, at least `reference`).
    pub max: Option<f64>,
    /// A reference line, e.g. 100 (% of target).
    pub reference: Option<f64>,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

/// The text every renderer shows for a value in English; see [`format_in`].
pub fn format(value: &Value) -> String {
    format_in(value, &Locale::default())
}

/// The text every renderer shows for a value in a language, so PDF, HTML and the XLSX
/// cached results agree.
pub fn format_in(value: &Value, locale: &Locale) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(s) => s.clone(),
        Value::Number { value, decimals } => locale.number(*value, *decimals),
        Value::Money { minor, currency } => locale.money(*minor, currency),
        Value::Percent(p) => locale.percent(*p),
        Value::Date(d) => locale.date(*d),
        Value::Status(s) => locale.status(s).to_string(),
    }
}

/// English words for a status code.
pub fn status_label(code: &str) -> &str {
    match code {
        "on_track" => "On track",
        "needs_attention" => "Needs attention",
        "off_track" => "Off track",
        "no_data" => "No data",
        "not_rated" => "Not rated",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_format_the_same_everywhere() {
        assert_eq!(format(&Value::Number { value: 3494.0, decimals: 0 }), "3,494");
        assert_eq!(format(&Value::Number { value: -1234.567, decimals: 2 }), "-1,234.57");
        assert_eq!(format(&Value::Money { minor: 20_800_000, currency: "USD".into() }), "208,000.00 USD");
        assert_eq!(format(&Value::Percent(47.5)), "47.5 %");
        assert_eq!(format(&Value::Date(NaiveDate::from_ymd_opt(2014, 6, 30).unwrap())), "30 Jun 2014");
        assert_eq!(format(&Value::Status("off_track".into())), "Off track");
        assert_eq!(format(&Value::Money { minor: -5, currency: "USD".into() }), "-0.05 USD");
        assert_eq!(format(&Value::Money { minor: 123_456, currency: "JPY".into() }), "123,456 JPY");
        assert_eq!(format(&Value::Number { value: -0.04, decimals: 1 }), "0.0");
    }

    #[test]
    fn russian_numbers_and_dates() {
        let ru = Locale {
            lang: "ru".into(),
            decimal: ",".into(),
            group: "\u{a0}".into(),
            date_format: "%d.%m.%Y".into(),
            ..Locale::default()
        };
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(
            format_in(&Value::Money { minor: 123_456_789, currency: "USD".into() }, &ru),
            "1\u{a0}234\u{a0}567,89 USD"
        );
        assert_eq!(format_in(&Value::Date(d), &ru), "01.07.2025");
        assert_eq!(format_in(&Value::Percent(100.0), &ru), "100,0 %");
    }
}
