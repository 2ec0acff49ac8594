//! Reads an AWP workbook (the layout `export` writes, or one a person typed) and compares it
//! with the stored plan and targets.
//!
//! How a sheet is read:
//! - **The file**: at most [`MAX_WORKBOOK_BYTES`]; an XLSX (a ZIP with `xl/workbook.xml`); a
//!   password-protected workbook (an OLE file with an `EncryptedPackage`), an `.xls`, anything
//!   else, or one that unpacks to more than 256 MB is refused with a sentence saying so.
//! - **The header row** is found by its text, in English or Russian, in the first 40 rows of
//!   each sheet, also when it spans two rows (`Timeframe` over `Q1`..`Q4`): planned activities,
//!   Q1-Q4, responsible party, funding source, budget account, budget description, amount;
//!   expected outputs and a line reference are optional. The first sheet with such a row is
//!   the AWP; a sheet with indicator codes and `Target 2013` / `Target LOP` columns is the
//!   results framework.
//! - **Outputs** start where column A says `Output ...` (or a result code); **activity results**
//!   where column B says `Activity result` (or an activity result's code); an **activity**
//!   where column B starts with `Action N`, `Activity N`, `Мероприятие N` or an activity's code,
//!   or where a new merged cell begins; text without such a marker continues the activity above
//!   (text spread over several rows). An activity is matched to the results framework by its
//!   code, else by its words (the closest title, which must stand out).
//! - **Lines**: a row with an account, a description or a source. The account is column
//!   `Budget account`, or the number a description starts with (`72100 Contracts with
//!   companies`). Lines outside any activity belong to the activity result's single activity,
//!   or, on an indirect-cost account (GMS), to the plan.
//! - **Subtotal and total rows** (`Subtotal`, `Total`, `Итого`, `Подитог`, `Всего`, or an amount
//!   without account and description) are not lines: each is checked against the lines it can
//!   stand for (since the previous subtotal, the activity, the activity result, the output, all).
//! - **Cells**: a formula is read by its cached value (none: a problem); an amount must be a
//!   number with at most the currency's decimals; a quarter mark `X` or empty.

use super::{AwpData, IndicatorInfo, LineInfo, MAX_WORKBOOK_BYTES, amount_text, cell_place, row_place};
use crate::domain::FieldError;
use crate::domain::indicators::{Measure, check_target};
use crate::domain::money::MAX_AMOUNT_MINOR;
use crate::domain::results::ResultLevel;
use crate::error::AppError;
use calamine::{Data, Range, Reader, Xlsx};
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Cursor;
use utoipa::ToSchema;

/// The most the parts of a workbook may unpack to (a "ZIP bomb" is refused before parsing).
const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
const HEADER_SEARCH_ROWS: u32 = 40;

/// A problem (or a note) with its place as a person sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkbookProblem {
    /// `AWP 2013!I14` (a cell), `AWP 2013, row 31` (a row) or the sheet.
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for WorkbookProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A budget line as the workbook has it.
#[derive(Debug, Clone)]
pub struct WbLine {
    /// `AWP 2013, row 14`
    pub place: String,
    pub source_id: i64,
    pub source_code: String,
    pub account_code: String,
    pub description: String,
    pub amount_minor: i64,
    /// Column `Line ref.`: the lineage id the export wrote.
    pub reference: Option<i64>,
}

/// An activity as the workbook has it (matched to the results framework).
#[derive(Debug, Clone)]
pub struct WbActivity {
    pub result_id: i64,
    pub place: String,
    pub marks: [bool; 4],
    pub party: String,
    pub lines: Vec<WbLine>,
}

/// A target cell of the results-framework sheet.
#[derive(Debug, Clone)]
pub struct WbTarget {
    pub place: String,
    pub indicator: usize,
    pub period: String,
    /// `None`: the cell is empty (a stored target is deleted).
    pub value: Option<(Option<f64>, Option<String>)>,
}

/// What a workbook says, read and matched, with the problems found.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub sheets: Vec<String>,
    pub activities: Vec<WbActivity>,
    pub plan_lines: Vec<WbLine>,
    pub targets: Vec<WbTarget>,
    pub problems: Vec<WorkbookProblem>,
    pub notes: Vec<WorkbookProblem>,
    pub subtotals_checked: usize,
}

fn refuse(message: impl Into<String>) -> AppError {
    AppError::Validation(vec![FieldError::new("file", message)])
}

