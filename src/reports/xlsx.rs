//! XLSX renderer (rust_xlsxwriter): the document model as a workbook a finance officer can
//! work with, not a picture of the PDF.
//!
//! Layout:
//! - sheet `Report` first: title, header line, headings, paragraphs, lists (one item a row),
//!   a link to the sheet of each table, each bar chart as a small table plus a native Excel
//!   bar chart, and the EU emblem caption (bold, yellow on EU blue);
//! - then one sheet per [`Block::Table`], named after `Table.name` (made valid and unique, see
//!   [`sheet_names`]): caption, header rows, then the rows.
//!
//! Cells are typed: numbers (`#,##0`, `#,##0.00`, ... as many decimals as the cell's
//! `decimals`: an exchange rate is a `number` cell with 4 to 6 decimals), money as a number in
//! major units with the currency's own decimals and its code in the number format
//! (`#,##0.00 "USD"`), percentages as fractions (`0.0%`), dates as Excel dates in the language's
//! date format (`Locale.excel_date_format`: `dd mmm yyyy`, `dd.mm.yyyy`), statuses as their words
//! in the report's language (`Locale.status`), coloured by conditional formatting (on track
//! green, needs attention amber, off track red). No figure is written as text.
//!
//! Formulas, each with the document's figure as its cached result (a viewer that does not
//! recalculate shows what the PDF shows), each checked against the figure before it is written:
//! - the money and number cells of `Subtotal` and `Total` rows are `SUM` formulas over the rows
//!   they add up (see [`Totals`] for the ranges); the sum must equal the figure to the minor unit
//!   for money ([`RenderError::InconsistentTotal`] otherwise);
//! - a cell with a `calc` (`c3-c4`, `c4/c3`, `(c5-c2)/(c3-c2)`) is that expression over the same
//!   sheet row (`=C5-D5`), on any row kind; see [`calc`] for the convention (the expression works
//!   on the sheet's values, so a percentage's calc yields the fraction: `c4/c3`, not `c4/c3*100`).
//!   Evaluated on the row's own values it must give the figure: to the minor unit for money, to
//!   half the last shown decimal for numbers and percentages (0.05 % at one decimal); otherwise
//!   [`RenderError::InconsistentCalc`]. A money calc that multiplies or divides is rounded to the
//!   currency's decimals (`ROUND(...,2)`). A calc cell the document leaves empty (e.g. a % spent
//!   of a zero budget) must evaluate to an error or name an empty cell: it is written
//!   `IFERROR(...,"")`, or `IF(C5="","",...)` naming the empty cells, with "" as cached result;
//! - a percentage of a subtotal or total row without a calc of its own takes the calc its data
//!   rows share (the delivery % of a total is `=D25/C25`, not an average), when that formula gives
//!   the total row's figure; otherwise it stays a value.
//!
//! Table sheets: header rows bold on a blue fill and frozen, an autofilter on the last header
//! row down to the last row that is not a closing total, group rows bold and shaded, total rows
//! bold with a top border, a cell spanning columns merged. Every sheet prints on A4, landscape
//! when `Table.landscape`, one page wide, header rows repeated on every page, `doc.header` top
//! left, `doc.footer` bottom left and the language's "page X of Y" (`Locale.page_label`, as
//! Excel's `&P` / `&N` codes) bottom right. The workbook's title, subject and language
//! (`dc:language`, from `Locale.lang`) are set in its document properties.
//!
//! Column widths are fitted to what each column shows ([`measure`]: Excel's width unit, the
//! digit `0` of Calibri 11): a money, number, percent or date column is at least as wide as its
//! widest formatted figure (bold in total rows), so nothing shows `###`, and as its header's
//! longest word; a header label of up to [`HEADER_ONE_LINE`] units stays on one line. A text
//! column is as wide as its longest text, at most 1.5 times its share of the relative widths
//! (`Column.width`) but at least 24 and at most 60 units, and wraps. Every row whose text wraps
//! (body, group, total and header rows, paragraphs and list items of the Report sheet) gets the
//! height of its lines (15 pt a line), estimated by wrapping the text at spaces in the column's
//! width ([`measure::wrapped_lines`]), so no text is cut or overlaps.
//!
//! The watermark (`doc.watermark`, e.g. "DRAFT: includes unapproved data") is the first row of
//! every sheet in red bold, the right of every printed page header in red bold (the centre would
//! collide with a long `doc.header` on portrait pages), and every sheet
//! tab is red.
//!
//! Known limits: the orientation of a `PageBreak` does not apply (one orientation per sheet:
//! the Report sheet is portrait); a chart's reference line is written as a note under its table,
//! not drawn; sorting a table body with merged group rows is refused by Excel (filtering works);
//! row heights are estimates from Calibri's widths (a viewer with another font may wrap a word
//! earlier or later).

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormatCell, ConditionalFormatCellRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet, column_number_to_name, quote_sheet_name,
};

use super::document::{Align, BarChart, Block, Cell, Document, Locale, Row, RowKind, Table, Value, format_in};
use crate::domain::money::minor_unit_exponent;

pub mod calc;
pub mod measure;

use calc::{Calc, EvalError};

/// The name of the first sheet (the running text of the report).
pub const REPORT_SHEET: &str = "Report";

/// Excel's limits: characters in a formula, arguments of a function, characters in a cell.
const MAX_FORMULA_LEN: usize = 8_192;
const MAX_FUNCTION_ARGS: usize = 255;
const MAX_CELL_TEXT: usize = 32_767;
/// Excel's limit for a sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;
/// Excel's limit for each of the page header and footer strings, in UTF-16 units.
const MAX_HEADER_FOOTER: usize = 255;
/// The deflate level of the package (see [`render`]).
const ZIP_LEVEL: u8 = 4;
/// A4 in Excel's paper codes.
const PAPER_A4: u8 = 9;
/// The height of a line of Calibri 11, in points (Excel's default row height).
pub const LINE_HEIGHT: f64 = 15.0;
/// A header label up to this wide (in [`measure`] units) widens its column to stay on one line.
pub const HEADER_ONE_LINE: f64 = 14.0;
/// A text column is at most 1.5 times its share of the relative widths, but never capped
/// below `TEXT_MIN_CAP` (an account label such as "72100 Contractual services" stays on one
/// line) nor above `TEXT_MAX_CAP` units (longer text wraps).
const TEXT_MIN_CAP: f64 = 24.0;
const TEXT_MAX_CAP: f64 = 60.0;
/// Room added to the widest content of a column: the cell's margins, and a little slack for a
/// viewer whose font is a bit wider than Calibri.
const WIDTH_PADDING: f64 = 1.6;
/// Excel's widest column.
const MAX_COLUMN_WIDTH: f64 = 255.0;
/// Excel's highest row, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// rust_xlsxwriter refused something (a limit of the format, e.g. more than 1 048 576 rows).
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A subtotal or total figure is not the sum of the rows it stands for, so its `SUM` formula
    /// would show a different figure once recalculated. A bug in the template or the figures.
    #[error("table {table:?}, row {row}, column {column}: {message}")]
    InconsistentTotal {
        table: String,
        /// Index into `Table.rows` (0-based).
        row: usize,
        /// Column (0-based).
        column: usize,
        message: String,
    },
    /// A cell's `calc`, evaluated on its row, does not give the cell's figure, so its formula
    /// would show a different figure once recalculated. A bug in the template or the figures.
    #[error("table {table:?}, row {row}, column {column}: calc `{calc}`: {message}")]
    InconsistentCalc {
        table: String,
        /// Index into `Table.rows` (0-based).
        row: usize,
        /// Column (0-based).
        column: usize,
        calc: String,
        message: String,
    },
}

/// Renders the document as an XLSX workbook (the file's bytes).
pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    // Deflate level 4 instead of the default 6: a quarter less compressing time (the largest
    // part of writing a big workbook) for a file under 1 % larger (measured on the 70 000-cell
    // synthetic workbook of `benches/xlsx.rs`: 754 KB instead of 748 KB).
    workbook.set_zip_compression_level(ZIP_LEVEL);
    workbook.set_properties(&DocProperties::new().set_title(doc.title.as_str()).set_subject(doc.header.as_str()));

    let tables: Vec<&Table> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    let names = sheet_names(tables.iter().map(|t| t.name.as_str()));
    let mut styles = Styles::new(&doc.locale);

    let sheet = workbook.add_worksheet();
    sheet.set_name(REPORT_SHEET)?;
    write_report_sheet(sheet, doc, &names, &mut styles)?;

    for (table, name) in tables.iter().zip(&names) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name.as_str())?;
        write_table_sheet(sheet, doc, table, &mut styles)?;
    }
    Ok(set_language(workbook.save_to_buffer()?, &doc.locale.lang))
}

