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
//! Cells are typed: numbers (`#,##0`, `#,##0.00`, ... as many decimals as the value has),
//! money as a number in major units with the currency's own decimals and its code in the
//! number format (`#,##0.00 "USD"`), percentages as fractions (`0.0%`), dates as Excel dates
//! (`dd mmm yyyy`), statuses as their words, coloured by conditional formatting (on track
//! green, needs attention amber, off track red).
//!
//! The money and number cells of `Subtotal` and `Total` rows are `SUM` formulas over the rows
//! they add up (see [`Totals`] for the ranges), with the document's figure as the cached result,
//! so a viewer that does not recalculate shows the same figure as the PDF. The renderer checks
//! that formula and figure agree (to the minor unit for money) and refuses to write a workbook
//! where they do not ([`RenderError::InconsistentTotal`]). Percentages in total rows stay values.
//!
//! Table sheets: header rows bold on a blue fill and frozen, an autofilter on the last header
//! row down to the last row that is not a closing total, group rows bold and shaded, total rows
//! bold with a top border, a cell spanning columns merged, column widths in proportion to
//! `Column.width`. Every sheet prints on A4, landscape when `Table.landscape`, one page wide,
//! header rows repeated on every page, `doc.header` top left, `doc.footer` bottom left and
//! "Page X of Y" bottom right.
//!
//! The watermark (`doc.watermark`, e.g. "DRAFT: includes unapproved data") is the first row of
//! every sheet in red bold, the centre of every printed page header in red bold, and every sheet
//! tab is red.
//!
//! Known limits: the orientation of a `PageBreak` does not apply (one orientation per sheet:
//! the Report sheet is portrait); a chart's reference line is written as a note under its table,
//! not drawn; sorting a table body with merged group rows is refused by Excel (filtering works).

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormatCell, ConditionalFormatCellRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet, column_number_to_name, quote_sheet_name,
};

use super::document::{Align, BarChart, Block, Cell, Document, Row, RowKind, Table, Value, format, status_label};
use crate::domain::money::minor_unit_exponent;

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
/// A4 in Excel's paper codes.
const PAPER_A4: u8 = 9;

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
}

