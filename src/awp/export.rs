//! Writes a work plan and the results framework as an XLSX workbook in the UNDP AWP layout.
//!
//! Sheet `AWP {year}`: a title, two header rows (`Timeframe` over Q1-Q4, `Planned budget` over
//! funding source, account, description and amount), then per output (column A, merged over
//! its rows) its activity results as heading rows and its activities (column B, merged over
//! their lines) with their timeframe marks and responsible party, one row per budget line; an
//! activity's lines end with its `Subtotal` row, an output's with its `Total output` row, the
//! plan-level lines (GMS) come last, then the grand `Total`. Every subtotal and total is a
//! `SUBTOTAL(9, ...)` formula (which skips the subtotals inside its range) with the figure as
//! its cached value. Column L holds each line's reference (its lineage id), so an import of the
//! file finds the line again even after its description or amount was edited.
//!
//! Sheet `Results framework`: one row per indicator with its result, unit, baseline and the
//! targets of each project year and of the life of the project.

use super::{AwpData, LineInfo, ResultInfo};
use crate::domain::indicators::Measure;
use crate::domain::results::ResultLevel;
use crate::error::AppError;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;

pub const COL_OUTPUT: u16 = 0;
pub const COL_ACTIVITY: u16 = 1;
pub const COL_Q1: u16 = 2;
pub const COL_PARTY: u16 = 6;
pub const COL_SOURCE: u16 = 7;
pub const COL_ACCOUNT: u16 = 8;
pub const COL_DESCRIPTION: u16 = 9;
pub const COL_AMOUNT: u16 = 10;
pub const COL_REF: u16 = 11;

/// The first rows: title (0), year and revision (1), headers (3 and 4); lines from row 5.
pub const HEADER_ROW: u32 = 3;
pub const FIRST_DATA_ROW: u32 = 5;

/// The label of the group of lines that are not on an activity (GMS and other plan-level lines).
pub const PLAN_LEVEL_LABEL: &str = "Plan-level lines (not attributed to an activity)";

pub const RESULTS_SHEET: &str = "Results framework";

/// The AWP sheet's name for a year.
pub fn awp_sheet_name(year: i32) -> String {
    format!("AWP {year}")
}

fn xlsx(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing the workbook: {e}"))
}

struct Formats {
    title: Format,
    note: Format,
    header: Format,
    text: Format,
    bold_text: Format,
    mark: Format,
    amount: Format,
    subtotal_label: Format,
    subtotal: Format,
    total_label: Format,
    total: Format,
    reference: Format,
    exp: u32,
}

impl Formats {
    fn new(exp: u32) -> Formats {
        let num = if exp == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(exp as usize)) };
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color("D9E1F2");
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_italic().set_font_color("595959"),
            header,
            text: cell.clone().set_text_wrap(),
            bold_text: cell.clone().set_text_wrap().set_bold().set_background_color("F2F2F2"),
            mark: cell.clone().set_align(FormatAlign::Center),
            amount: cell.clone().set_num_format(&num),
            subtotal_label: cell.clone().set_bold().set_italic(),
            subtotal: cell.clone().set_bold().set_num_format(&num),
            total_label: cell.clone().set_bold().set_background_color("D9E1F2"),
            total: cell.clone().set_bold().set_num_format(&num).set_background_color("D9E1F2"),
            reference: cell.set_font_color("808080"),
            exp,
        }
    }
}

/// Row heights for wrapped text (rust_xlsxwriter does not measure text): lines per row,
/// and merged cells that must fit over their rows.
#[derive(Default)]
struct Heights {
    rows: BTreeMap<u32, f64>,
    spans: Vec<(u32, u32, f64)>,
}

fn lines_for(text: &str, width: f64) -> f64 {
    let per_line = (width * 1.15 - 1.0).max(1.0);
    text.split('\n').map(|p| (p.chars().count() as f64 / per_line).ceil().max(1.0)).sum()
}

impl Heights {
    fn cell(&mut self, row: u32, text: &str, width: f64) {
        let n = lines_for(text, width);
        let e = self.rows.entry(row).or_insert(1.0);
        *e = e.max(n);
    }

    fn span(&mut self, first: u32, last: u32, text: &str, width: f64) {
        self.spans.push((first, last, lines_for(text, width)));
    }