/// Adds the document language (`<dc:language>`) to the workbook's core properties, which
/// rust_xlsxwriter does not write: every other part is copied as it is (still compressed), the
/// core properties are rewritten. A tag that is not a plain BCP 47 tag is left out.
fn set_language(bytes: Vec<u8>, lang: &str) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    const CORE: &str = "docProps/core.xml";
    if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return bytes;
    }
    let rewrite = || -> zip::result::ZipResult<Vec<u8>> {
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes))?;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 64)));
        for i in 0..archive.len() {
            let name = archive.by_index_raw(i)?.name()?.to_string();
            if name != CORE {
                out.raw_copy_file(archive.by_index_raw(i)?)?;
                continue;
            }
            let mut xml = String::new();
            archive.by_index(i)?.read_to_string(&mut xml)?;
            let tag = format!("<dc:language>{lang}</dc:language>");
            let xml = match xml.find("</cp:coreProperties>") {
                Some(end) if !xml.contains("<dc:language>") => format!("{}{tag}{}", &xml[..end], &xml[end..]),
                _ => xml,
            };
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(zip::DateTime::default());
            out.start_file(CORE, options)?;
            out.write_all(xml.as_bytes())?;
        }
        Ok(out.finish()?.into_inner())
    };
    // The package was just written by rust_xlsxwriter: reading it back cannot fail short of a
    // bug; keep the workbook without the language then.
    rewrite().unwrap_or(bytes)
}

// ---------------------------------------------------------------------------------------------
// Sheet names
// ---------------------------------------------------------------------------------------------

/// Valid, unique sheet names for the tables, in order: characters Excel forbids (`[]:*?/\`)
/// replaced, no leading or trailing apostrophe, at most 31 characters (UTF-16 units), unique
/// without regard to case (as Excel compares them) and never `Report` (the first sheet) or
/// `History` (reserved by Excel): a clash gets " (2)", " (3)", ... An empty name becomes "Table".
pub fn sheet_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: HashSet<String> = [REPORT_SHEET.to_lowercase(), "history".to_string()].into_iter().collect();
    let mut out = Vec::new();
    for raw in names {
        let cleaned: String = raw
            .chars()
            .map(|c| match c {
                '/' | '\\' | ':' => '-',
                '[' => '(',
                ']' => ')',
                '*' | '?' => '_',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        let base = trim_sheet_name(&cleaned);
        let base = if base.is_empty() { "Table".to_string() } else { base };
        let mut candidate = truncate_sheet_name(&base, MAX_SHEET_NAME);
        let mut n = 2;
        while used.contains(&candidate.to_lowercase()) {
            let suffix = format!(" ({n})");
            candidate = format!("{}{suffix}", truncate_sheet_name(&base, MAX_SHEET_NAME - suffix.len()));
            n += 1;
        }
        used.insert(candidate.to_lowercase());
        out.push(candidate);
    }
    out
}

fn trim_sheet_name(s: &str) -> String {
    s.trim_matches(|c: char| c == '\'' || c.is_whitespace()).to_string()
}

/// The longest prefix of `s` of at most `max` UTF-16 units, trimmed again (a cut may leave a
/// trailing space or apostrophe).
fn truncate_sheet_name(s: &str, max: usize) -> String {
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            break;
        }
        end = i + c.len_utf8();
    }
    trim_sheet_name(&s[..end])
}

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

/// What a cell is, for its format.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Header,
    Data,
    Group,
    Subtotal,
    Total,
}

impl From<RowKind> for Role {
    fn from(kind: RowKind) -> Self {
        match kind {
            RowKind::Data => Role::Data,
            RowKind::Group => Role::Group,
            RowKind::Subtotal => Role::Subtotal,
            RowKind::Total => Role::Total,
        }
    }
}

/// The number format a value needs. Money holds an index into `Styles::currencies`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum NumKind {
    Text,
    Number(u8),
    Money(u16),
    Percent,
    Date,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct StyleKey {
    role: Role,
    kind: NumKind,
    /// `Align` as a number (the document's type does not derive `Hash`).
    align: u8,
}

/// Every format the workbook uses, built once; cell formats are built on first use.
struct Styles {
    cells: HashMap<StyleKey, Format>,
    currencies: Vec<String>,
    /// The Excel number format of a date in the report's language.
    date_format: String,
    watermark: Format,
    title: Format,
    subtitle: Format,
    headings: [Format; 3],
    paragraph: Format,
    list_item: Format,
    link: Format,
    caption: Format,
    emblem: Format,
    note: Format,
    chart_title: Format,
}

const HEADER_FILL: &str = "D9E1F2";
const GROUP_FILL: &str = "EDEDED";
const EU_BLUE: &str = "003399";
const EU_YELLOW: &str = "FFCC00";

impl Styles {
    fn new(locale: &Locale) -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        let date_format = match locale.excel_date_format.trim() {
            "" => Locale::default().excel_date_format,
            f => f.to_string(),
        };
        Styles {
            cells: HashMap::new(),
            currencies: Vec::new(),
            date_format,
            watermark: Format::new().set_bold().set_font_size(14).set_font_color("C00000"),
            title: Format::new().set_bold().set_font_size(18),
            subtitle: Format::new().set_italic().set_font_color("595959"),
            headings: [
                Format::new().set_bold().set_font_size(16).set_font_color("1F3864"),
                Format::new().set_bold().set_font_size(13).set_font_color("1F3864"),
                Format::new().set_bold().set_font_size(11),
            ],
            paragraph: top.clone().set_text_wrap(),
            list_item: top.set_text_wrap().set_indent(1),
            link: Format::new().set_font_color("0563C1").set_underline(rust_xlsxwriter::FormatUnderline::Single),
            caption: Format::new().set_bold().set_font_size(12),
            emblem: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(EU_YELLOW)
                .set_background_color(EU_BLUE)
                .set_align(FormatAlign::VerticalCenter),
            note: Format::new().set_italic().set_font_color("595959"),
            chart_title: Format::new().set_bold(),
        }
    }

    fn currency_index(&mut self, code: &str) -> u16 {
        match self.currencies.iter().position(|c| c == code) {
            Some(i) => i as u16,
            None => {
                self.currencies.push(code.to_string());
                (self.currencies.len() - 1) as u16
            }
        }
    }

    fn kind_of(&mut self, value: &Value) -> NumKind {
        match value {
            Value::Empty | Value::Text(_) | Value::Status(_) => NumKind::Text,
            Value::Number { decimals, .. } => NumKind::Number(*decimals),
            Value::Money { currency, .. } => NumKind::Money(self.currency_index(currency)),
            Value::Percent(_) => NumKind::Percent,
            Value::Date(_) => NumKind::Date,
        }
    }

    /// The style of a table cell (header or body).
    fn key(&mut self, role: Role, value: &Value, align: Align) -> StyleKey {
        StyleKey { role, kind: self.kind_of(value), align: align as u8 }
    }

    /// The format of a style, built on first use.
    fn format(&mut self, key: StyleKey) -> &Format {
        if !self.cells.contains_key(&key) {
            let format = self.build(key);
            self.cells.insert(key, format);
        }
        &self.cells[&key]
    }

    /// The format of a table cell (header or body).
    fn cell(&mut self, role: Role, value: &Value, align: Align) -> &Format {
        let key = self.key(role, value, align);
        self.format(key)
    }

    fn build(&self, key: StyleKey) -> Format {
        let mut f = Format::new();
        f = match key.kind {
            NumKind::Text => f,
            NumKind::Number(decimals) => f.set_num_format(decimal_format(decimals)),
            NumKind::Money(i) => f.set_num_format(money_format(&self.currencies[i as usize])),
            NumKind::Percent => f.set_num_format("0.0%"),
            NumKind::Date => f.set_num_format(self.date_format.as_str()),
        };
        // Left is the template's default: keep Excel's own (text left, figures right).
        f = match key.align {
            a if a == Align::Right as u8 => f.set_align(FormatAlign::Right),
            a if a == Align::Center as u8 => f.set_align(FormatAlign::Center),
            _ => f,
        };
        match key.role {
            Role::Header => f
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(HEADER_FILL)
                .set_border(FormatBorder::Thin)
                .set_border_color("8EA9DB"),
            Role::Data => {
                let f = f.set_align(FormatAlign::Top);
                if key.kind == NumKind::Text { f.set_text_wrap() } else { f }
            }
            Role::Group => f.set_bold().set_background_color(GROUP_FILL).set_align(FormatAlign::Top).set_text_wrap(),
            Role::Subtotal => {
                let f = f.set_bold().set_border_top(FormatBorder::Thin).set_align(FormatAlign::Top);
                if key.kind == NumKind::Text { f.set_text_wrap() } else { f }
            }
            Role::Total => {
                let f = f
                    .set_bold()
                    .set_border_top(FormatBorder::Thin)
                    .set_border_bottom(FormatBorder::Double)
                    .set_align(FormatAlign::Top);
                if key.kind == NumKind::Text { f.set_text_wrap() } else { f }
            }
        }
    }
}