/// Checks the bytes are an XLSX workbook that can be read safely; the 422 names the problem.
pub fn check_file(bytes: &[u8]) -> Result<(), AppError> {
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(refuse(format!(
            "the workbook is {:.1} MB: at most {} MB is imported",
            bytes.len() as f64 / 1_048_576.0,
            MAX_WORKBOOK_BYTES / 1_048_576
        )));
    }
    if bytes.is_empty() {
        return Err(refuse("the body is empty: send the workbook (.xlsx) as the body"));
    }
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(&OLE) {
        let encrypted: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        if bytes.windows(encrypted.len()).any(|w| w == encrypted.as_slice()) {
            return Err(refuse(
                "the workbook is password-protected (encrypted): save a copy without a password (File > Info > \
                 Protect Workbook > Encrypt with Password, clear it) and import that",
            ));
        }
        return Err(refuse("this is an Excel 97-2003 workbook (.xls), not an XLSX: save it as .xlsx and import that"));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(refuse("the file is not an XLSX workbook (not a ZIP package): save it from Excel as .xlsx"));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refuse(format!("the file is not an XLSX workbook: its ZIP package cannot be read ({e})")))?;
    let mut unpacked: u64 = 0;
    let mut has_workbook = false;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| refuse(format!("the XLSX package is damaged ({e})")))?;
        unpacked = unpacked.saturating_add(f.size());
        has_workbook |= f.name().is_ok_and(|n| n == "xl/workbook.xml");
    }
    if !has_workbook {
        return Err(refuse(
            "the file is a ZIP package but not an XLSX workbook (no xl/workbook.xml; an .ods or .xlsb?): save it as .xlsx",
        ));
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(refuse(format!(
            "the workbook unpacks to more than {} MB: too large to import",
            MAX_UNPACKED_BYTES >> 20
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Cells

struct Grid {
    name: String,
    values: Range<Data>,
    formulas: Range<String>,
    /// Top-left cell of each merged region -> its last row.
    merge_last_row: HashMap<(u32, u32), u32>,
}

impl Grid {
    fn value(&self, r: u32, c: u32) -> &Data {
        self.values.get_value((r, c)).unwrap_or(&Data::Empty)
    }

    fn formula(&self, r: u32, c: u32) -> Option<&str> {
        self.formulas.get_value((r, c)).map(String::as_str).filter(|f| !f.is_empty())
    }

    fn text(&self, r: u32, c: u32) -> String {
        data_text(self.value(r, c))
    }

    /// The rows in use (none for an empty sheet).
    fn rows(&self) -> std::ops::Range<u32> {
        match (self.values.start(), self.values.end()) {
            (Some(s), Some(e)) => s.0..e.0 + 1,
            _ => 0..0,
        }
    }

    fn cols(&self) -> std::ops::Range<u32> {
        match (self.values.start(), self.values.end()) {
            (Some(s), Some(e)) => s.1..e.1 + 1,
            _ => 0..0,
        }
    }

    fn place(&self, r: u32, c: u32) -> String {
        cell_place(&self.name, r, c)
    }

    /// The cell starts a merged region of several rows.
    fn starts_tall_merge(&self, r: u32, c: u32) -> bool {
        self.merge_last_row.get(&(r, c)).is_some_and(|last| *last > r)
    }
}

/// A cell as text; control characters (which no field may hold, and PostgreSQL refuses NUL)
/// are dropped.
fn data_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect::<String>()
            .replace('\u{a0}', " ")
            .trim()
            .to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        other => other.to_string(),
    }
}

/// Lower case, `ё` as `е`, spaces collapsed.
fn norm(s: &str) -> String {
    s.to_lowercase().replace('ё', "е").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A number typed as text: `10 000`, `10,000.50`, `10 000,50`, `$1,500`.
fn parse_number_text(s: &str) -> Option<f64> {
    let t: String = s.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '$' && *c != '\'').collect();
    if t.is_empty() {
        return None;
    }
    let t = match (t.rfind(','), t.rfind('.')) {
        (Some(c), Some(d)) if c < d => t.replace(',', ""),
        (Some(_), Some(_)) => t.replace('.', "").replace(',', "."),
        (Some(c), None) if t.len() - c - 1 == 3 && t.matches(',').count() >= 1 && !t.starts_with("0,") => {
            t.replace(',', "")
        }
        (Some(_), None) => t.replace(',', "."),
        _ => t,
    };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

// ---------------------------------------------------------------------------------------
// Header rows

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Output,
    Activity,
    Q(u8),
    Party,
    Source,
    Account,
    Description,
    Amount,
    Ref,
}

fn classify_awp(text: &str) -> Option<Col> {
    let t = norm(text);
    if t.is_empty() {
        return None;
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect();
    for (q, names) in [
        (1, ["q1", "1кв", "кв1", "iкв", "1квартал"]),
        (2, ["q2", "2кв", "кв2", "iiкв", "2квартал"]),
        (3, ["q3", "3кв", "кв3", "iiiкв", "3квартал"]),
        (4, ["q4", "4кв", "кв4", "ivкв", "4квартал"]),
    ] {
        if names.contains(&compact.as_str()) || compact == format!("квартал{q}") {
            return Some(Col::Q(q));
        }
    }
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if t.starts_with("ref") || has(&["line ref", "ссылка", "ид строки", "№ строки"]) {
        Some(Col::Ref)
    } else if has(&["responsib", "ответствен", "исполнител"]) {
        Some(Col::Party)
    } else if has(&["source", "источник", "donor", "донор"]) {
        Some(Col::Source)
    } else if has(&["account", "счет", "atlas", "код статьи", "бюджетный код", "budget code"])
    {
        Some(Col::Account)
    } else if has(&["description", "описание", "статья", "наименование расход"]) {
        Some(Col::Description)
    } else if has(&["amount", "сумма", "стоимость"]) {
        Some(Col::Amount)
    } else if has(&["activit", "мероприят", "деятельност", "действи", "action"]) {
        Some(Col::Activity)
    } else if has(&["output", "ожидаем", "результат", "продукт"]) {
        Some(Col::Output)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RfCol {
    Result,
    IndicatorCode,
    Indicator,
    Baseline,
    Target(Option<i32>),
}

fn year_in(t: &str) -> Option<i32> {
    let b = t.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let w = &b[i..i + 4];
        let edge_before = i == 0 || !b[i - 1].is_ascii_digit();
        let edge_after = i + 4 == b.len() || !b[i + 4].is_ascii_digit();
        (w.iter().all(u8::is_ascii_digit) && edge_before && edge_after)
            .then(|| t[i..i + 4].parse().ok())
            .flatten()
            .filter(|y| (1900..=2200).contains(y))
    })
}

fn classify_rf(text: &str) -> Option<RfCol> {
    let t = norm(text);
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["target", "цел"]) {
        if has(&["lop", "life of project", "весь период", "за проект", "итого"]) {
            return Some(RfCol::Target(None));
        }
        return year_in(&t).map(|y| RfCol::Target(Some(y)));
    }
    if has(&["baseline", "исходн", "базов"]) {
        return (!has(&["year", "год"])).then_some(RfCol::Baseline);
    }
    if has(&["indicator", "индикатор", "показател"]) {
        return Some(if has(&["code", "код"]) { RfCol::IndicatorCode } else { RfCol::Indicator });
    }
    if has(&["result", "результат"]) {
        return Some(RfCol::Result);
    }
    None
}

/// The header row (with the row above it for two-row headers) and each kind's column.
fn find_header<K: Copy + Eq + std::hash::Hash>(
    g: &Grid,
    classify: impl Fn(&str) -> Option<K>,
    valid: impl Fn(&HashMap<K, u32>) -> bool,
) -> Option<(u32, HashMap<K, u32>)> {
    let first = g.rows().start;
    let mut best: Option<(u32, HashMap<K, u32>)> = None;
    for r in g.rows().take(HEADER_SEARCH_ROWS as usize) {
        let mut kinds: HashMap<K, u32> = HashMap::new();
        let mut taken: HashSet<u32> = HashSet::new();
        for c in g.cols() {
            if let Some(k) = classify(&g.text(r, c))
                && !kinds.contains_key(&k)
            {
                kinds.insert(k, c);
                taken.insert(c);
            }
        }
        if r > first {
            for c in g.cols().filter(|c| !taken.contains(c)) {
                if let Some(k) = classify(&g.text(r - 1, c))
                    && !kinds.contains_key(&k)
                {
                    kinds.insert(k, c);
                }
            }
        }
        if valid(&kinds) && best.as_ref().is_none_or(|(_, b)| kinds.len() > b.len()) {
            best = Some((r, kinds));
        }
    }
    best
}

// ---------------------------------------------------------------------------------------
// Markers in the text

fn leading_code(t: &str) -> Option<(String, String)> {
    let t = t.trim_start();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let code = t[..end].trim_end_matches('.');
    if code.is_empty() || !code.contains('.') && end == t.len() {
        return None;
    }
    if !code.split('.').all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    Some((code.to_string(), t[end..].trim_start_matches([':', ' ', ')', '-', '–']).trim().to_string()))
}

const ACTION_WORDS: [&str; 6] = ["action", "activity", "мероприятие", "действие", "деятельность", "активность"];

/// `Action 2. Global conference ...` -> the text after the marker.
fn action_marker(t: &str) -> Option<String> {
    let n = norm(t);
    for w in ACTION_WORDS {
        if let Some(rest) = n.strip_prefix(w) {
            let rest_t = rest.trim_start();
            if rest_t.starts_with("result") || rest_t.starts_with("результат") {
                return None;
            }
            let digits = rest_t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
            if rest_t.starts_with(|c: char| c.is_ascii_digit()) || rest.starts_with([':', '.']) {
                let skip = t.chars().count() - digits.chars().count();
                return Some(
                    t.chars()
                        .skip(skip)
                        .collect::<String>()
                        .trim_start_matches([':', '.', ')', ' '])
                        .trim()
                        .to_string(),
                );
            }
        }
    }
    None
}

/// Finds an `Action N.` marker inside a text (an activity result and its first action in one cell).
fn split_at_action(t: &str) -> Option<(String, String)> {
    let lower = t.to_lowercase();
    for w in ["action", "мероприятие", "действие"] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(w) {
            let at = from + pos;
            if at > 0 && t.is_char_boundary(at) {
                let rest = &t[at..];
                if action_marker(rest).is_some() {
                    return Some((t[..at].trim().to_string(), rest.to_string()));
                }
            }
            from = at + w.len();
        }
    }
    None
}

fn activity_result_marker(t: &str) -> bool {
    let n = norm(t);
    let head: String = n.chars().take(40).collect();
    head.contains("activity result") || head.contains("результат деятельности") || head.contains("результат мероприят")
}

fn output_marker(t: &str) -> bool {
    let n = norm(t);
    n.starts_with("output") || n.starts_with("результат") || n.starts_with("продукт") || n.starts_with("ожидаемый")
}

fn plan_level_marker(t: &str) -> bool {
    let n = norm(t);
    n.starts_with("plan level")
        || n.starts_with("plan-level")
        || n.contains("not attributed to an activity")
        || n.contains("без привязки к мероприят")
        || n.starts_with("уровень плана")
}

/// `Subtotal`, `Total`, `Итого`, `Подитог`, `Всего` (and `SUBTOTAL:`), at the start of a cell.
fn total_label(t: &str) -> Option<bool> {
    let n = norm(t).trim_start_matches(|c: char| !c.is_alphanumeric()).to_string();
    let sub = ["subtotal", "sub-total", "sub total", "подитог", "промежуточный итог", "итого по", "всего по"];
    if sub.iter().any(|w| n.starts_with(w)) {
        return Some(false);
    }
    if ["total", "итого", "всего", "grand total"].iter().any(|w| n.starts_with(w)) {
        let whole =
            !(n.contains("output") || n.contains("activit") || n.contains("результат") || n.contains("мероприят"));
        return Some(whole);
    }
    None
}

fn words(t: &str) -> HashSet<String> {
    const STOP: [&str; 22] = [
        "the", "and", "for", "with", "within", "from", "into", "its", "their", "this", "that", "action", "activity",
        "of", "in", "on", "to", "a", "an", "by", "at", "as",
    ];
    norm(t)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(w) && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.chars().take(7).collect())
        .collect()
}