    fn apply(mut self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (first, last, need) in std::mem::take(&mut self.spans) {
            let have: f64 = (first..=last).map(|r| self.rows.get(&r).copied().unwrap_or(1.0)).sum();
            if need > have {
                *self.rows.entry(last).or_insert(1.0) += need - have;
            }
        }
        for (row, lines) in self.rows {
            if lines > 1.0 {
                ws.set_row_height(row, 15.0 * lines)?;
            }
        }
        Ok(())
    }
}

/// Landscape A4, as wide as one page, the header rows on every page, "page X of Y".
fn print_setup(ws: &mut Worksheet, first: u32, last: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(first, last)?;
    ws.set_footer("&CPage &P of &N");
    Ok(())
}

/// One activity block: the activity (or none for the plan-level group) and its lines.
struct Block<'a> {
    activity: Option<&'a super::ActivityInfo>,
    result: Option<&'a ResultInfo>,
    lines: Vec<&'a LineInfo>,
}

/// The workbook bytes.
pub fn workbook(d: &AwpData) -> Result<Vec<u8>, AppError> {
    let mut wb = Workbook::new();
    let f = Formats::new(d.exp);
    awp_sheet(wb.add_worksheet(), d, &f).map_err(xlsx)?;
    results_sheet(wb.add_worksheet(), d, &f).map_err(xlsx)?;
    wb.save_to_buffer().map_err(xlsx)
}