/// `#,##0` or `#,##0.00` (as many zeros as decimals, at most 15: a double holds no more).
fn decimal_format(decimals: u8) -> String {
    let decimals = usize::from(decimals.min(15));
    if decimals == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(decimals)) }
}

/// `#,##0.00 "USD"`: the currency's own decimals (2 for an unknown code, as `Money`'s display),
/// the code shown after the figure, as in the PDF.
fn money_format(currency: &str) -> String {
    let code: String = currency.chars().filter(|c| c.is_alphanumeric()).collect();
    let decimals = minor_unit_exponent(currency).unwrap_or(2);
    if code.is_empty() { decimal_format(decimals) } else { format!("{} \"{code}\"", decimal_format(decimals)) }
}

fn money_exponent(currency: &str) -> u32 {
    // The usual ledger currencies without a search of the currency table (this is called
    // several times for every money cell).
    match currency {
        "USD" | "EUR" => 2,
        _ => u32::from(minor_unit_exponent(currency).unwrap_or(2)),
    }
}

/// Money in major units, as close as a double can be: `minor / 10^exp` is the correctly
/// rounded quotient of two exact doubles, so its shortest representation (what is written
/// in the file) is the exact decimal figure for any amount below 2^53 minor units.
fn money_major(minor: i64, currency: &str) -> f64 {
    minor as f64 / 10f64.powi(money_exponent(currency) as i32)
}

/// A percentage as the fraction Excel formats with `%`: 45.5 -> 0.455. The decimal point is
/// moved in the shortest decimal text of `p`, so the fraction is the double nearest to the
/// decimal the document shows (`86.9 / 100.0` would give 0.8690000000000001).
fn percent_fraction(p: f64) -> f64 {
    if !p.is_finite() || p == 0.0 {
        return p / 100.0;
    }
    // The same double without writing the text: when `p` is the double nearest to `n / 10^k`
    // (n of at most 15 digits), its shortest text is those digits, and the double nearest to
    // that decimal moved two places is `n / 10^(k+2)` (a correctly rounded quotient of exact
    // doubles). A report's percentages have a decimal or two.
    if p.abs() < 1e9 {
        let mut scale = 1.0;
        for _ in 0..=6 {
            let n = (p * scale).round();
            if n / scale == p {
                return n / (scale * 100.0);
            }
            scale *= 10.0;
        }
    }
    percent_fraction_by_text(p)
}

/// [`percent_fraction`] through the shortest text of `p`, for any double.
fn percent_fraction_by_text(p: f64) -> f64 {
    if !p.is_finite() || p == 0.0 {
        return p / 100.0;
    }
    let scientific = format!("{p:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("{:e} has an exponent");
    let exponent: i32 = exponent.parse().expect("{:e} exponent is an integer");
    format!("{mantissa}e{}", exponent - 2).parse().unwrap_or(p / 100.0)
}

/// The exact decimal text of an amount in minor units, for a formula's cached result:
/// `-1234.50` (no grouping).
fn money_text(minor: i128, exp: u32) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let unit = 10u128.pow(exp);
    if exp == 0 {
        format!("{sign}{abs}")
    } else {
        format!("{sign}{}.{:0width$}", abs / unit, abs % unit, width = exp as usize)
    }
}

/// Text as Excel can hold it in a cell (at most 32 767 UTF-16 units).
fn cell_text(s: &str) -> &str {
    if s.len() <= MAX_CELL_TEXT {
        return s;
    }
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_TEXT {
            return &s[..i];
        }
    }
    s
}

/// Writes a typed value (statuses as their words in the report's language) without a format:
/// the caller formats the cell ([`FormatRuns`]). Dates outside Excel's range (1900-9999) are
/// written as text. An empty value writes nothing (its format makes it a blank cell).
fn write_value(sheet: &mut Worksheet, row: u32, col: u16, value: &Value, locale: &Locale) -> Result<(), RenderError> {
    match value {
        Value::Empty => {}
        Value::Text(s) => {
            sheet.write_string(row, col, cell_text(s))?;
        }
        Value::Status(code) => {
            sheet.write_string(row, col, cell_text(locale.status(code)))?;
        }
        Value::Number { value, .. } => {
            sheet.write_number(row, col, *value)?;
        }
        Value::Money { minor, currency } => {
            sheet.write_number(row, col, money_major(*minor, currency))?;
        }
        Value::Percent(p) => {
            sheet.write_number(row, col, percent_fraction(*p))?;
        }
        Value::Date(d) => {
            use chrono::Datelike;
            let date = u16::try_from(d.year())
                .ok()
                .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok());
            match date {
                Some(date) => sheet.write_datetime(row, col, &date)?,
                None => sheet.write_string(row, col, format_in(value, locale))?,
            };
        }
    }
    Ok(())
}

/// The formats of a sheet's table cells, set by runs of rows: the values are written without
/// a format, and each run of consecutive rows of one column that share a style gets its format
/// in one call ([`Worksheet::set_range_format`]) when the run ends. rust_xlsxwriter looks a
/// format up by hashing the whole [`Format`] (font, borders, fill, number format) on every call
/// that takes one; a sheet of 70 000 cells in runs of a few dozen rows looks up a few thousand.
/// A cell that is given no value gets a blank cell with the format, as `write_blank` does.
struct FormatRuns {
    /// For each column, the run being extended: first row, last row, style.
    open: Vec<Option<(u32, u32, StyleKey)>>,
}

impl FormatRuns {
    fn new(ncols: usize) -> Self {
        FormatRuns { open: vec![None; ncols] }
    }

    /// Cell (`row`, `col`) has style `key`.
    fn add(
        &mut self,
        sheet: &mut Worksheet,
        styles: &mut Styles,
        row: u32,
        col: usize,
        key: StyleKey,
    ) -> Result<(), RenderError> {
        if col >= self.open.len() {
            self.open.resize(col + 1, None);
        }
        match &mut self.open[col] {
            Some((_, last, k)) if *k == key && (*last == row || *last + 1 == row) => *last = row,
            slot => {
                let ended = slot.replace((row, row, key));
                if let Some(run) = ended {
                    Self::apply(sheet, styles, col, run)?;
                }
            }
        }
        Ok(())
    }

    /// Sets the formats of the runs still open.
    fn finish(mut self, sheet: &mut Worksheet, styles: &mut Styles) -> Result<(), RenderError> {
        for (col, run) in self.open.iter_mut().enumerate() {
            if let Some(run) = run.take() {
                Self::apply(sheet, styles, col, run)?;
            }
        }
        Ok(())
    }

