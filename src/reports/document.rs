//! The document model every report is rendered from: templates produce it (through a small
//! XHTML-like markup, see `markup.rs`), and three renderers turn it into PDF, XLSX and HTML.
//! Figures arrive already computed (by `domain/`); renderers only lay them out, so a total
//! is the same number in every format.

use chrono::NaiveDate;

/// A whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    /// The document's language, a BCP 47 tag such as `en` or `ru` (the PDF's `/Lang`).
    pub lang: String,
    /// Printed at the top of every page (e.g. project code, report name, period).
    pub header: String,
    /// Printed at the bottom of every page, left of "page X of Y".
    pub footer: String,
    /// Drawn across every page (e.g. "DRAFT: includes unapproved data").
    pub watermark: Option<String>,
    pub blocks: Vec<Block>,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            title: String::new(),
            lang: "en".into(),
            header: String::new(),
            footer: String::new(),
            watermark: None,
            blocks: Vec::new(),
        }
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
}

impl Cell {
    pub fn new(value: Value) -> Self {
        Cell { value, colspan: 1 }
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

/// The text every renderer shows for a value, so PDF, HTML and the XLSX cached results agree.
pub fn format(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(s) => s.clone(),
        Value::Number { value, decimals } => group_thousands(&format!("{value:.prec$}", prec = *decimals as usize)),
        Value::Money { minor, currency } => crate::domain::money::Money::new(*minor, currency.clone()).to_string(),
        Value::Percent(p) => format!("{p:.1} %"),
        Value::Date(d) => d.format("%d %b %Y").to_string(),
        Value::Status(s) => status_label(s).to_string(),
    }
}

/// Words for a status code.
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

/// `1234567.5` -> `1,234,567.5` (keeps the sign and the decimals).
fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
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
    }
}