/// Dice coefficient of the word sets (words cut to 7 letters, so `establish` meets `establishment`).
fn similarity(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

fn short(t: &str) -> String {
    let one_line = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}

// ---------------------------------------------------------------------------------------
// The AWP sheet

#[derive(Debug, Default)]
struct Block {
    place: String,
    first_row: u32,
    text: String,
    resolved: Option<i64>,
    plan_level: bool,
    ar: Option<i64>,
    marks: [bool; 4],
    party: String,
    party_place: String,
    lines: Vec<WbLine>,
    /// Index of the block's first line in the sheet's list of amounts (subtotal checks).
    start: usize,
    closed: bool,
    /// Marks or party already given on an earlier row.
    has_attributes: bool,
}

struct Ctx<'a> {
    d: &'a AwpData,
    code_of: HashMap<&'a str, &'a super::ResultInfo>,
    problems: Vec<WorkbookProblem>,
    notes: Vec<WorkbookProblem>,
    seen: HashSet<String>,
}

impl Ctx<'_> {
    fn problem(&mut self, place: String, message: impl Into<String>) {
        let f = WorkbookProblem { place, message: message.into() };
        if self.seen.insert(f.to_string()) {
            self.problems.push(f);
        }
    }

    fn children_activities(&self, parent: i64) -> Vec<i64> {
        self.d
            .results
            .iter()
            .filter(|r| r.level == ResultLevel::Activity && r.parent_id == Some(parent))
            .map(|r| r.id)
            .collect()
    }
}

/// Reads the workbook and matches it against `d`; a workbook that cannot be read at all is a 422.
pub fn read(bytes: &[u8], d: &AwpData) -> Result<Reading, AppError> {
    check_file(bytes)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        refuse(format!("the workbook cannot be read: {e}: save it again from Excel or LibreOffice as .xlsx"))
    })?;
    let mut grids = vec![];
    for name in wb.sheet_names() {
        let values = wb.worksheet_range(&name).map_err(|e| refuse(format!("sheet {name} cannot be read: {e}")))?;
        let formulas = wb.worksheet_formula(&name).unwrap_or_default();
        let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let merge_last_row = merges.iter().map(|m| ((m.start.0, m.start.1), m.end.0)).collect();
        grids.push(Grid { name, values, formulas, merge_last_row });
    }
    let awp_valid = |k: &HashMap<Col, u32>| {
        k.contains_key(&Col::Amount)
            && k.contains_key(&Col::Activity)
            && (k.contains_key(&Col::Account) || k.contains_key(&Col::Description))
    };
    let Some((gi, (header, cols))) =
        grids.iter().enumerate().find_map(|(i, g)| find_header(g, classify_awp, awp_valid).map(|h| (i, h)))
    else {
        let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
        return Err(refuse(format!(
            "no recognisable header row: none of the sheets ({}) has, in its first {HEADER_SEARCH_ROWS} rows, a row \
             naming the columns Planned activities, Budget description (or Budget account) and Amount, in English \
             or Russian (Запланированные мероприятия, Описание бюджета, Сумма)",
            names.join(", ")
        )));
    };
    let mut ctx = Ctx {
        d,
        code_of: d.results.iter().map(|r| (r.code.as_str(), r)).collect(),
        problems: vec![],
        notes: vec![],
        seen: HashSet::new(),
    };
    let mut reading = Reading { sheets: vec![grids[gi].name.clone()], ..Reading::default() };
    for g in &grids {
        missing_cached_values(g, &mut ctx);
    }
    read_awp(&grids[gi], header, &cols, &mut ctx, &mut reading);
    let rf_valid = |k: &HashMap<RfCol, u32>| {
        (k.contains_key(&RfCol::IndicatorCode) || k.contains_key(&RfCol::Indicator))
            && k.keys().any(|c| matches!(c, RfCol::Target(_)))
    };
    if let Some((g, (h, c))) = grids
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != gi)
        .find_map(|(_, g)| find_header(g, classify_rf, rf_valid).map(|h| (g, h)))
    {
        reading.sheets.push(g.name.clone());
        read_results(g, h, &c, &mut ctx, &mut reading);
    }
    reading.problems = ctx.problems;
    reading.notes = ctx.notes;
    Ok(reading)
}

fn missing_cached_values(g: &Grid, ctx: &mut Ctx) {
    let (Some(start), Some(end)) = (g.formulas.start(), g.formulas.end()) else { return };
    for r in start.0..=end.0 {
        for c in start.1..=end.1 {
            if let Some(f) = g.formula(r, c)
                && matches!(g.value(r, c), Data::Empty)
            {
                ctx.problem(
                    g.place(r, c),
                    format!(
                        "formula ={f} has no calculated value: open the workbook in Excel or LibreOffice, let it \
                         calculate and save it"
                    ),
                );
            }
        }
    }
}

/// A cell's amount in minor units; `Ok(None)` when empty.
fn amount_cell(g: &Grid, r: u32, c: u32, exp: u32, what: &str) -> Result<Option<i64>, String> {
    let v = match g.value(r, c) {
        Data::Empty => return Ok(None),
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        Data::String(s) if s.trim().is_empty() => return Ok(None),
        Data::String(s) => parse_number_text(s).ok_or_else(|| format!("{what} \"{}\" is not a number", s.trim()))?,
        other => return Err(format!("{what} \"{}\" is not a number", data_text(other))),
    };
    if v < 0.0 {
        return Err(format!("{what} {v} is negative"));
    }
    let scaled = v * 10_f64.powi(exp as i32);
    let minor = scaled.round();
    if (scaled - minor).abs() > 1e-6 * scaled.abs().max(1.0) {
        return Err(format!("{what} {v} has more than {exp} decimals"));
    }
    if minor > MAX_AMOUNT_MINOR as f64 {
        return Err(format!("{what} {v} is over the largest amount (10^15 minor units)"));
    }
    Ok(Some(minor as i64))
}

struct Amounts {
    /// Every amount read (lines), in order.
    list: Vec<i64>,
    since_subtotal: usize,
    ar_start: usize,
    output_start: usize,
}

impl Amounts {
    fn sum(&self, from: usize) -> i64 {
        self.list[from.min(self.list.len())..].iter().sum()
    }
}