    fn apply(
        sheet: &mut Worksheet,
        styles: &mut Styles,
        col: usize,
        (first, last, key): (u32, u32, StyleKey),
    ) -> Result<(), RenderError> {
        sheet.set_range_format(first, col as u16, last, col as u16, styles.format(key))?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Page setup
// ---------------------------------------------------------------------------------------------

/// Text for a page header or footer: `&` doubled (Excel's escape), control characters as
/// spaces, cut to `max` UTF-16 units (escapes included).
fn header_footer_text(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        let piece: &str = match c {
            '&' => "&&",
            c if c.is_control() => " ",
            _ => {
                let mut buf = [0u8; 4];
                let piece = c.encode_utf8(&mut buf);
                if units + c.len_utf16() > max {
                    break;
                }
                units += c.len_utf16();
                out.push_str(piece);
                continue;
            }
        };
        if units + piece.len() > max {
            break;
        }
        units += piece.len();
        out.push_str(piece);
    }
    out
}

/// Portrait or landscape A4, one page wide, doc.header top left, the watermark top right in
/// red, doc.footer bottom left and "Page X of Y" bottom right.
fn page_setup(sheet: &mut Worksheet, doc: &Document, landscape: bool) {
    if landscape {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    sheet.set_paper_size(PAPER_A4).set_print_fit_to_pages(1, 0);

    let mut header = String::new();
    if !doc.header.is_empty() {
        header.push_str("&L");
        header.push_str(&header_footer_text(&doc.header, 130));
    }
    if let Some(watermark) = watermark(doc) {
        header.push_str("&R&\"-,Bold\"&KC00000");
        header.push_str(&header_footer_text(watermark, 90));
    }
    debug_assert!(header.encode_utf16().count() <= MAX_HEADER_FOOTER);
    if !header.is_empty() {
        sheet.set_header(header);
    }
    let mut footer = String::new();
    if !doc.footer.is_empty() {
        footer.push_str("&L");
        footer.push_str(&header_footer_text(&doc.footer, 200));
    }
    footer.push_str("&R");
    footer.push_str(&page_label(&doc.locale.page_label, 50));
    debug_assert!(footer.encode_utf16().count() <= MAX_HEADER_FOOTER);
    sheet.set_footer(footer);
}

/// The language's page label (`page {page} of {pages}`) as page footer text: `{page}` and
/// `{pages}` become Excel's codes `&P` and `&N`, the rest is escaped and cut to `max` units.
fn page_label(label: &str, max: usize) -> String {
    let label = if label.contains("{page}") { label } else { "page {page} of {pages}" };
    let mut out = String::new();
    let mut rest = label;
    while !rest.is_empty() {
        let next = [("{pages}", "&N"), ("{page}", "&P")]
            .iter()
            .filter_map(|(p, code)| rest.find(p).map(|at| (at, *p, *code)))
            .min_by_key(|(at, p, _)| (*at, std::cmp::Reverse(p.len())));
        let Some((at, placeholder, code)) = next else {
            out.push_str(&header_footer_text(rest, max.saturating_sub(out.len())));
            break;
        };
        out.push_str(&header_footer_text(&rest[..at], max.saturating_sub(out.len())));
        out.push_str(code);
        rest = &rest[at + placeholder.len()..];
    }
    out
}

/// The watermark, if the document has one (an empty text counts as none).
fn watermark(doc: &Document) -> Option<&str> {
    doc.watermark.as_deref().filter(|w| !w.trim().is_empty())
}

/// The watermark as the first row of a sheet, in red bold, and a red sheet tab. Returns the
/// next free row.
fn write_watermark(sheet: &mut Worksheet, doc: &Document, styles: &Styles) -> Result<u32, RenderError> {
    match watermark(doc) {
        Some(text) => {
            sheet.write_string_with_format(0, 0, cell_text(text), &styles.watermark)?;
            sheet.set_tab_color("C00000");
            Ok(1)
        }
        None => Ok(0),
    }
}

// ---------------------------------------------------------------------------------------------
// The Report sheet
// ---------------------------------------------------------------------------------------------

/// The width of the Report sheet's text column.
const REPORT_TEXT_WIDTH: f64 = 100.0;

/// Sets a row's height for `lines` lines of text (a single line keeps the default height).
fn set_lines(sheet: &mut Worksheet, row: u32, lines: u32) -> Result<(), RenderError> {
    if lines > 1 {
        sheet.set_row_height(row, (f64::from(lines) * LINE_HEIGHT).min(MAX_ROW_HEIGHT))?;
    }
    Ok(())
}

fn write_report_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    table_sheets: &[String],
    styles: &mut Styles,
) -> Result<(), RenderError> {
    sheet.set_column_width(0, REPORT_TEXT_WIDTH)?;
    sheet.set_column_width(1, 16)?;
    page_setup(sheet, doc, false);

    let mut row = write_watermark(sheet, doc, styles)?;
    if !doc.title.is_empty() {
        sheet.write_string_with_format(row, 0, cell_text(&doc.title), &styles.title)?;
        sheet.set_row_height(row, 24)?;
        row += 1;
    }
    if !doc.header.is_empty() {
        sheet.write_string_with_format(row, 0, cell_text(&doc.header), &styles.subtitle)?;
        row += 1;
    }
    row += 1;

    let mut page_breaks = Vec::new();
    let mut tables = table_sheets.iter();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let f = &styles.headings[usize::from(level.clamp(&1, &3) - 1)];
                sheet.write_string_with_format(row, 0, cell_text(text), f)?;
                row += 1;
            }
            Block::Paragraph(text) => {
                sheet.write_string_with_format(row, 0, cell_text(text), &styles.paragraph)?;
                set_lines(sheet, row, measure::wrapped_lines(text, REPORT_TEXT_WIDTH, false))?;
                row += 1;
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let text = if *ordered { format!("{}. {item}", i + 1) } else { format!("\u{2022} {item}") };
                    sheet.write_string_with_format(row, 0, cell_text(&text), &styles.list_item)?;
                    // Indent 1 takes about two digits of the line.
                    set_lines(sheet, row, measure::wrapped_lines(&text, REPORT_TEXT_WIDTH - 2.0, false))?;
                    row += 1;
                }
            }
            Block::Table(table) => {
                let name = tables.next().expect("one sheet name per table");
                let label = table.caption.as_deref().filter(|c| !c.is_empty()).unwrap_or(&table.name);
                let url = Url::new(format!("internal:{}!A1", quote_sheet_name(name)))
                    .set_text(cell_text(&format!("Table: {label} (sheet \u{201c}{name}\u{201d})")));
                sheet.write_url_with_format(row, 0, url, &styles.link)?;
                row += 1;
            }
            Block::PageBreak { .. } => {
                // The orientation of a sheet is one for all its pages: the Report sheet stays portrait.
                if row > 0 && page_breaks.last() != Some(&row) {
                    page_breaks.push(row);
                }
            }
            Block::BarChart(chart) => {
                row = write_chart(sheet, row, chart, styles)?;
            }
            Block::EuEmblem { caption } => {
                sheet.write_string_with_format(row, 0, cell_text(caption), &styles.emblem)?;
                sheet.set_row_height(row, 24)?;
                row += 1;
            }
        }
    }
    if !page_breaks.is_empty() {
        sheet.set_page_breaks(&page_breaks)?;
    }
    Ok(())
}

/// A bar chart as a two-column table (label, value) and a native bar chart under it.
/// Returns the next free row.
fn write_chart(sheet: &mut Worksheet, mut row: u32, chart: &BarChart, styles: &mut Styles) -> Result<u32, RenderError> {
    if !chart.title.is_empty() {
        sheet.write_string_with_format(row, 0, cell_text(&chart.title), &styles.chart_title)?;
        row += 1;
    }
    let unit: String = chart.unit.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    let value_label = if unit.is_empty() { "Value".to_string() } else { format!("Value ({unit})") };
    let header = styles.cell(Role::Header, &Value::Empty, Align::Left).clone();
    sheet.write_string_with_format(row, 0, "Item", &header)?;
    sheet.write_string_with_format(row, 1, value_label.as_str(), &header)?;
    row += 1;

    let value_format = {
        let number = decimal_format(1);
        let f = if unit.is_empty() { number } else { format!("{number}\" {unit}\"") };
        Format::new().set_num_format(f)
    };
    let label_format = styles.cell(Role::Data, &Value::Empty, Align::Left).clone();
    let first = row;
    for bar in &chart.bars {
        sheet.write_string_with_format(row, 0, cell_text(&bar.label), &label_format)?;
        sheet.write_number_with_format(row, 1, bar.value, &value_format)?;
        row += 1;
    }
    if let Some(reference) = chart.reference {
        let text = format!("Reference: {} {unit}", format_number(reference));
        sheet.write_string_with_format(row, 0, text.trim_end(), &styles.note)?;
        row += 1;
    }
    if chart.bars.is_empty() {
        return Ok(row + 1);
    }

    let last = first + chart.bars.len() as u32 - 1;
    let mut excel = Chart::new(ChartType::Bar);
    excel
        .add_series()
        .set_categories((REPORT_SHEET, first, 0, last, 0))
        .set_values((REPORT_SHEET, first, 1, last, 1))
        .set_name(value_label.as_str());
    if !chart.title.is_empty() {
        excel.title().set_name(chart.title.as_str());
    }
    excel.legend().set_hidden();
    // Bars in the order of the table, first at the top.
    excel.y_axis().set_reverse();
    let max = chart.max.or(chart.reference.map(|r| chart.bars.iter().map(|b| b.value).fold(r, f64::max)));
    if let Some(max) = max {
        excel.x_axis().set_max(max);
    }
    let height = (chart.bars.len() as u32 * 24 + 90).clamp(200, 640);
    excel.set_width(640).set_height(height);
    row += 1;
    sheet.insert_chart(row, 0, &excel)?;
    // Rows are 20 px high by default: leave room for the chart.
    Ok(row + height.div_ceil(20) + 1)
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x}") }
}

// ---------------------------------------------------------------------------------------------
// Table sheets
// ---------------------------------------------------------------------------------------------