/// Renders the document as an XLSX workbook (the file's bytes).
pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
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
    let mut styles = Styles::new();

    let sheet = workbook.add_worksheet();
    sheet.set_name(REPORT_SHEET)?;
    write_report_sheet(sheet, doc, &names, &mut styles)?;

    for (table, name) in tables.iter().zip(&names) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name.as_str())?;
        write_table_sheet(sheet, doc, table, &mut styles)?;
    }

    Ok(workbook.save_to_buffer()?)
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
    fn new() -> Self {
        let top = Format::new().set_align(FormatAlign::Top);
        Styles {
            cells: HashMap::new(),
            currencies: Vec::new(),
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

    /// The format of a table cell (header or body).
    fn cell(&mut self, role: Role, value: &Value, align: Align) -> &Format {
        let kind = self.kind_of(value);
        let key = StyleKey { role, kind, align: align as u8 };
        if !self.cells.contains_key(&key) {
            let format = self.build(key);
            self.cells.insert(key, format);
        }
        &self.cells[&key]
    }

    fn build(&self, key: StyleKey) -> Format {
        let mut f = Format::new();
        f = match key.kind {
            NumKind::Text => f,
            NumKind::Number(decimals) => f.set_num_format(decimal_format(decimals)),
            NumKind::Money(i) => f.set_num_format(money_format(&self.currencies[i as usize])),
            NumKind::Percent => f.set_num_format("0.0%"),
            NumKind::Date => f.set_num_format("dd mmm yyyy"),
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
            Role::Group => f.set_bold().set_background_color(GROUP_FILL).set_align(FormatAlign::Top),
            Role::Subtotal => f.set_bold().set_border_top(FormatBorder::Thin).set_align(FormatAlign::Top),
            Role::Total => f
                .set_bold()
                .set_border_top(FormatBorder::Thin)
                .set_border_bottom(FormatBorder::Double)
                .set_align(FormatAlign::Top),
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
    u32::from(minor_unit_exponent(currency).unwrap_or(2))
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

/// Writes a typed value. Dates outside Excel's range (1900-9999) are written as text.
fn write_value(sheet: &mut Worksheet, row: u32, col: u16, value: &Value, f: &Format) -> Result<(), RenderError> {
    match value {
        Value::Empty => {
            sheet.write_blank(row, col, f)?;
        }
        Value::Text(s) => {
            sheet.write_string_with_format(row, col, cell_text(s), f)?;
        }
        Value::Status(code) => {
            sheet.write_string_with_format(row, col, cell_text(status_label(code)), f)?;
        }
        Value::Number { value, .. } => {
            sheet.write_number_with_format(row, col, *value, f)?;
        }
        Value::Money { minor, currency } => {
            sheet.write_number_with_format(row, col, money_major(*minor, currency), f)?;
        }
        Value::Percent(p) => {
            sheet.write_number_with_format(row, col, percent_fraction(*p), f)?;
        }
        Value::Date(d) => {
            use chrono::Datelike;
            let date = u16::try_from(d.year())
                .ok()
                .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok());
            match date {
                Some(date) => sheet.write_datetime_with_format(row, col, &date, f)?,
                None => sheet.write_string_with_format(row, col, format(value), f)?,
            };
        }
    }
    Ok(())
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

/// Portrait or landscape A4, one page wide, doc.header top left, the watermark top centre in
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
        header.push_str("&C&\"-,Bold\"&KC00000");
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
    footer.push_str("&RPage &P of &N");
    debug_assert!(footer.encode_utf16().count() <= MAX_HEADER_FOOTER);
    sheet.set_footer(footer);
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

fn write_report_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    table_sheets: &[String],
    styles: &mut Styles,
) -> Result<(), RenderError> {
    sheet.set_column_width(0, 100)?;
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
                row += 1;
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let text = if *ordered { format!("{}. {item}", i + 1) } else { format!("\u{2022} {item}") };
                    sheet.write_string_with_format(row, 0, cell_text(&text), &styles.list_item)?;
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

/// Column widths in characters: the relative widths shared out over about 14 characters a
/// column (at least 60 in all), each between 6 and 80.
fn column_widths(table: &Table, ncols: usize) -> Vec<f64> {
    let weights: Vec<f64> = (0..ncols)
        .map(|i| table.columns.get(i).map_or(1.0, |c| f64::from(c.width)))
        .map(|w| if w.is_finite() && w > 0.0 { w } else { 1.0 })
        .collect();
    let sum: f64 = weights.iter().sum();
    let total = (14.0 * ncols as f64).max(60.0);
    weights.iter().map(|w| (total * w / sum).clamp(6.0, 80.0).round()).collect()
}

fn write_table_sheet(
    sheet: &mut Worksheet,
    doc: &Document,
    table: &Table,
    styles: &mut Styles,
) -> Result<(), RenderError> {
    let ncols = table_width(table);
    let aligns: Vec<Align> = (0..ncols).map(|i| table.columns.get(i).map_or(Align::Left, |c| c.align)).collect();
    for (i, width) in column_widths(table, ncols).into_iter().enumerate() {
        sheet.set_column_width(i as u16, width)?;
    }
    page_setup(sheet, doc, table.landscape);

    let mut row = write_watermark(sheet, doc, styles)?;
    if let Some(caption) = table.caption.as_deref().filter(|c| !c.is_empty()) {
        sheet.write_string_with_format(row, 0, cell_text(caption), &styles.caption)?;
        row += 1;
    }

    // Header rows: as given, or one row of the column labels.
    let labels;
    let header: &[Vec<Cell>] = if table.header.is_empty() && !table.columns.is_empty() {
        labels = vec![table.columns.iter().map(|c| Cell::text(c.label.clone())).collect::<Vec<_>>()];
        &labels
    } else {
        &table.header
    };
    let first_header = row;
    for cells in header {
        write_row(sheet, row, cells, Role::Header, ncols, &aligns, styles, |_, _| Ok(None))?;
        row += 1;
    }
    let first_body = row;

    let totals = Totals::new(table, first_body);
    let mut status_columns = vec![false; ncols];
    for (i, r) in table.rows.iter().enumerate() {
        for (col, cell) in placed(&r.cells) {
            if matches!(cell.value, Value::Status(_)) {
                status_columns[col] = true;
            }
        }
        let role = Role::from(r.kind);
        write_row(sheet, row, &r.cells, role, ncols, &aligns, styles, |col, value| {
            if matches!(r.kind, RowKind::Subtotal | RowKind::Total) {
                totals.formula(i, col, value).map_err(|message| RenderError::InconsistentTotal {
                    table: table.name.clone(),
                    row: i,
                    column: col,
                    message,
                })
            } else {
                Ok(None)
            }
        })?;
        row += 1;
    }

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
            for &(label, fill, font) in &STATUS_COLOURS {
                let rule = ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::EqualTo(label))
                    .set_format(Format::new().set_background_color(fill).set_font_color(font));
                sheet.add_conditional_format(first_body, col as u16, last_body, col as u16, &rule)?;
            }
        }
    }
    Ok(())
}

/// Status words and their fill and font colours (Excel's good / neutral / bad styles).
const STATUS_COLOURS: [(&str, &str, &str); 3] =
    [("On track", "C6EFCE", "006100"), ("Needs attention", "FFEB9C", "9C5700"), ("Off track", "FFC7CE", "9C0006")];

/// Writes one row of cells from column 0; a cell spanning columns becomes a merged range.
/// Rows other than data rows are formatted across the whole table width (shading, borders).
/// `formula(col, value)` gives a cell's formula and cached result, if it has one.
#[allow(clippy::too_many_arguments)]
fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    role: Role,
    ncols: usize,
    aligns: &[Align],
    styles: &mut Styles,
    formula: impl Fn(usize, &Value) -> Result<Option<(String, String)>, RenderError>,
) -> Result<(), RenderError> {
    let mut end = 0;
    for (col, cell) in placed(cells) {
        let span = usize::from(cell.colspan.max(1));
        end = col + span;
        let align = aligns.get(col).copied().unwrap_or_default();
        let f = styles.cell(role, &cell.value, align);
        let (c, last) = (col as u16, (col + span - 1) as u16);
        if span > 1 {
            let text = match &cell.value {
                Value::Text(s) => cell_text(s),
                _ => "",
            };
            sheet.merge_range(row, c, row, last, text, f)?;
            if matches!(cell.value, Value::Text(_)) {
                continue;
            }
        }
        match formula(col, &cell.value)? {
            Some((text, result)) => {
                sheet.write_formula_with_format(row, c, Formula::new(text).set_result(result), f)?;
            }
            None => write_value(sheet, row, c, &cell.value, f)?,
        }
    }
    if role != Role::Data {
        for col in end..ncols {
            let align = aligns.get(col).copied().unwrap_or_default();
            let f = styles.cell(role, &Value::Empty, align);
            sheet.write_blank(row, col as u16, f)?;
        }
    }
    Ok(())
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
    fn header_footer_text_is_escaped_and_bounded() {
        assert_eq!(header_footer_text("R&D\nplan", 50), "R&&D plan");
        assert_eq!(header_footer_text("a&b", 2), "a");
        assert_eq!(header_footer_text("Oʻzbekiston", 4), "Oʻzb");
    }
}