fn read_awp(g: &Grid, header: u32, cols: &HashMap<Col, u32>, ctx: &mut Ctx, reading: &mut Reading) {
    let d = ctx.d;
    let col = |k: Col| cols.get(&k).copied();
    let sheet_year = year_in(&g.name);
    // The year the sheet says it is (its name, or a `Year: 2013` cell above the header).
    let mut stated: Option<(i32, String)> = sheet_year.map(|y| (y, g.name.clone()));
    for r in g.rows().start..header {
        for c in g.cols() {
            let t = norm(&g.text(r, c));
            if (t.starts_with("year") || t.starts_with("год")) && stated.is_none() {
                let y = year_in(&t).or_else(|| year_in(&g.text(r, c + 1)));
                if let Some(y) = y {
                    stated = Some((y, g.place(r, c)));
                }
            }
        }
    }
    if let Some((y, place)) = stated
        && y != d.year
    {
        ctx.problem(place, format!("this is the {y} work plan, imported as the {} one: import it as {y}", d.year));
    }

    let mut st = State {
        blocks: vec![],
        open: None,
        output: None,
        ar: None,
        plan_level: false,
        amounts: Amounts { list: vec![], since_subtotal: 0, ar_start: 0, output_start: 0 },
        pending: Block::default(),
    };
    let amount_col = col(Col::Amount).expect("a header has an amount");
    let act_col = col(Col::Activity).expect("a header has activities");
    let label_cols: Vec<u32> = [Col::Output, Col::Activity, Col::Source, Col::Account, Col::Description]
        .iter()
        .filter_map(|k| col(*k))
        .collect();

    for r in header + 1..g.rows().end {
        let has = |k: Col| col(k).is_some_and(|c| !g.text(r, c).is_empty());
        // Subtotal and total rows: checked, never lines.
        let label =
            label_cols.iter().find_map(|c| total_label(&g.text(r, *c)).map(|whole| (whole, norm(&g.text(r, *c)))));
        let line_like = has(Col::Account) || has(Col::Description);
        let implicit_total = label.is_none() && !line_like && has(Col::Amount) && !has(Col::Activity);
        if label.is_some() || implicit_total {
            subtotal_row(g, r, amount_col, label, ctx, &mut st, reading);
            continue;
        }

        // Column A: an output starts (its text may go on over the rows below: baseline, indicators).
        if let Some(c) = col(Col::Output) {
            let t = g.text(r, c);
            if plan_level_marker(&t) {
                st.plan_level = true;
                st.open = None;
            } else if !t.is_empty() && (output_marker(&t) || leading_code(&t).is_some() || g.starts_tall_merge(r, c)) {
                let first_line = t.lines().next().unwrap_or_default().to_string();
                st.output = resolve_output(ctx, &first_line);
                st.open = None;
                st.ar = None;
                st.plan_level = false;
                st.amounts.output_start = st.amounts.list.len();
                st.amounts.ar_start = st.amounts.list.len();
            }
        }

        // Column B: activity results, activities, or text that continues the activity above.
        let t = g.text(r, act_col);
        if !t.is_empty() {
            activity_cell(g, r, act_col, &t, cols, ctx, &mut st);
        }

        // Timeframe marks and responsible party, then the line.
        match st.open {
            Some(b) => apply_attributes(g, r, cols, ctx, &mut st.blocks[b]),
            None => apply_attributes(g, r, cols, ctx, &mut st.pending),
        }
        line_row(g, r, cols, ctx, &mut st);
    }
    let blocks = std::mem::take(&mut st.blocks);

    // Match the blocks to the results framework; merge repeats.
    let mut by_result: HashMap<i64, usize> = HashMap::new();
    let mut party_place: HashMap<i64, String> = HashMap::new();
    for b in blocks {
        if b.plan_level {
            reading.plan_lines.extend(b.lines);
            continue;
        }
        let id = match b.resolved {
            Some(id) => Some(id),
            None if b.text.is_empty() => None,
            None => resolve_activity(ctx, &b),
        };
        let Some(id) = id else {
            if b.text.is_empty() && !b.lines.is_empty() {
                ctx.problem(
                    b.place.clone(),
                    "budget lines outside any activity: write the activity in the activities column",
                );
            }
            continue;
        };
        let code = ctx.d.result(id).map(|r| r.code.clone()).unwrap_or_default();
        if b.party.chars().count() > 300 {
            ctx.problem(
                b.place.clone(),
                format!("the responsible party of activity {code} is longer than 300 characters"),
            );
        }
        if !party_place.contains_key(&id) || b.party.trim().is_empty() && party_place[&id].is_empty() {
            party_place.insert(id, if b.party_place.is_empty() { b.place.clone() } else { b.party_place.clone() });
        }
        match by_result.get(&id) {
            Some(&i) => {
                let a: &mut WbActivity = &mut reading.activities[i];
                for q in 0..4 {
                    a.marks[q] |= b.marks[q];
                }
                if a.party.is_empty() {
                    a.party = b.party.split_whitespace().collect::<Vec<_>>().join(" ");
                } else if !b.party.is_empty() && norm(&b.party) != norm(&a.party) {
                    ctx.problem(
                        b.place.clone(),
                        format!(
                            "activity {code} appears twice with different responsible parties (\"{}\", \"{}\")",
                            a.party, b.party
                        ),
                    );
                }
                a.lines.extend(b.lines);
            }
            None => {
                by_result.insert(id, reading.activities.len());
                reading.activities.push(WbActivity {
                    result_id: id,
                    place: b.place,
                    marks: b.marks,
                    party: b.party.split_whitespace().collect::<Vec<_>>().join(" "),
                    lines: b.lines,
                });
            }
        }
    }
    for a in &reading.activities {
        if a.party.trim().is_empty() {
            let code = ctx.d.result(a.result_id).map(|r| r.code.clone()).unwrap_or_default();
            let place = party_place.get(&a.result_id).cloned().unwrap_or_else(|| a.place.clone());
            ctx.problem(place, format!("activity {code} has no responsible party"));
        }
    }
}

struct State {
    blocks: Vec<Block>,
    open: Option<usize>,
    output: Option<i64>,
    ar: Option<i64>,
    plan_level: bool,
    amounts: Amounts,
    /// Marks and party given before any activity opened (the next one takes them).
    pending: Block,
}

impl State {
    fn start(&mut self, place: String, r: u32, text: String, resolved: Option<i64>, plan_level: bool) -> usize {
        let pending = std::mem::take(&mut self.pending);
        self.blocks.push(Block {
            place,
            first_row: r,
            text,
            resolved,
            plan_level,
            ar: self.ar,
            marks: pending.marks,
            party: pending.party,
            party_place: pending.party_place,
            has_attributes: pending.has_attributes,
            start: self.amounts.list.len(),
            ..Block::default()
        });
        self.open = Some(self.blocks.len() - 1);
        self.blocks.len() - 1
    }
}

/// A subtotal or total row: its amount must be the sum of the lines it can stand for (since
/// the previous subtotal, the activity, the activity result, the output, all). When it is not,
/// the problem names the sum of the scope its label points to: an amount alone or a label
/// naming an activity, the lines since the previous subtotal; `Total output`, the output's;
/// `Total`, all; a bare `SUBTOTAL:`, the closest of the activity result's, the output's and all.
fn subtotal_row(
    g: &Grid,
    r: u32,
    amount_col: u32,
    label: Option<(bool, String)>,
    ctx: &mut Ctx,
    st: &mut State,
    reading: &mut Reading,
) {
    let whole = label.as_ref().is_some_and(|(w, _)| *w);
    let exp = ctx.d.exp;
    match amount_cell(g, r, amount_col, exp, "subtotal") {
        Err(m) => ctx.problem(g.place(r, amount_col), m),
        Ok(None) => {}
        Ok(Some(stated)) => {
            reading.subtotals_checked += 1;
            let a = &st.amounts;
            let block_start = st.open.map(|b| st.blocks[b].start);
            let mut candidates = vec![a.sum(a.since_subtotal)];
            candidates.extend(block_start.map(|s| a.sum(s)));
            candidates.extend([a.sum(a.ar_start), a.sum(a.output_start), a.sum(0)]);
            if whole {
                candidates = vec![a.sum(0)];
            }
            if !candidates.contains(&stated) {
                let text = label.as_ref().map(|(_, t)| t.as_str()).unwrap_or_default();
                let names_activity = leading_code(text.split_whitespace().last().unwrap_or_default()).is_some()
                    || text.contains("activit")
                    || text.contains("мероприят");
                let preferred = if whole {
                    vec![a.sum(0)]
                } else if text.contains("output") || text.contains("результат") {
                    vec![a.sum(a.output_start)]
                } else if label.is_none() || names_activity {
                    vec![a.sum(a.since_subtotal)]
                } else {
                    vec![a.sum(a.ar_start), a.sum(a.output_start), a.sum(0)]
                };
                let nearest = *preferred.iter().min_by_key(|c| (**c - stated).unsigned_abs()).expect("one candidate");
                let word = if whole { "total" } else { "subtotal" };
                ctx.problem(
                    row_place(&g.name, r),
                    format!(
                        "{word} {} differs from its lines, {}",
                        amount_text(stated, exp),
                        amount_text(nearest, exp)
                    ),
                );
            } else if block_start.is_some_and(|s| a.sum(s) == stated && a.list.len() > s) {
                // The activity's own subtotal closes it: lines below belong elsewhere.
                if let Some(b) = st.open.take() {
                    st.blocks[b].closed = true;
                }
            }
        }
    }
    st.amounts.since_subtotal = st.amounts.list.len();
}