/// The number of columns of a table: its columns, or its widest row.
fn table_width(table: &Table) -> usize {
    let width = |cells: &[Cell]| cells.iter().map(|c| usize::from(c.colspan.max(1))).sum::<usize>();
    let widest = table.header.iter().map(|r| width(r)).chain(table.rows.iter().map(|r| width(&r.cells))).max();
    table.columns.len().max(widest.unwrap_or(0))
}

/// Each cell with its first column.
fn placed(cells: &[Cell]) -> impl Iterator<Item = (usize, &Cell)> {
    cells.iter().scan(0usize, |col, cell| {
        let at = *col;
        *col += usize::from(cell.colspan.max(1));
        Some((at, cell))
    })
}

/// The cell that starts at `col`, if any.
fn cell_at(row: &Row, col: usize) -> Option<&Cell> {
    placed(&row.cells).take_while(|(at, _)| *at <= col).find(|(at, _)| *at == col).map(|(_, c)| c)
}

/// The width of a value as the sheet shows it, in [`measure`] units: figures as their number
/// format writes them (money with its currency code, percentages as `45.5%`), dates in the
/// language's format, statuses as their words, text as its longest line. `suffixes` caches the
/// width of each currency's " USD".
fn shown_width(value: &Value, locale: &Locale, bold: bool, suffixes: &mut Vec<(String, f64)>) -> f64 {
    let w = match value {
        Value::Empty => 0.0,
        Value::Text(s) => s.split('\n').map(|l| measure::text_width(l, bold)).fold(0.0, f64::max),
        Value::Status(code) => measure::text_width(locale.status(code), bold),
        Value::Number { value, decimals } => {
            let d = u32::from((*decimals).min(15));
            measure::number_width(measure::int_digits(*value, d), d, shows_negative(*value, d), 0.0)
        }
        Value::Money { minor, currency } => {
            let exp = money_exponent(currency);
            let int = minor.unsigned_abs() / 10u64.pow(exp.min(18));
            let digits = if int == 0 { 1 } else { int.ilog10() + 1 };
            let suffix = match suffixes.iter().find(|(c, _)| c == currency) {
                Some((_, w)) => *w,
                None => {
                    let code: String = currency.chars().filter(|c| c.is_alphanumeric()).collect();
                    let w = if code.is_empty() { 0.0 } else { measure::text_width(&format!(" {code}"), false) };
                    suffixes.push((currency.clone(), w));
                    w
                }
            };
            measure::number_width(digits, exp, *minor < 0, suffix)
        }
        Value::Percent(p) => measure::number_width(
            measure::int_digits(*p, 1),
            1,
            shows_negative(*p, 1),
            f64::from(measure::char_width('%')),
        ),
        Value::Date(d) => measure::text_width(&d.format(&locale.date_format).to_string(), false),
    };
    if bold && !matches!(value, Value::Text(_) | Value::Status(_)) { w * measure::BOLD } else { w }
}

/// Whether a number shows a minus sign at `decimals` decimals (-0.04 shows as 0.0).
fn shows_negative(x: f64, decimals: u32) -> bool {
    x < 0.0 && (x.abs() * 10f64.powi(decimals as i32)).round() > 0.0
}

/// Column widths in [`measure`] units, fitted to what the columns show (see the module
/// documentation): figures never narrower than the widest of them, text capped and wrapped.
fn column_widths(table: &Table, header: &[Vec<Cell>], ncols: usize, locale: &Locale) -> Vec<f64> {
    let weights: Vec<f64> = (0..ncols)
        .map(|i| table.columns.get(i).map_or(1.0, |c| f64::from(c.width)))
        .map(|w| if w.is_finite() && w > 0.0 { w } else { 1.0 })
        .collect();
    let sum: f64 = weights.iter().sum();
    let total = (14.0 * ncols as f64).max(60.0);

    let mut content = vec![0.0f64; ncols];
    let mut figures = vec![false; ncols];
    let mut suffixes = Vec::new();
    for row in &table.rows {
        let bold = row.kind != RowKind::Data;
        for (col, cell) in placed(&row.cells) {
            if cell.colspan > 1 || col >= ncols {
                continue;
            }
            if !matches!(cell.value, Value::Empty | Value::Text(_) | Value::Status(_)) {
                figures[col] = true;
            }
            content[col] = content[col].max(shown_width(&cell.value, locale, bold, &mut suffixes));
        }
    }
    let (mut word, mut label) = (vec![0.0f64; ncols], vec![0.0f64; ncols]);
    for cells in header {
        for (col, cell) in placed(cells) {
            if let (1, Value::Text(s)) = (cell.colspan, &cell.value)
                && col < ncols
            {
                word[col] = word[col].max(measure::widest_word(s, true));
                label[col] = label[col].max(measure::text_width(s, true));
            }
        }
    }
    (0..ncols)
        .map(|col| {
            let header = word[col].max(label[col].min(HEADER_ONE_LINE));
            let width = if figures[col] {
                content[col].max(header)
            } else {
                let cap = (1.5 * total * weights[col] / sum).clamp(TEXT_MIN_CAP, TEXT_MAX_CAP);
                content[col].min(cap).max(header)
            };
            ((width + WIDTH_PADDING).clamp(6.0, MAX_COLUMN_WIDTH) * 4.0).ceil() / 4.0
        })
        .collect()
}

/// The lines a row of cells needs: the most any wrapped text cell of it takes in its columns.
fn row_lines(cells: &[Cell], widths: &[f64], bold: bool, locale: &Locale) -> u32 {
    let mut lines = 1;
    for (col, cell) in placed(cells) {
        let text = match &cell.value {
            Value::Text(s) => s.as_str(),
            Value::Status(code) => locale.status(code),
            _ => continue,
        };
        let span = usize::from(cell.colspan.max(1));
        let width: f64 = widths.iter().skip(col).take(span).sum();
        if width > 0.0 {
            lines = lines.max(measure::wrapped_lines(text, width, bold));
        }
    }
    lines
}

fn write_table_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    table: &Table,
    styles: &mut Styles,
) -> Result<(), RenderError> {
    let locale = &doc.locale;
    let ncols = table_width(table);
    let aligns: Vec<Align> = (0..ncols).map(|i| table.columns.get(i).map_or(Align::Left, |c| c.align)).collect();

    // Header rows: as given, or one row of the column labels.
    let labels;
    let header: &[Vec<Cell>] = if table.header.is_empty() && !table.columns.is_empty() {
        labels = vec![table.columns.iter().map(|c| Cell::text(c.label.clone())).collect::<Vec<_>>()];
        &labels
    } else {
        &table.header
    };

    let widths = column_widths(table, header, ncols, locale);
    for (i, width) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *width)?;
    }
    page_setup(sheet, doc, table.landscape);
    // A calc the document leaves empty caches "" (rust_xlsxwriter's default would be 0).
    sheet.set_formula_result_default("");

    let mut row = write_watermark(sheet, doc, styles)?;
    if let Some(caption) = table.caption.as_deref().filter(|c| !c.is_empty()) {
        sheet.write_string_with_format(row, 0, cell_text(caption), &styles.caption)?;
        row += 1;
    }

    let first_header = row;
    let mut runs = FormatRuns::new(ncols);
    for cells in header {
        write_row(sheet, &mut runs, row, cells, Role::Header, ncols, &aligns, styles, locale, |_, _| Ok(None))?;
        set_lines(sheet, row, row_lines(cells, &widths, true, locale))?;
        row += 1;
    }
    let first_body = row;

    let formulas = Formulas::new(table, first_body, ncols)?;
    let mut status_columns = vec![false; ncols];
    for (i, r) in table.rows.iter().enumerate() {
        for (col, cell) in placed(&r.cells) {
            if matches!(cell.value, Value::Status(_)) && col < ncols {
                status_columns[col] = true;
            }
        }
        let role = Role::from(r.kind);
        write_row(sheet, &mut runs, row, &r.cells, role, ncols, &aligns, styles, locale, |col, cell| {
            formulas.of(i, col, cell)
        })?;
        set_lines(sheet, row, row_lines(&r.cells, &widths, r.kind != RowKind::Data, locale))?;
        row += 1;
    }
    runs.finish(sheet, styles)?;

    if ncols == 0 {
        return Ok(());
    }
    let last_col = (ncols - 1) as u16;
    if !header.is_empty() {
        let last_header = first_body - 1;
        sheet.set_freeze_panes(first_body, 0)?;
        sheet.set_repeat_rows(first_header, last_header)?;
        // The filter covers the rows down to the last one that is not a closing total, so
        // sorting keeps the grand total at the bottom.
        let closing_totals = table.rows.iter().rev().take_while(|r| r.kind == RowKind::Total).count();
        let filtered_rows = (table.rows.len() - closing_totals) as u32;
        sheet.autofilter(last_header, 0, last_header + filtered_rows, last_col)?;
    }
    if !table.rows.is_empty() {
        let last_body = first_body + table.rows.len() as u32 - 1;
        for (col, _) in status_columns.iter().enumerate().filter(|(_, has)| **has) {
            for &(code, fill, font) in &STATUS_COLOURS {
                let rule = ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::EqualTo(locale.status(code)))
                    .set_format(Format::new().set_background_color(fill).set_font_color(font));
                sheet.add_conditional_format(first_body, col as u16, last_body, col as u16, &rule)?;
            }
        }
    }
    Ok(())
}