fn awp_sheet(ws: &mut Worksheet, d: &AwpData, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(awp_sheet_name(d.year))?;
    let cur = &d.currency;
    ws.write_string_with_format(
        0,
        0,
        format!("Annual work plan {}: {} {}", d.year, d.project_code, d.project_title),
        &f.title,
    )?;
    let plan = match &d.plan {
        Some(p) => format!("Year: {}   Revision {} ({})   Currency: {cur}", d.year, p.revision, p.status),
        None => format!("Year: {}   Currency: {cur}", d.year),
    };
    ws.write_string_with_format(1, 0, plan, &f.note)?;
    let (h, h2) = (HEADER_ROW, HEADER_ROW + 1);
    ws.merge_range(h, COL_OUTPUT, h2, COL_OUTPUT, "Expected outputs", &f.header)?;
    ws.merge_range(h, COL_ACTIVITY, h2, COL_ACTIVITY, "Planned activities", &f.header)?;
    ws.merge_range(h, COL_Q1, h, COL_Q1 + 3, "Timeframe", &f.header)?;
    for q in 0..4u16 {
        ws.write_string_with_format(h2, COL_Q1 + q, format!("Q{}", q + 1), &f.header)?;
    }
    ws.merge_range(h, COL_PARTY, h2, COL_PARTY, "Responsible party", &f.header)?;
    ws.merge_range(h, COL_SOURCE, h, COL_AMOUNT, "Planned budget", &f.header)?;
    ws.write_string_with_format(h2, COL_SOURCE, "Funding source", &f.header)?;
    ws.write_string_with_format(h2, COL_ACCOUNT, "Budget account", &f.header)?;
    ws.write_string_with_format(h2, COL_DESCRIPTION, "Budget description", &f.header)?;
    ws.write_string_with_format(h2, COL_AMOUNT, format!("Amount ({cur})"), &f.header)?;
    ws.merge_range(h, COL_REF, h2, COL_REF, "Line ref.", &f.header)?;
    for (col, width) in [(0, 34.0), (1, 48.0), (2, 4.5), (3, 4.5), (4, 4.5), (5, 4.5), (6, 18.0), (7, 10.0)] {
        ws.set_column_width(col, width)?;
    }
    for (col, width) in [(8, 10.0), (9, 38.0), (10, 15.0), (11, 9.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    print_setup(ws, HEADER_ROW, HEADER_ROW + 1)?;

    // Activities grouped by output, then by activity result, in code order.
    let mut by_output: BTreeMap<usize, Vec<Block>> = BTreeMap::new();
    let order: std::collections::HashMap<i64, usize> = d.results.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut activities: Vec<&super::ActivityInfo> = d.activities.iter().collect();
    activities.sort_by_key(|a| order.get(&a.result_id).copied().unwrap_or(usize::MAX));
    let mut lines_of: std::collections::HashMap<Option<i64>, Vec<&LineInfo>> = std::collections::HashMap::new();
    for l in &d.lines {
        lines_of.entry(l.activity_result_id).or_default().push(l);
    }
    for a in activities {
        let output = d
            .ancestor(a.result_id, crate::domain::results::ResultLevel::Output)
            .and_then(|o| order.get(&o.id).copied())
            .unwrap_or(usize::MAX);
        by_output.entry(output).or_default().push(Block {
            activity: Some(a),
            result: d.result(a.result_id),
            lines: lines_of.remove(&Some(a.result_id)).unwrap_or_default(),
        });
    }
    let mut row = FIRST_DATA_ROW;
    let mut heights = Heights::default();
    for (output, blocks) in &by_output {
        let first = row;
        let mut current_ar: Option<i64> = None;
        for b in blocks {
            let ar = b.result.and_then(|r| d.ancestor(r.id, crate::domain::results::ResultLevel::ActivityResult));
            if let Some(ar) = ar
                && current_ar != Some(ar.id)
            {
                current_ar = Some(ar.id);
                let text = format!("{} Activity result: {}", ar.code, ar.title);
                heights.cell(row, &text, 44.0);
                ws.write_string_with_format(row, COL_ACTIVITY, text, &f.bold_text)?;
                for col in COL_Q1..=COL_REF {
                    ws.write_blank(row, col, &f.bold_text)?;
                }
                row += 1;
            }
            row = block(ws, d, f, b, row, &mut heights)?;
        }
        let label = match d.results.get(*output) {
            Some(o) => format!("Output {}: {}", o.code, o.title),
            None => "Activities outside an output".to_string(),
        };
        let text = output_text(d, *output, &label);
        heights.span(first, row - 1, &text, 34.0);
        if row - 1 > first {
            ws.merge_range(first, COL_OUTPUT, row - 1, COL_OUTPUT, &text, &f.text)?;
        } else {
            ws.write_string_with_format(first, COL_OUTPUT, &text, &f.text)?;
        }
        let code = d.results.get(*output).map(|o| o.code.clone()).unwrap_or_default();
        total_row(
            ws,
            f,
            row,
            format!("Total output {code}").trim(),
            first,
            row - 1,
            &f.subtotal_label,
            &f.subtotal,
            sum_of(blocks),
        )?;
        row += 1;
    }
    if let Some(lines) = lines_of.remove(&None) {
        let first = row;
        let b = Block { activity: None, result: None, lines };
        row = block(ws, d, f, &b, row, &mut heights)?;
        if row - 1 > first {
            ws.merge_range(first, COL_OUTPUT, row - 1, COL_OUTPUT, "Plan level", &f.text)?;
        } else {
            ws.write_string_with_format(first, COL_OUTPUT, "Plan level", &f.text)?;
        }
    }
    // Lines on an activity the plan does not schedule cannot be stored; nothing is left here.
    let total: i64 = d.lines.iter().map(|l| l.amount_minor).sum();
    total_row(
        ws,
        f,
        row,
        "Total",
        FIRST_DATA_ROW,
        row.saturating_sub(1).max(FIRST_DATA_ROW),
        &f.total_label,
        &f.total,
        total,
    )?;
    ws.write_string_with_format(row + 2, 0, format!("Amounts in {cur}. Subtotals and totals are formulas. Column L (line ref.) lets an import find each line again; leave it empty for a new line."), &f.note)?;
    heights.apply(ws)
}

fn sum_of(blocks: &[Block]) -> i64 {
    blocks.iter().flat_map(|b| b.lines.iter()).map(|l| l.amount_minor).sum()
}

/// The output cell: its code and title, then its indicators with baseline and the year's target.
fn output_text(d: &AwpData, output: usize, label: &str) -> String {
    let Some(o) = d.results.get(output) else { return label.to_string() };
    let mut text = label.to_string();
    for ind in d.indicators.iter().filter(|i| i.result_id == o.id) {
        text.push_str(&format!("\nIndicator {}: {}", ind.code, ind.title));
        if let Some(b) = ind.baseline_value {
            text.push_str(&format!("; baseline {}", number_text(b)));
        }
        if let Some(t) = ind.targets.iter().find(|t| t.period == d.year.to_string()) {
            match (t.value, &t.description) {
                (_, Some(desc)) if ind.measure == Measure::Qualitative => {
                    text.push_str(&format!("; target {}: {desc}", d.year))
                }
                (Some(v), _) => {
                    text.push_str(&format!("; target {}: {}", d.year, target_text(ind.measure.as_str(), v)))
                }
                _ => {}
            }
        }
    }
    text
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn target_text(measure: &str, v: f64) -> String {
    match measure {
        "yes_no" => if v >= 0.5 { "Yes" } else { "No" }.to_string(),
        _ => number_text(v),
    }
}

/// One activity (or the plan-level group): its lines, then its subtotal. Returns the next row.
fn block(
    ws: &mut Worksheet,
    d: &AwpData,
    f: &Formats,
    b: &Block,
    row: u32,
    heights: &mut Heights,
) -> Result<u32, XlsxError> {
    let first = row;
    let n = b.lines.len().max(1) as u32;
    let last = first + n - 1;
    let (label, party, marks) = match (b.activity, b.result) {
        (Some(a), Some(r)) => (format!("{} {}", r.code, r.title), a.responsible_party.clone(), a.marks),
        (Some(a), None) => (format!("activity {}", a.result_id), a.responsible_party.clone(), a.marks),
        _ => (PLAN_LEVEL_LABEL.to_string(), String::new(), [false; 4]),
    };
    let merge_or_write = |ws: &mut Worksheet, col: u16, text: &str, fmt: &Format| -> Result<(), XlsxError> {
        if last > first {
            ws.merge_range(first, col, last, col, text, fmt)?;
        } else {
            ws.write_string_with_format(first, col, text, fmt)?;
        }
        Ok(())
    };
    merge_or_write(ws, COL_ACTIVITY, &label, &f.text)?;
    heights.span(first, last, &label, 48.0);
    heights.span(first, last, &party, 18.0);
    for q in 0..4u16 {
        merge_or_write(ws, COL_Q1 + q, if marks[usize::from(q)] { "X" } else { "" }, &f.mark)?;
    }
    merge_or_write(ws, COL_PARTY, &party, &f.text)?;
    let scale = 10_f64.powi(d.exp as i32);
    for i in 0..n {
        let r = first + i;
        match b.lines.get(i as usize) {
            Some(l) => {
                ws.write_string_with_format(r, COL_SOURCE, &l.source_code, &f.text)?;
                ws.write_string_with_format(r, COL_ACCOUNT, &l.account_code, &f.text)?;
                ws.write_string_with_format(r, COL_DESCRIPTION, &l.description, &f.text)?;
                heights.cell(r, &l.description, 38.0);
                ws.write_number_with_format(r, COL_AMOUNT, l.amount_minor as f64 / scale, &f.amount)?;
                ws.write_number_with_format(r, COL_REF, l.lineage_id as f64, &f.reference)?;
            }
            None => {
                for col in [COL_SOURCE, COL_ACCOUNT, COL_DESCRIPTION] {
                    ws.write_blank(r, col, &f.text)?;
                }
                ws.write_blank(r, COL_AMOUNT, &f.amount)?;
                ws.write_blank(r, COL_REF, &f.reference)?;
            }
        }
    }
    let code = b.result.map(|r| r.code.clone()).unwrap_or_else(|| "plan level".into());
    let sum: i64 = b.lines.iter().map(|l| l.amount_minor).sum();
    total_row(ws, f, last + 1, &format!("Subtotal {code}"), first, last, &f.subtotal_label, &f.subtotal, sum)?;
    Ok(last + 2)
}

/// A subtotal or total row: its label in column B and `SUBTOTAL(9, K{first}:K{last})`.
#[allow(clippy::too_many_arguments)]
fn total_row(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    label: &str,
    first: u32,
    last: u32,
    label_format: &Format,
    format: &Format,
    sum_minor: i64,
) -> Result<(), XlsxError> {
    for col in COL_OUTPUT..=COL_REF {
        ws.write_blank(row, col, label_format)?;
    }
    ws.write_string_with_format(row, COL_ACTIVITY, label, label_format)?;
    let k = super::column_letters(u32::from(COL_AMOUNT));
    let scale = 10_f64.powi(f.exp as i32);
    let value = sum_minor as f64 / scale;
    let formula =
        Formula::new(format!("=SUBTOTAL(9,{k}{}:{k}{})", first + 1, last + 1)).set_result(number_result(value));
    ws.write_formula_with_format(row, COL_AMOUNT, formula, format)?;
    Ok(())
}

fn number_result(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v}") }
}

/// The results framework: one row per indicator (a result without indicators gets one row).
fn results_sheet(ws: &mut Worksheet, d: &AwpData, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(RESULTS_SHEET)?;
    ws.write_string_with_format(0, 0, format!("Results framework: {} {}", d.project_code, d.project_title), &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        "Targets of each year and of the life of the project (LOP); yes/no indicators as Yes or No, qualitative ones as text.",
        &f.note,
    )?;
    let mut headers: Vec<String> =
        ["Level", "Result", "Indicator code", "Indicator", "Unit", "Baseline", "Baseline year"]
            .map(String::from)
            .to_vec();
    headers.extend(d.years.iter().map(|y| format!("Target {y}")));
    headers.push("Target LOP".into());
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(3, i as u16, h, &f.header)?;
    }
    for (col, width) in [(0, 14.0), (1, 44.0), (2, 11.0), (3, 44.0), (4, 12.0), (5, 10.0), (6, 10.0)] {
        ws.set_column_width(col, width)?;
    }
    for i in 0..=d.years.len() {
        ws.set_column_width(7 + i as u16, 16.0)?;
    }
    ws.set_freeze_panes(4, 0)?;
    print_setup(ws, 3, 3)?;
    let mut row = 4;
    let mut heights = Heights::default();
    let periods: Vec<String> = d.years.iter().map(|y| y.to_string()).chain(["LOP".to_string()]).collect();
    for r in d.results.iter().filter(|r| r.level != ResultLevel::Activity) {
        let inds: Vec<_> = d.indicators.iter().filter(|i| i.result_id == r.id).collect();
        let level = r.level.as_str().replace('_', " ");
        if inds.is_empty() {
            ws.write_string_with_format(row, 0, &level, &f.text)?;
            ws.write_string_with_format(row, 1, format!("{} {}", r.code, r.title), &f.text)?;
            heights.cell(row, &format!("{} {}", r.code, r.title), 44.0);
            row += 1;
            continue;
        }
        for ind in inds {
            ws.write_string_with_format(row, 0, &level, &f.text)?;
            ws.write_string_with_format(row, 1, format!("{} {}", r.code, r.title), &f.text)?;
            ws.write_string_with_format(row, 2, &ind.code, &f.text)?;
            ws.write_string_with_format(row, 3, &ind.title, &f.text)?;
            heights.cell(row, &ind.title, 44.0);
            heights.cell(row, &format!("{} {}", r.code, r.title), 44.0);
            ws.write_string_with_format(row, 4, &ind.unit, &f.text)?;
            match ind.baseline_value {
                Some(b) if ind.measure == Measure::YesNo => {
                    ws.write_string_with_format(row, 5, target_text("yes_no", b), &f.text)?;
                }
                Some(b) => {
                    ws.write_number_with_format(row, 5, b, &f.text)?;
                }
                None => {
                    ws.write_string_with_format(row, 5, ind.baseline_note.clone().unwrap_or_default(), &f.text)?;
                }
            }
            match ind.baseline_year {
                Some(y) => ws.write_number_with_format(row, 6, f64::from(y), &f.text)?,
                None => ws.write_blank(row, 6, &f.text)?,
            };
            for (i, p) in periods.iter().enumerate() {
                let col = 7 + i as u16;
                match ind.targets.iter().find(|t| &t.period == p) {
                    Some(t) if ind.measure == Measure::Qualitative => {
                        heights.cell(row, t.description.as_deref().unwrap_or_default(), 16.0);
                        ws.write_string_with_format(row, col, t.description.clone().unwrap_or_default(), &f.text)?;
                    }
                    Some(t) => match t.value {
                        Some(v) if ind.measure == Measure::YesNo => {
                            ws.write_string_with_format(row, col, target_text("yes_no", v), &f.text)?;
                        }
                        Some(v) => {
                            ws.write_number_with_format(row, col, v, &f.amount_plain())?;
                        }
                        None => {
                            ws.write_blank(row, col, &f.text)?;
                        }
                    },
                    None => {
                        ws.write_blank(row, col, &f.text)?;
                    }
                }
            }
            row += 1;
        }
    }
    heights.apply(ws)
}

impl Formats {
    fn amount_plain(&self) -> Format {
        self.text.clone().set_num_format("General")
    }
}