/// The text of the activities column on a row.
#[allow(clippy::too_many_arguments)]
fn activity_cell(g: &Grid, r: u32, act_col: u32, t: &str, cols: &HashMap<Col, u32>, ctx: &mut Ctx, st: &mut State) {
    let place = g.place(r, act_col);
    if plan_level_marker(t) {
        st.plan_level = true;
        st.start(place, r, String::new(), None, true);
        return;
    }
    let code_hit = leading_code(t).and_then(|(code, _)| ctx.code_of.get(code.as_str()).copied());
    let is_ar = match code_hit {
        Some(h) if h.level == ResultLevel::ActivityResult => true,
        Some(h) if h.level == ResultLevel::Activity => false,
        _ => activity_result_marker(t),
    };
    if is_ar {
        let (ar_text, rest) = match split_at_action(t) {
            Some((a, rest)) => (a, Some(rest)),
            None => (t.to_string(), None),
        };
        st.ar = match code_hit {
            Some(h) if h.level == ResultLevel::ActivityResult => Some(h.id),
            _ => resolve_by_words(ctx, &ar_text, ResultLevel::ActivityResult, st.output),
        };
        if let Some(a) = st.ar {
            st.output = ctx.d.ancestor(a, crate::domain::results::ResultLevel::Output).map(|o| o.id).or(st.output);
        }
        st.open = None;
        st.plan_level = false;
        st.amounts.ar_start = st.amounts.list.len();
        if let Some(rest) = rest {
            st.start(place, r, rest, None, false);
        }
        return;
    }
    let row_has_attributes = (1..=4).any(|q| cols.get(&Col::Q(q)).is_some_and(|c| !g.text(r, *c).is_empty()))
        || cols.get(&Col::Party).is_some_and(|c| !g.text(r, *c).is_empty());
    let marker = action_marker(t).is_some() || leading_code(t).is_some();
    let continues = st.open.is_some_and(|b| {
        let blk = &st.blocks[b];
        let ended = blk.closed || blk.plan_level || blk.text.is_empty() || marker;
        // A new merged cell, or marks and party again, start another activity.
        let restarts = g.starts_tall_merge(r, act_col) || (row_has_attributes && blk.has_attributes);
        !(ended || restarts)
    });
    if continues {
        let b = st.open.expect("open");
        st.blocks[b].text.push(' ');
        st.blocks[b].text.push_str(t);
        return;
    }
    st.plan_level = false;
    let resolved = code_hit.filter(|h| h.level == ResultLevel::Activity).map(|h| h.id);
    if let Some(id) = resolved {
        st.ar = ctx.d.ancestor(id, crate::domain::results::ResultLevel::ActivityResult).map(|a| a.id).or(st.ar);
        st.output = ctx.d.ancestor(id, crate::domain::results::ResultLevel::Output).map(|a| a.id).or(st.output);
    }
    st.start(place, r, t.to_string(), resolved, false);
}

fn apply_attributes(g: &Grid, r: u32, cols: &HashMap<Col, u32>, ctx: &mut Ctx, b: &mut Block) {
    let mut any = false;
    for q in 0..4u8 {
        let Some(c) = cols.get(&Col::Q(q + 1)).copied() else { continue };
        let t = g.text(r, c);
        if t.is_empty() {
            continue;
        }
        if ["x", "х"].contains(&norm(&t).as_str()) {
            b.marks[usize::from(q)] = true;
            any = true;
        } else {
            ctx.problem(g.place(r, c), format!("quarter mark \"{t}\" in Q{}: write X or leave the cell empty", q + 1));
        }
    }
    if let Some(c) = cols.get(&Col::Party).copied() {
        let t = g.text(r, c);
        if !t.is_empty() {
            if b.party.is_empty() {
                b.party = t;
                b.party_place = g.place(r, c);
            } else if !b.party.contains(&t) {
                b.party.push(' ');
                b.party.push_str(&t);
            }
            any = true;
        } else if b.party_place.is_empty() && b.first_row == r {
            b.party_place = g.place(r, c);
        }
    }
    if any {
        b.has_attributes = true;
    }
}

/// Reads the line of a row, if it has one, into the open block (or where it belongs).
fn line_row(g: &Grid, r: u32, cols: &HashMap<Col, u32>, ctx: &mut Ctx, st: &mut State) {
    let d = ctx.d;
    let col = |k: Col| cols.get(&k).copied();
    let text = |k: Col| col(k).map(|c| g.text(r, c)).unwrap_or_default();
    let (source_t, account_t, desc_t) = (text(Col::Source), text(Col::Account), text(Col::Description));
    if source_t.is_empty() && account_t.is_empty() && desc_t.is_empty() {
        return;
    }
    let amount_col = col(Col::Amount).expect("amount column");
    let row = row_place(&g.name, r);
    let mut ok = true;
    // The account: its column, or the number the description starts with.
    let (mut account, mut description) = (account_t.clone(), desc_t.clone());
    let lead = desc_t.split_whitespace().next().unwrap_or_default().to_string();
    let lead_is_code = (3..=10).contains(&lead.len()) && lead.bytes().all(|b| b.is_ascii_digit());
    if lead_is_code && (account.is_empty() || account == lead) {
        account = lead.clone();
        description = desc_t[lead.len()..].trim_start_matches([' ', '-', ':', '–']).trim().to_string();
    }
    let account_place = match (col(Col::Account), col(Col::Description)) {
        (Some(c), _) if !account_t.is_empty() || !lead_is_code => g.place(r, c),
        (_, Some(c)) => g.place(r, c),
        (Some(c), None) => g.place(r, c),
        (None, None) => row.clone(),
    };
    if account.is_empty() {
        ctx.problem(account_place, "no budget account: write the account code (e.g. 72100)");
        ok = false;
    } else if !d.accounts.contains_key(&account) {
        ctx.problem(account_place, format!("unknown budget account \"{account}\""));
        ok = false;
    }
    if description.is_empty() {
        description = d.accounts.get(&account).map(|(n, _)| n.clone()).unwrap_or_default();
    }
    if description.chars().count() > 500 {
        let place = col(Col::Description).map(|c| g.place(r, c)).unwrap_or(row.clone());
        ctx.problem(place, "the budget description is longer than 500 characters");
        ok = false;
    }
    // The funding source: by code or name, among the project's.
    let source_place = col(Col::Source).map(|c| g.place(r, c)).unwrap_or(row.clone());
    let source =
        d.sources.iter().find(|s| s.code.eq_ignore_ascii_case(source_t.trim()) || norm(&s.name) == norm(&source_t));
    if source.is_none() {
        ok = false;
        let codes: Vec<&str> = d.sources.iter().map(|s| s.code.as_str()).collect();
        if source_t.is_empty() {
            ctx.problem(source_place, format!("no funding source: write one of {}", codes.join(", ")));
        } else if d.catalogue_sources.iter().any(|c| c.eq_ignore_ascii_case(source_t.trim())) {
            ctx.problem(
                source_place,
                format!(
                    "funding source \"{source_t}\" has no contribution to this project: record the contribution first"
                ),
            );
        } else {
            ctx.problem(
                source_place,
                format!("funding source \"{source_t}\" is not a source of this project ({})", codes.join(", ")),
            );
        }
    }
    let amount = match amount_cell(g, r, amount_col, d.exp, "amount") {
        Ok(Some(a)) => Some(a),
        Ok(None) => {
            if g.formula(r, amount_col).is_none() {
                ctx.problem(g.place(r, amount_col), "no amount");
            }
            ok = false;
            None
        }
        Err(m) => {
            ctx.problem(g.place(r, amount_col), m);
            ok = false;
            None
        }
    };
    let reference = col(Col::Ref).and_then(|c| match g.value(r, c) {
        Data::Float(f) if f.fract() == 0.0 && *f > 0.0 => Some(*f as i64),
        Data::Int(i) if *i > 0 => Some(*i),
        Data::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    });
    let line = WbLine {
        place: row.clone(),
        source_id: source.map(|s| s.id).unwrap_or_default(),
        source_code: source.map(|s| s.code.clone()).unwrap_or_default(),
        account_code: account.clone(),
        description: description.split_whitespace().collect::<Vec<_>>().join(" "),
        amount_minor: amount.unwrap_or_default(),
        reference,
    };
    // Where the line belongs: the open activity; the plan-level group; the activity result's
    // only activity; the plan when it is an indirect cost (GMS).
    let target = match st.open {
        Some(b) if !st.blocks[b].closed => Some(b),
        _ if st.plan_level => Some(st.start(row.clone(), r, String::new(), None, true)),
        _ => {
            let single = st.ar.map(|a| ctx.children_activities(a)).filter(|c| c.len() == 1).map(|c| c[0]);
            let indirect = d.accounts.get(&account).is_some_and(|(_, h)| *h == crate::domain::budget::INDIRECT_HEADING);
            match (single, indirect) {
                (_, true) => {
                    let b = st.start(row.clone(), r, String::new(), None, true);
                    st.blocks[b].closed = true;
                    st.open = None;
                    Some(b)
                }
                (Some(id), false) => Some(st.start(row.clone(), r, String::new(), Some(id), false)),
                (None, false) => {
                    ctx.problem(
                        row.clone(),
                        "budget line outside any activity: write the activity in the activities column",
                    );
                    None
                }
            }
        }
    };
    if let Some(a) = amount {
        st.amounts.list.push(a);
    }
    if ok && let Some(b) = target {
        st.blocks[b].lines.push(line);
    }
}