/// Status codes and their fill and font colours (Excel's good / neutral / bad styles); the
/// rules match the status words of the report's language.
const STATUS_COLOURS: [(&str, &str, &str); 3] =
    [("on_track", "C6EFCE", "006100"), ("needs_attention", "FFEB9C", "9C5700"), ("off_track", "FFC7CE", "9C0006")];

/// Writes one row of cells from column 0; a cell spanning columns becomes a merged range.
/// Rows other than data rows are formatted across the whole table width (shading, borders).
/// `formula(col, cell)` gives a cell's formula and cached result, if it has one. The cells'
/// formats go to `runs` (a merged range is formatted at once).
#[allow(clippy::too_many_arguments)]
fn write_row(
    sheet: &mut Worksheet,
    runs: &mut FormatRuns,
    row: u32,
    cells: &[Cell],
    role: Role,
    ncols: usize,
    aligns: &[Align],
    styles: &mut Styles,
    locale: &Locale,
    mut formula: impl FnMut(usize, &Cell) -> Result<Option<(String, String)>, RenderError>,
) -> Result<(), RenderError> {
    let mut end = 0;
    for (col, cell) in placed(cells) {
        let span = usize::from(cell.colspan.max(1));
        end = col + span;
        let align = aligns.get(col).copied().unwrap_or_default();
        let key = styles.key(role, &cell.value, align);
        let (c, last) = (col as u16, (col + span - 1) as u16);
        if span > 1 {
            let text = match &cell.value {
                Value::Text(s) => cell_text(s),
                _ => "",
            };
            sheet.merge_range(row, c, row, last, text, styles.format(key))?;
            if matches!(cell.value, Value::Text(_)) {
                continue;
            }
        }
        match formula(col, cell)? {
            Some((text, result)) => {
                sheet.write_formula(row, c, Formula::new(text).set_result(result))?;
            }
            None => write_value(sheet, row, c, &cell.value, locale)?,
        }
        runs.add(sheet, styles, row, col, key)?;
    }
    if role != Role::Data {
        for col in end..ncols {
            let align = aligns.get(col).copied().unwrap_or_default();
            let key = styles.key(role, &Value::Empty, align);
            runs.add(sheet, styles, row, col, key)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Calc formulas
// ---------------------------------------------------------------------------------------------

/// The formulas of a table's cells: `calc` expressions (see the module documentation and
/// [`calc`]) and the `SUM`s of subtotal and total rows ([`Totals`]).
struct Formulas<'a> {
    table: &'a Table,
    totals: Totals<'a>,
    /// Each distinct calc of the table, parsed once.
    calcs: HashMap<&'a str, Calc>,
    /// Column names: A, B, ...
    letters: Vec<String>,
}

impl<'a> Formulas<'a> {
    fn new(table: &'a Table, first_row: u32, ncols: usize) -> Result<Self, RenderError> {
        let mut calcs = HashMap::new();
        for (i, row) in table.rows.iter().enumerate() {
            for (col, cell) in placed(&row.cells) {
                let Some(expr) = cell.calc.as_deref() else { continue };
                if calcs.contains_key(expr) {
                    continue;
                }
                let fail = |message: String| RenderError::InconsistentCalc {
                    table: table.name.clone(),
                    row: i,
                    column: col,
                    calc: expr.to_string(),
                    message,
                };
                let parsed = Calc::parse(expr).map_err(fail)?;
                if let Some(c) = parsed.columns.iter().find(|c| **c >= ncols) {
                    return Err(fail(format!("names column c{}, the table has {ncols}", c + 1)));
                }
                calcs.insert(expr, parsed);
            }
        }
        let letters = (0..ncols).map(|c| column_number_to_name(c as u16)).collect();
        Ok(Formulas { table, totals: Totals::new(table, first_row), calcs, letters })
    }

    /// The formula and cached result of cell `col` of row `i`, if it has one.
    fn of(&self, i: usize, col: usize, cell: &Cell) -> Result<Option<(String, String)>, RenderError> {
        let row = &self.table.rows[i];
        if let Some(expr) = cell.calc.as_deref() {
            if !matches!(cell.value, Value::Number { .. } | Value::Money { .. } | Value::Percent(_) | Value::Empty) {
                return Err(self.calc_error(i, col, expr, "calc is for number, money and percent cells".into()));
            }
            return self.calc(i, &cell.value, expr).map(Some).map_err(|m| self.calc_error(i, col, expr, m));
        }
        if !matches!(row.kind, RowKind::Subtotal | RowKind::Total) {
            return Ok(None);
        }
        match &cell.value {
            Value::Money { .. } | Value::Number { .. } => self.totals.formula(i, col, &cell.value).map_err(|message| {
                RenderError::InconsistentTotal { table: self.table.name.clone(), row: i, column: col, message }
            }),
            // A ratio is not a sum: the calc its data rows share, if it gives the figure.
            Value::Percent(_) => match self.shared_calc(i, col) {
                Some(expr) => Ok(self.calc(i, &cell.value, expr).ok()),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    fn calc_error(&self, i: usize, col: usize, expr: &str, message: String) -> RenderError {
        RenderError::InconsistentCalc {
            table: self.table.name.clone(),
            row: i,
            column: col,
            calc: expr.to_string(),
            message,
        }
    }

    /// The calc every data row under subtotal or total row `i` has in column `col`, if they all
    /// have the same one.
    fn shared_calc(&self, i: usize, col: usize) -> Option<&'a str> {
        let rows = self.table.rows.as_slice();
        let mut shared = None;
        for j in self.totals.data_rows(i) {
            let expr = cell_at(&rows[j], col)?.calc.as_deref()?;
            match shared {
                None => shared = Some(expr),
                Some(s) if s == expr => {}
                Some(_) => return None,
            }
        }
        shared
    }

    /// The formula of `expr` on row `i` and its cached result (the figure), after checking that
    /// the expression, evaluated on the row's values, gives the figure.
    fn calc(&self, i: usize, figure: &Value, expr: &str) -> Result<(String, String), String> {
        // Every calc of the table was parsed (and its columns checked) in `new`.
        let calc = self.calcs.get(expr).ok_or_else(|| format!("`{expr}` was not parsed"))?;
        let row = &self.table.rows[i];
        // Each named column's cell, once (a row has a handful of cells).
        let cells: Vec<(usize, Option<&Cell>)> = calc.columns.iter().map(|c| (*c, cell_at(row, *c))).collect();
        let operand = |c: usize| -> Result<f64, EvalError> {
            let cell = cells.iter().find(|(k, _)| *k == c).and_then(|(_, cell)| *cell);
            sheet_number(cell).map_err(|()| EvalError::NotANumber(c))
        };
        // Money of one currency only: `c3-c4` of USD and EUR is no figure.
        let mut currencies = cells.iter().filter_map(|(c, cell)| match cell.map(|cell| &cell.value) {
            Some(Value::Money { currency, .. }) => Some((*c, currency.as_str())),
            _ => None,
        });
        let own = match figure {
            Value::Money { currency, .. } => Some(currency.as_str()),
            _ => None,
        };
        if let Some(first) = own.or_else(|| currencies.clone().next().map(|(_, cur)| cur))
            && let Some((c, other)) = currencies.find(|(_, cur)| *cur != first)
        {
            return Err(format!("c{} is money in {other}, the calc works in {first}", c + 1));
        }
        let result = calc.eval(operand);
        let sheet_row = self.totals.first_row + i as u32 + 1;
        let mut formula = String::with_capacity(32);
        let name = |c: usize| format!("c{}", c + 1);

        let (tolerance, expected, cached) = match figure {
            Value::Empty => {
                // Blank cells count as 0 in Excel: name them, so the formula shows "" too.
                let blank: Vec<usize> = cells
                    .iter()
                    .filter(|(_, cell)| cell.is_none_or(|c| c.value == Value::Empty && c.calc.is_none()))
                    .map(|(c, _)| *c)
                    .collect();
                match result {
                    Err(_) => {
                        formula.push_str("IFERROR(");
                        calc.write_formula(&mut formula, sheet_row, &self.letters);
                        formula.push_str(",\"\")");
                    }
                    Ok(_) if !blank.is_empty() => {
                        formula.push_str(if blank.len() > 1 { "IF(OR(" } else { "IF(" });
                        for (k, c) in blank.iter().enumerate() {
                            if k > 0 {
                                formula.push(',');
                            }
                            formula.push_str(&self.letters[*c]);
                            formula.push_str(&format!("{sheet_row}=\"\""));
                        }
                        formula.push_str(if blank.len() > 1 { "),\"\"," } else { ",\"\"," });
                        calc.write_formula(&mut formula, sheet_row, &self.letters);
                        formula.push(')');
                    }
                    Ok(v) => {
                        return Err(format!("the cell is empty, but the expression gives {v} on the row's values"));
                    }
                }
                return Ok((formula, String::new()));
            }
            Value::Money { minor, currency } => {
                let exp = money_exponent(currency);
                (0.5 * 10f64.powi(-(exp as i32)), money_major(*minor, currency), money_text(i128::from(*minor), exp))
            }
            Value::Number { value, decimals } => {
                (0.5 * 10f64.powi(-i32::from((*decimals).min(15))), *value, value.to_string())
            }
            Value::Percent(p) => (0.5e-3, percent_fraction(*p), percent_fraction(*p).to_string()),
            _ => return Err("calc is for number, money and percent cells".into()),
        };
        let got = match result {
            Ok(v) => v,
            Err(EvalError::DivisionByZero) => {
                return Err("the expression divides by zero on the row's values; leave the cell empty".into());
            }
            Err(EvalError::NotANumber(c)) => {
                return Err(format!("{} holds no number (text, a status or an empty calc)", name(c)));
            }
        };
        // Half the last shown decimal, and a hair for the binary representation of the operands.
        if (got - expected).abs() > tolerance + 1e-9 * expected.abs().max(1.0) {
            let (got, shown) = match figure {
                Value::Percent(p) => (format!("{:.2} %", got * 100.0), format!("{p} % (the fraction {expected})")),
                Value::Money { currency, .. } => {
                    (format!("{got:.prec$}", prec = money_exponent(currency) as usize), cached.clone())
                }
                Value::Number { decimals, .. } => {
                    (format!("{got:.prec$}", prec = usize::from(*decimals) + 1), cached.clone())
                }
                _ => (got.to_string(), cached.clone()),
            };
            return Err(format!("the expression gives {got} on the row's values, the cell shows {shown}"));
        }
        match figure {
            Value::Money { currency, .. } if calc.scales => {
                formula.push_str("ROUND(");
                calc.write_formula(&mut formula, sheet_row, &self.letters);
                formula.push_str(&format!(",{})", money_exponent(currency)));
            }
            _ => calc.write_formula(&mut formula, sheet_row, &self.letters),
        }
        Ok((formula, cached))
    }
}

/// A cell's value as the sheet holds it, for a calc: money in major units, a percentage as
/// its fraction, a date as its Excel serial number, a blank (or covered) cell as 0; text, a
/// status, or a calc cell left empty (it shows "") is no number.
fn sheet_number(cell: Option<&Cell>) -> Result<f64, ()> {
    let Some(cell) = cell else { return Ok(0.0) };
    match &cell.value {
        Value::Empty if cell.calc.is_some() => Err(()),
        Value::Empty => Ok(0.0),
        Value::Number { value, .. } => Ok(*value),
        Value::Money { minor, currency } => Ok(money_major(*minor, currency)),
        Value::Percent(p) => Ok(percent_fraction(*p)),
        Value::Date(d) => Ok((*d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date")).num_days() as f64),
        Value::Text(_) | Value::Status(_) => Err(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Totals
// ---------------------------------------------------------------------------------------------

/// The formulas of a table's subtotal and total cells.
///
/// - A `Subtotal` cell is `SUM` over the `Data` rows since the previous `Group` or `Subtotal`
///   row, as ranges of consecutive rows: `=SUM(E6:E12)`.
/// - A `Total` cell is `SUM` over all the `Data` rows of the table: `=SUM(E6:E12,E15:E20)`.
///   If that formula would pass Excel's limit (8 192 characters: several hundred groups), it sums
///   the subtotal cells instead, plus any data row no subtotal covers; if that is still too long,
///   the figure is written as a plain number.
/// - Both only for `Money` and `Number` cells (a `Percent` is a ratio, not a sum: written as is).
///   A cell with no data row to add up is written as a plain number.
///
/// The cached result is the document's figure, after checking it equals the sum of the rows: to
/// the minor unit for money (same currency everywhere), to half the last shown decimal for numbers.
struct Totals<'a> {
    table: &'a Table,
    /// The sheet row of `table.rows[0]`.
    first_row: u32,
    /// For each row, the index of the first row after the previous `Group` or `Subtotal` row.
    segment_start: Vec<usize>,
}

/// A sum over rows of one column, as the document's values.
enum Sum {
    Money { minor: i128, currency: String },
    Number(f64),
}

impl<'a> Totals<'a> {
    fn new(table: &'a Table, first_row: u32) -> Self {
        let mut start = 0;
        let segment_start = table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let s = start;
                if matches!(r.kind, RowKind::Group | RowKind::Subtotal) {
                    start = i + 1;
                }
                s
            })
            .collect();
        Totals { table, first_row, segment_start }
    }

    fn rows(&self) -> &'a [Row] {
        &self.table.rows
    }

    /// The data rows a subtotal or total row adds up.
    fn data_rows(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let range = match self.rows()[i].kind {
            RowKind::Subtotal => self.segment_start[i]..i,
            _ => 0..self.rows().len(),
        };
        range.filter(|j| self.rows()[*j].kind == RowKind::Data)
    }

    fn formula(&self, i: usize, col: usize, value: &Value) -> Result<Option<(String, String)>, String> {
        let cached = match value {
            Value::Money { minor, currency } => {
                let Sum::Money { minor: total, .. } = self.sum(self.data_rows(i), col, value)? else {
                    unreachable!("money adds up as money")
                };
                if total != i128::from(*minor) {
                    let exp = money_exponent(currency);
                    return Err(format!(
                        "the figure {} {currency} is not the sum of its rows, {} {currency}",
                        money_text(i128::from(*minor), exp),
                        money_text(total, exp)
                    ));
                }
                money_text(i128::from(*minor), money_exponent(currency))
            }
            Value::Number { value: figure, decimals } => {
                let Sum::Number(total) = self.sum(self.data_rows(i), col, value)? else {
                    unreachable!("numbers add up as numbers")
                };
                let tolerance = 0.5 * 10f64.powi(-i32::from((*decimals).min(15))) + 1e-9 * figure.abs();
                if (total - figure).abs() > tolerance {
                    return Err(format!("the figure {figure} is not the sum of its rows, {total}"));
                }
                figure.to_string()
            }
            _ => return Ok(None),
        };
        let column = column_number_to_name(col as u16);
        let data: Vec<usize> = self.data_rows(i).collect();
        if data.is_empty() {
            return Ok(None);
        }
        if let Some(f) = sum_formula(&column, &self.ranges(&data)) {
            return Ok(Some((f, cached)));
        }
        if self.rows()[i].kind == RowKind::Total
            && let Some(rows) = self.via_subtotals(col, &data)
            && let Some(f) = sum_formula(&column, &self.ranges(&rows))
        {
            return Ok(Some((f, cached)));
        }
        Ok(None)
    }

    /// Adds up a column over rows as the document's values, checking they are of the same kind
    /// as the figure (`Money` in its currency, or `Number`). Text and empty cells count for
    /// nothing, as in Excel's `SUM`.
    fn sum(&self, rows: impl Iterator<Item = usize>, col: usize, figure: &Value) -> Result<Sum, String> {
        let mut sum = match figure {
            Value::Money { currency, .. } => Sum::Money { minor: 0, currency: currency.clone() },
            _ => Sum::Number(0.0),
        };
        for j in rows {
            let Some(cell) = cell_at(&self.rows()[j], col) else { continue };
            match (&mut sum, &cell.value) {
                (_, Value::Empty | Value::Text(_)) => {}
                (Sum::Money { minor, currency }, Value::Money { minor: m, currency: c }) if c == currency => {
                    *minor += i128::from(*m);
                }
                (Sum::Number(total), Value::Number { value, .. }) => *total += value,
                (_, other) => {
                    return Err(format!("row {j} holds {}, which does not add up with the figure", kind_name(other)));
                }
            }
        }
        Ok(sum)
    }

    /// For a total: the subtotal rows with a figure in this column, and the data rows none of
    /// them covers.
    fn via_subtotals(&self, col: usize, data: &[usize]) -> Option<Vec<usize>> {
        let mut covered = vec![false; self.rows().len()];
        let mut rows = Vec::new();
        for (k, r) in self.rows().iter().enumerate() {
            if r.kind == RowKind::Subtotal
                && cell_at(r, col).is_some_and(|c| matches!(c.value, Value::Money { .. } | Value::Number { .. }))
            {
                rows.push(k);
                covered[self.segment_start[k]..k].fill(true);
            }
        }
        if rows.is_empty() {
            return None;
        }
        rows.extend(data.iter().filter(|j| !covered[**j]));
        rows.sort_unstable();
        Some(rows)
    }

    /// Sheet row ranges (1-based, inclusive) of runs of consecutive row indexes.
    fn ranges(&self, rows: &[usize]) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for &j in rows {
            let r = self.first_row + j as u32 + 1;
            match out.last_mut() {
                Some((_, last)) if *last + 1 == r => *last = r,
                _ => out.push((r, r)),
            }
        }
        out
    }
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Empty => "nothing",
        Value::Text(_) => "text",
        Value::Number { .. } => "a number",
        Value::Money { .. } => "money in another currency",
        Value::Percent(_) => "a percentage",
        Value::Date(_) => "a date",
        Value::Status(_) => "a status",
    }
}

/// `SUM(E6:E12,E15)`, nested as `SUM(SUM(...),SUM(...))` past 255 ranges; `None` past
/// Excel's formula length.
fn sum_formula(column: &str, ranges: &[(u32, u32)]) -> Option<String> {
    let args: Vec<String> = ranges
        .iter()
        .map(|(a, b)| if a == b { format!("{column}{a}") } else { format!("{column}{a}:{column}{b}") })
        .collect();
    let formula = if args.len() <= MAX_FUNCTION_ARGS {
        format!("SUM({})", args.join(","))
    } else {
        let chunks: Vec<String> = args.chunks(MAX_FUNCTION_ARGS).map(|c| format!("SUM({})", c.join(","))).collect();
        if chunks.len() > MAX_FUNCTION_ARGS {
            return None;
        }
        format!("SUM({})", chunks.join(","))
    };
    (formula.len() < MAX_FORMULA_LEN).then_some(formula)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let names = sheet_names([
            "Budget 2025/2026: by output [USD]*?",
            "report",
            "History",
            "'quoted'",
            "",
            "A very long sheet name that goes on and on",
            "A very long sheet name that goes on and on",
            "Индикаторы проекта «Oʻzbekiston»",
            "Budget 2025-2026- by output (USD)__",
        ]);
        assert_eq!(
            names,
            [
                "Budget 2025-2026- by output (US",
                "report (2)",
                "History (2)",
                "quoted",
                "Table",
                "A very long sheet name that goe",
                "A very long sheet name that (2)",
                "Индикаторы проекта «Oʻzbekiston",
                "Budget 2025-2026- by output (2)",
            ]
        );
        for name in &names {
            assert!(name.encode_utf16().count() <= 31, "{name}");
            rust_xlsxwriter::check_sheet_name(name).unwrap();
        }
    }

    #[test]
    fn number_formats() {
        assert_eq!(decimal_format(0), "#,##0");
        assert_eq!(decimal_format(2), "#,##0.00");
        assert_eq!(money_format("USD"), "#,##0.00 \"USD\"");
        assert_eq!(money_format("JPY"), "#,##0 \"JPY\"");
        assert_eq!(money_format("KWD"), "#,##0.000 \"KWD\"");
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(money_text(-123_450, 2), "-1234.50");
        assert_eq!(money_text(5, 2), "0.05");
        assert_eq!(money_text(1_000_000, 0), "1000000");
        assert_eq!(money_text(1_234_567, 3), "1234.567");
        for code in ["USD", "EUR", "JPY", "KWD", "UZS", "XYZ"] {
            assert_eq!(money_exponent(code), u32::from(minor_unit_exponent(code).unwrap_or(2)), "{code}");
        }
        for minor in [1i64, 5, 10, 99, 101, 123_456_789, 29_333_301, 2_i64.pow(52) + 7, -987_654_321] {
            let text = money_major(minor, "USD").to_string();
            let exact = money_text(i128::from(minor), 2);
            assert_eq!(text.parse::<f64>().unwrap(), exact.parse::<f64>().unwrap(), "{minor}");
        }
    }

    #[test]
    fn percentages_become_the_nearest_fraction() {
        assert_eq!(86.9 / 100.0, 0.8690000000000001);
        assert_eq!(percent_fraction(86.9).to_string(), "0.869");
        assert_eq!(percent_fraction(45.5).to_string(), "0.455");
        assert_eq!(percent_fraction(-12.25).to_string(), "-0.1225");
        assert_eq!(percent_fraction(100.0).to_string(), "1");
        assert_eq!(percent_fraction(0.0), 0.0);
        assert_eq!(percent_fraction(1e-300), 1e-302);
        // Without the text: the same double as through the text.
        let mut x = 0.123_456_789_f64;
        let mut checked = 0;
        for i in -200_000i64..=200_000 {
            for p in [i as f64 / 10.0, i as f64 / 100.0, i as f64 / 1000.0, i as f64 * 1.7 / 3.0, x * i as f64] {
                assert_eq!(percent_fraction(p).to_bits(), percent_fraction_by_text(p).to_bits(), "{p}");
                checked += 1;
            }
            x = (x * 9_301.0 + 0.492_71).fract();
        }
        assert!(checked > 2_000_000);
        for p in [1e-7, 123_456_789.123, 99.999_999_9, 1e12 + 0.5, f64::MIN_POSITIVE, -0.0] {
            assert_eq!(percent_fraction(p).to_bits(), percent_fraction_by_text(p).to_bits(), "{p}");
        }
    }

    #[test]
    fn sum_formulas_respect_excel_limits() {
        assert_eq!(sum_formula("E", &[(6, 12), (15, 15)]).unwrap(), "SUM(E6:E12,E15)");
        let many: Vec<(u32, u32)> = (0..300).map(|i| (i * 3 + 1, i * 3 + 2)).collect();
        let f = sum_formula("E", &many).unwrap();
        assert!(f.starts_with("SUM(SUM(E1:E2,") && f.contains("),SUM(E"), "{f}");
        let too_many: Vec<(u32, u32)> = (0..1000).map(|i| (i * 3 + 100_000, i * 3 + 100_001)).collect();
        assert!(sum_formula("E", &too_many).is_none());
    }

    #[test]
    fn page_labels_become_excel_codes() {
        assert_eq!(page_label("page {page} of {pages}", 50), "page &P of &N");
        assert_eq!(page_label("стр. {page} из {pages}", 50), "стр. &P из &N");
        assert_eq!(page_label("{pages}: {page} R&D", 50), "&N: &P R&&D");
        assert_eq!(page_label("no placeholders", 50), "page &P of &N");
    }

    #[test]
    fn shown_widths_are_the_widths_of_the_formatted_figures() {
        let locale = Locale::default();
        let mut suffixes = Vec::new();
        for value in [
            Value::Money { minor: 123_456_789, currency: "USD".into() },
            Value::Money { minor: -5, currency: "USD".into() },
            Value::Money { minor: 0, currency: "EUR".into() },
            Value::Money { minor: 1_234_567, currency: "KWD".into() },
            Value::Money { minor: 99_999_999, currency: "JPY".into() },
            Value::Number { value: 12_585.5, decimals: 2 },
            Value::Number { value: 0.8532, decimals: 4 },
            Value::Number { value: -1_234.567, decimals: 2 },
            Value::Number { value: 999.96, decimals: 1 },
            Value::Number { value: -0.04, decimals: 1 },
        ] {
            let text = format_in(&value, &locale);
            let shown = shown_width(&value, &locale, false, &mut suffixes);
            assert!((shown - measure::text_width(&text, false)).abs() < 1e-4, "{text}: {shown}");
        }
        // Percentages as Excel's `0.0%` shows them (no space).
        let shown = shown_width(&Value::Percent(104.25), &locale, true, &mut suffixes);
        assert!((shown - measure::text_width("104.3%", true)).abs() < 1e-4);
    }

    #[test]
    fn header_footer_text_is_escaped_and_bounded() {
        assert_eq!(header_footer_text("R&D\nplan", 50), "R&&D plan");
        assert_eq!(header_footer_text("a&b", 2), "a");
        assert_eq!(header_footer_text("Oʻzbekiston", 4), "Oʻzb");
    }
}