fn resolve_output(ctx: &mut Ctx, text: &str) -> Option<i64> {
    let stripped = {
        let n = text.trim();
        let lower = n.to_lowercase();
        let mut s = n;
        for w in ["output", "результат", "продукт"] {
            if lower.starts_with(w) {
                s = n[w.len()..].trim_start();
                break;
            }
        }
        s.to_string()
    };
    let outputs: Vec<&super::ResultInfo> = ctx.d.results.iter().filter(|r| r.level == ResultLevel::Output).collect();
    if let Some((code, _)) = leading_code(&stripped).or_else(|| {
        let num: String = stripped.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let num = num.trim_end_matches('.').to_string();
        (!num.is_empty()).then(|| (num, String::new()))
    }) && let Some(o) =
        outputs.iter().find(|o| o.code == code || o.code.ends_with(&format!(".{code}")) && outputs.len() == 1)
    {
        return Some(o.id);
    }
    if outputs.len() == 1 {
        return Some(outputs[0].id);
    }
    resolve_by_words(ctx, text, ResultLevel::Output, None)
}

/// The result of `level` whose title is closest to `text`, when it stands out.
fn resolve_by_words(ctx: &Ctx, text: &str, level: ResultLevel, under: Option<i64>) -> Option<i64> {
    let w = words(text);
    let mut scored: Vec<(f64, i64)> = ctx
        .d
        .results
        .iter()
        .filter(|r| r.level == level)
        .filter(|r| {
            under.is_none_or(|u| {
                ctx.d.ancestor(r.id, crate::domain::results::ResultLevel::Output).is_none_or(|o| o.id == u)
            })
        })
        .map(|r| (similarity(&w, &words(&r.title)), r.id))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, id), rest @ ..] if *best >= 0.3 && rest.first().is_none_or(|(s, _)| best - s >= 0.05) => Some(*id),
        _ => None,
    }
}

fn resolve_activity(ctx: &mut Ctx, b: &Block) -> Option<i64> {
    let text = action_marker(&b.text).unwrap_or_else(|| b.text.clone());
    let w = words(&text);
    let candidates: Vec<&super::ResultInfo> =
        ctx.d.results.iter().filter(|r| r.level == ResultLevel::Activity).collect();
    let score = |scope: &dyn Fn(&super::ResultInfo) -> bool| -> Vec<(f64, i64)> {
        let mut s: Vec<(f64, i64)> =
            candidates.iter().filter(|r| scope(r)).map(|r| (similarity(&w, &words(&r.title)), r.id)).collect();
        s.sort_by(|a, b| b.0.total_cmp(&a.0));
        s
    };
    let d = ctx.d;
    let under_ar = |r: &super::ResultInfo| {
        b.ar.is_some_and(|a| {
            d.ancestor(r.id, crate::domain::results::ResultLevel::ActivityResult).is_some_and(|x| x.id == a)
        })
    };
    let all = |_: &super::ResultInfo| true;
    for scored in [score(&under_ar), score(&all)] {
        if let [(best, id), rest @ ..] = scored.as_slice()
            && *best >= 0.45
        {
            if rest.first().is_none_or(|(s, _)| best - s >= 0.05) {
                return Some(*id);
            }
            let codes: Vec<String> = scored
                .iter()
                .take_while(|(s, _)| best - s < 0.05)
                .filter_map(|(_, id)| d.result(*id).map(|r| r.code.clone()))
                .collect();
            ctx.problem(
                b.place.clone(),
                format!(
                    "activity \"{}\" matches {} equally: begin the text with the activity's code",
                    short(&b.text),
                    codes.join(" and ")
                ),
            );
            return None;
        }
    }
    let hint = score(&all)
        .first()
        .and_then(|(_, id)| d.result(*id))
        .map(|r| format!(" (closest: {} {})", r.code, short(&r.title)))
        .unwrap_or_default();
    ctx.problem(
        b.place.clone(),
        format!(
            "activity \"{}\" is not an activity of the results framework{hint}: begin the text with its code, or add \
             the activity to the results framework first",
            short(&b.text)
        ),
    );
    None
}

// ---------------------------------------------------------------------------------------
// The results-framework sheet

fn read_results(g: &Grid, header: u32, cols: &HashMap<RfCol, u32>, ctx: &mut Ctx, reading: &mut Reading) {
    let d = ctx.d;
    let by_code: HashMap<String, usize> =
        d.indicators.iter().enumerate().map(|(i, x)| (x.code.to_lowercase(), i)).collect();
    let mut targets: Vec<(u32, String)> = cols
        .iter()
        .filter_map(|(k, c)| match k {
            RfCol::Target(Some(y)) => Some((*c, y.to_string())),
            RfCol::Target(None) => Some((*c, "LOP".to_string())),
            _ => None,
        })
        .collect();
    targets.sort();
    let (Some(&first_year), Some(&last_year)) = (d.years.first(), d.years.last()) else { return };
    targets.retain(|(c, p)| {
        let inside = p == "LOP" || p.parse::<i32>().is_ok_and(|y| d.years.contains(&y));
        if !inside {
            ctx.notes.push(WorkbookProblem {
                place: g.place(header, *c),
                message: format!("targets for {p} are not read: the project runs from {first_year} to {last_year}"),
            });
        }
        inside
    });
    let mut seen: HashSet<usize> = HashSet::new();
    for r in header + 1..g.rows().end {
        let code = match (cols.get(&RfCol::IndicatorCode), cols.get(&RfCol::Indicator)) {
            (Some(c), _) => g.text(r, *c),
            (None, Some(c)) => {
                g.text(r, *c).split_whitespace().next().unwrap_or_default().trim_end_matches([':', '.']).to_string()
            }
            _ => String::new(),
        };
        if code.is_empty() {
            continue;
        }
        let Some(&i) = by_code.get(&code.to_lowercase()) else {
            let any_target = targets.iter().any(|(c, _)| !g.text(r, *c).is_empty());
            if any_target {
                let place = cols
                    .get(&RfCol::IndicatorCode)
                    .or(cols.get(&RfCol::Indicator))
                    .map(|c| g.place(r, *c))
                    .unwrap_or_default();
                ctx.problem(place, format!("no indicator \"{code}\" in this project: its targets cannot be imported"));
            }
            continue;
        };
        if !seen.insert(i) {
            ctx.problem(row_place(&g.name, r), format!("indicator {code} appears twice"));
            continue;
        }
        let ind = &d.indicators[i];
        if let Some(c) = cols.get(&RfCol::Baseline) {
            let cell = g.value(r, *c);
            let wb = match cell {
                Data::Float(f) => Some(*f),
                Data::Int(n) => Some(*n as f64),
                Data::String(s) => yes_no(s).or_else(|| parse_number_text(s)),
                _ => None,
            };
            if let (Some(a), Some(b)) = (wb, ind.baseline_value)
                && (a - b).abs() > 1e-9
            {
                ctx.notes.push(WorkbookProblem {
                    place: g.place(r, *c),
                    message: format!(
                        "baseline of {} differs from the stored {b}: baselines are not imported (edit the indicator)",
                        ind.code
                    ),
                });
            }
        }
        for (c, period) in &targets {
            let place = g.place(r, *c);
            match target_cell(g.value(r, *c), ind) {
                Ok(value) => reading.targets.push(WbTarget { place, indicator: i, period: period.clone(), value }),
                Err(m) => ctx.problem(place, m),
            }
        }
    }
}

fn yes_no(s: &str) -> Option<f64> {
    match norm(s).as_str() {
        "yes" | "да" | "true" | "y" => Some(1.0),
        "no" | "нет" | "false" | "n" => Some(0.0),
        _ => None,
    }
}

#[allow(clippy::type_complexity)]
fn target_cell(cell: &Data, ind: &IndicatorInfo) -> Result<Option<(Option<f64>, Option<String>)>, String> {
    let measure = ind.measure;
    let text = data_text(cell);
    if text.is_empty() {
        return Ok(None);
    }
    let (value, description) = match measure {
        Measure::Qualitative => (None, Some(text.clone())),
        Measure::YesNo => match cell {
            Data::Float(f) => (Some(*f), None),
            Data::Int(n) => (Some(*n as f64), None),
            Data::Bool(b) => (Some(if *b { 1.0 } else { 0.0 }), None),
            _ => (
                Some(yes_no(&text).ok_or_else(|| format!("target \"{text}\" of {} is not Yes or No", ind.code))?),
                None,
            ),
        },
        _ => match cell {
            Data::Float(f) => (Some(*f), None),
            Data::Int(n) => (Some(*n as f64), None),
            _ => (
                Some(
                    parse_number_text(&text)
                        .ok_or_else(|| format!("target \"{text}\" of {} is not a number", ind.code))?,
                ),
                None,
            ),
        },
    };
    if let Some(e) = check_target(measure, value, description.as_deref()).into_iter().next() {
        return Err(format!("target of {}: {}", ind.code, e.message));
    }
    Ok(Some((value, description)))
}

// ---------------------------------------------------------------------------------------
// Comparing with the stored plan

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeAction {
    Create,
    Change,
    Delete,
}

/// A line as it will be stored.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub activity_result_id: Option<i64>,
    pub source_id: i64,
    pub account_code: String,
    pub description: String,
    pub amount_minor: i64,
    pub phasing: Option<[i64; 4]>,
}

#[derive(Debug, Clone)]
pub struct ActivityChange {
    pub action: ChangeAction,
    pub result_id: i64,
    pub existing: Option<super::ActivityInfo>,
    pub marks: [bool; 4],
    pub party: String,
    pub place: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct LineChange {
    pub action: ChangeAction,
    pub existing: Option<LineInfo>,
    pub new: Option<NewLine>,
    pub place: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct TargetChange {
    pub action: ChangeAction,
    pub indicator: usize,
    pub period: String,
    pub existing: Option<super::TargetInfo>,
    pub value: Option<f64>,
    pub description: Option<String>,
    pub place: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub activities: Vec<ActivityChange>,
    pub lines: Vec<LineChange>,
    pub targets: Vec<TargetChange>,
}

fn quarters_text(m: &[bool; 4]) -> String {
    let q: Vec<String> = (0..4).filter(|i| m[*i]).map(|i| format!("Q{}", i + 1)).collect();
    if q.is_empty() { "none".into() } else { q.join(" ") }
}

/// What applying the workbook would change; problems it finds (a line with expenditure that
/// would go) are added to `problems`.
pub fn compare(reading: &Reading, d: &AwpData, problems: &mut Vec<WorkbookProblem>) -> Changes {
    let mut ch = Changes::default();
    let code = |id: i64| d.result(id).map(|r| r.code.clone()).unwrap_or_else(|| id.to_string());
    // Activities.
    let stored: HashMap<i64, &super::ActivityInfo> = d.activities.iter().map(|a| (a.result_id, a)).collect();
    let mut in_wb: HashSet<i64> = HashSet::new();
    for a in &reading.activities {
        in_wb.insert(a.result_id);
        match stored.get(&a.result_id) {
            None => ch.activities.push(ActivityChange {
                action: ChangeAction::Create,
                result_id: a.result_id,
                existing: None,
                marks: a.marks,
                party: a.party.clone(),
                place: Some(a.place.clone()),
                detail: format!(
                    "activity {} scheduled in {}, responsible {}",
                    code(a.result_id),
                    quarters_text(&a.marks),
                    a.party
                ),
            }),
            Some(s) => {
                let mut what = vec![];
                if s.marks != a.marks {
                    what.push(format!("timeframe {} -> {}", quarters_text(&s.marks), quarters_text(&a.marks)));
                }
                if s.responsible_party.trim() != a.party.trim() {
                    what.push(format!("responsible party \"{}\" -> \"{}\"", s.responsible_party, a.party));
                }
                if !what.is_empty() {
                    ch.activities.push(ActivityChange {
                        action: ChangeAction::Change,
                        result_id: a.result_id,
                        existing: Some((*s).clone()),
                        marks: a.marks,
                        party: a.party.clone(),
                        place: Some(a.place.clone()),
                        detail: format!("activity {}: {}", code(a.result_id), what.join("; ")),
                    });
                }
            }
        }
    }
    for s in &d.activities {
        if !in_wb.contains(&s.result_id) {
            ch.activities.push(ActivityChange {
                action: ChangeAction::Delete,
                result_id: s.result_id,
                existing: Some(s.clone()),
                marks: s.marks,
                party: s.responsible_party.clone(),
                place: None,
                detail: format!("activity {} is not in the workbook: removed from the plan", code(s.result_id)),
            });
        }
    }

    // Lines: by reference first, then by content within the same activity.
    let wb: Vec<(Option<i64>, &WbLine)> = reading
        .activities
        .iter()
        .flat_map(|a| a.lines.iter().map(move |l| (Some(a.result_id), l)))
        .chain(reading.plan_lines.iter().map(|l| (None, l)))
        .collect();
    let mut used = vec![false; d.lines.len()];
    let mut pair: Vec<Option<usize>> = vec![None; wb.len()];
    let by_lineage: HashMap<i64, usize> = d.lines.iter().enumerate().map(|(i, l)| (l.lineage_id, i)).collect();
    for (i, (_, l)) in wb.iter().enumerate() {
        if let Some(r) = l.reference
            && let Some(&j) = by_lineage.get(&r)
            && !used[j]
        {
            used[j] = true;
            pair[i] = Some(j);
        }
    }
    for pass in 0..4 {
        let key = |act: Option<i64>, src: i64, acct: &str, desc: &str, amount: i64| -> String {
            match pass {
                0 => format!("{act:?}|{src}|{acct}|{}|{amount}", norm(desc)),
                1 => format!("{act:?}|{src}|{acct}|{}", norm(desc)),
                2 => format!("{act:?}|{src}|{acct}"),
                _ => format!("{act:?}|{}", norm(desc)),
            }
        };
        let mut index: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (j, l) in d.lines.iter().enumerate().filter(|(j, _)| !used[*j]) {
            index
                .entry(key(l.activity_result_id, l.source_id, &l.account_code, &l.description, l.amount_minor))
                .or_default()
                .push_back(j);
        }
        for (i, (act, l)) in wb.iter().enumerate() {
            if pair[i].is_some() {
                continue;
            }
            if let Some(q) = index.get_mut(&key(*act, l.source_id, &l.account_code, &l.description, l.amount_minor))
                && let Some(j) = q.pop_front()
            {
                used[j] = true;
                pair[i] = Some(j);
            }
        }
    }
    let label = |act: Option<i64>| act.map(|a| format!("activity {}", code(a))).unwrap_or_else(|| "plan level".into());
    for (i, (act, l)) in wb.iter().enumerate() {
        let new = NewLine {
            activity_result_id: *act,
            source_id: l.source_id,
            account_code: l.account_code.clone(),
            description: l.description.clone(),
            amount_minor: l.amount_minor,
            phasing: None,
        };
        match pair[i] {
            None => ch.lines.push(LineChange {
                action: ChangeAction::Create,
                existing: None,
                detail: format!(
                    "new line, {}: {} {} {} {}",
                    label(*act),
                    l.source_code,
                    l.account_code,
                    l.description,
                    amount_text(l.amount_minor, d.exp)
                ),
                new: Some(new),
                place: Some(l.place.clone()),
            }),
            Some(j) => {
                let s = &d.lines[j];
                let mut what = vec![];
                if s.activity_result_id != *act {
                    what.push(format!("{} -> {}", label(s.activity_result_id), label(*act)));
                }
                if s.source_id != l.source_id {
                    what.push(format!("funding source {} -> {}", s.source_code, l.source_code));
                }
                if s.account_code != l.account_code {
                    what.push(format!("account {} -> {}", s.account_code, l.account_code));
                }
                if s.description.trim() != l.description.trim() {
                    what.push(format!("description \"{}\" -> \"{}\"", s.description, l.description));
                }
                let mut phasing = s.phasing;
                if s.amount_minor != l.amount_minor {
                    what.push(format!(
                        "amount {} -> {}",
                        amount_text(s.amount_minor, d.exp),
                        amount_text(l.amount_minor, d.exp)
                    ));
                    if phasing.is_some() {
                        what.push("its quarterly phasing no longer adds up and is cleared".into());
                        phasing = None;
                    }
                }
                if !what.is_empty() {
                    ch.lines.push(LineChange {
                        action: ChangeAction::Change,
                        existing: Some(s.clone()),
                        new: Some(NewLine { phasing, ..new }),
                        place: Some(l.place.clone()),
                        detail: format!(
                            "line {} ({} {} {}): {}",
                            s.lineage_id,
                            s.source_code,
                            s.account_code,
                            short(&s.description),
                            what.join("; ")
                        ),
                    });
                }
            }
        }
    }
    for (j, s) in d.lines.iter().enumerate().filter(|(j, _)| !used[*j]) {
        let what = format!(
            "line {} ({}: {} {} {} {})",
            s.lineage_id,
            label(s.activity_result_id),
            s.source_code,
            s.account_code,
            short(&s.description),
            amount_text(s.amount_minor, d.exp)
        );
        if s.spent && reading.problems.is_empty() {
            problems.push(WorkbookProblem {
                place: reading.sheets.first().cloned().unwrap_or_default(),
                message: format!("{what} is not in the workbook, but expenditure is booked on it: it cannot be removed; keep it (its amount may change)"),
            });
        }
        let _ = j;
        ch.lines.push(LineChange {
            action: ChangeAction::Delete,
            existing: Some(s.clone()),
            new: None,
            place: None,
            detail: format!("{what} is not in the workbook: removed"),
        });
    }

    // Targets.
    for t in &reading.targets {
        let ind = &d.indicators[t.indicator];
        let stored = ind.targets.iter().find(|x| x.period == t.period);
        let show = |v: Option<f64>, desc: &Option<String>| -> String {
            match (ind.measure.as_str(), v) {
                ("qualitative", _) => format!("\"{}\"", short(desc.as_deref().unwrap_or_default())),
                ("yes_no", Some(v)) => if v >= 0.5 { "Yes" } else { "No" }.into(),
                (_, Some(v)) => {
                    if v.fract() == 0.0 {
                        format!("{}", v as i64)
                    } else {
                        v.to_string()
                    }
                }
                _ => "none".into(),
            }
        };
        match (stored, &t.value) {
            (None, None) => {}
            (None, Some((v, desc))) => ch.targets.push(TargetChange {
                action: ChangeAction::Create,
                indicator: t.indicator,
                period: t.period.clone(),
                existing: None,
                value: *v,
                description: desc.clone(),
                place: t.place.clone(),
                detail: format!("target of {} for {}: {}", ind.code, t.period, show(*v, desc)),
            }),
            (Some(s), None) => ch.targets.push(TargetChange {
                action: ChangeAction::Delete,
                indicator: t.indicator,
                period: t.period.clone(),
                existing: Some(s.clone()),
                value: None,
                description: None,
                place: t.place.clone(),
                detail: format!(
                    "target of {} for {} ({}) is empty in the workbook: removed",
                    ind.code,
                    t.period,
                    show(s.value, &s.description)
                ),
            }),
            (Some(s), Some((v, desc))) => {
                let same = if ind.measure == Measure::Qualitative {
                    s.description.as_deref().map(str::trim) == desc.as_deref().map(str::trim)
                } else {
                    match (s.value, v) {
                        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                        (None, None) => true,
                        _ => false,
                    }
                };
                if !same {
                    let description =
                        if ind.measure == Measure::Qualitative { desc.clone() } else { s.description.clone() };
                    ch.targets.push(TargetChange {
                        action: ChangeAction::Change,
                        indicator: t.indicator,
                        period: t.period.clone(),
                        existing: Some(s.clone()),
                        value: *v,
                        description,
                        place: t.place.clone(),
                        detail: format!(
                            "target of {} for {}: {} -> {}",
                            ind.code,
                            t.period,
                            show(s.value, &s.description),
                            show(*v, desc)
                        ),
                    });
                }
            }
        }
    }
    ch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_by_their_words_in_english_and_russian() {
        assert_eq!(
            classify_awp("Planned Activities List activity results and associated actions"),
            Some(Col::Activity)
        );
        assert_eq!(classify_awp("Expected outputs Baseline, indicators and target results"), Some(Col::Output));
        assert_eq!(classify_awp("Q 1"), Some(Col::Q(1)));
        assert_eq!(classify_awp("IV кв."), Some(Col::Q(4)));
        assert_eq!(classify_awp("Funding Source"), Some(Col::Source));
        assert_eq!(classify_awp("Budget Description"), Some(Col::Description));
        assert_eq!(classify_awp("Amount (USD)"), Some(Col::Amount));
        assert_eq!(classify_awp("Запланированные мероприятия"), Some(Col::Activity));
        assert_eq!(classify_awp("Ожидаемые результаты"), Some(Col::Output));
        assert_eq!(classify_awp("Ответственная сторона"), Some(Col::Party));
        assert_eq!(classify_awp("Источник финансирования"), Some(Col::Source));
        assert_eq!(classify_awp("Описание бюджета"), Some(Col::Description));
        assert_eq!(classify_awp("Сумма, долл. США"), Some(Col::Amount));
        assert_eq!(classify_awp("Timeframe"), None);
        assert_eq!(classify_rf("Target 2014"), Some(RfCol::Target(Some(2014))));
        assert_eq!(classify_rf("Target LOP"), Some(RfCol::Target(None)));
        assert_eq!(classify_rf("Indicator code"), Some(RfCol::IndicatorCode));
        assert_eq!(classify_rf("Baseline year"), None);
    }

    #[test]
    fn markers_and_labels() {
        assert_eq!(action_marker("Action 2. Global conference").as_deref(), Some("Global conference"));
        assert_eq!(action_marker("Мероприятие 3: Круглый стол").as_deref(), Some("Круглый стол"));
        assert_eq!(action_marker("Activity result 1"), None);
        assert!(activity_result_marker("1. Activity Result Partnership and networks"));
        let (ar, rest) = split_at_action("1. Activity Result Partnership and networks Action 1. Round Table").unwrap();
        assert_eq!(
            (ar.as_str(), rest.as_str()),
            ("1. Activity Result Partnership and networks", "Action 1. Round Table")
        );
        assert_eq!(leading_code("1.1.1.2 Round table"), Some(("1.1.1.2".into(), "Round table".into())));
        assert_eq!(leading_code("2. Activity Result"), Some(("2".into(), "Activity Result".into())));
        assert_eq!(leading_code("2014"), None, "a number alone is not a code");
        assert_eq!(leading_code("Round table"), None);
        assert_eq!(total_label("SUBTOTAL:"), Some(false));
        assert_eq!(total_label("ПОДИТОГ:"), Some(false));
        assert_eq!(total_label("Total"), Some(true));
        assert_eq!(total_label("Total output 1.1"), Some(false));
        assert_eq!(total_label("Итого"), Some(true));
        assert_eq!(total_label("Tickets"), None);
        assert_eq!(parse_number_text("10 000"), Some(10000.0));
        assert_eq!(parse_number_text("10,000.50"), Some(10000.5));
        assert_eq!(parse_number_text("10 000,50"), Some(10000.5));
        assert_eq!(parse_number_text("ten"), None);
        assert_eq!(year_in("awp 2013"), Some(2013));
        assert_eq!(year_in("72100"), None);
    }

    #[test]
    fn similar_titles_meet() {
        let a = words(
            "Global conference in the sphere of civil service in the frames of VI Astana Economic Forum, including discussion of a baseline research results",
        );
        let b = words(
            "Global conference on the issues of civil service within VI Astana Economic Forum, including discussion of a baseline research results",
        );
        let c = words("Round table on the establishment of the Regional Hub");
        assert!(similarity(&a, &b) > 0.6, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.2);
    }
}
