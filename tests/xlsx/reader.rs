//! A small XLSX reader for the tests: unzips the workbook (the `zip` crate rust_xlsxwriter
//! already uses) and parses its XML parts with roxmltree. It resolves what a test needs to
//! assert: sheet names, each cell's value as written (shared strings resolved), formula and
//! cached result, number format code, wrap flag, merged ranges, column widths, row heights,
//! the core document properties; and gives the raw XML of each part for the rest (panes,
//! autofilter, page setup, conditional formats).

use std::collections::HashMap;
use std::io::{Cursor, Read};

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Number,
    SharedString,
    InlineString,
    /// A formula's string result.
    Str,
    Bool,
    Error,
}

#[derive(Debug, Clone)]
pub struct CellData {
    pub kind: Kind,
    /// The text of `<v>` (numbers exactly as written) or the resolved string.
    pub value: Option<String>,
    pub formula: Option<String>,
    pub num_format: String,
    pub bold: bool,
    /// The fill colour (RRGGBB) of a solid fill.
    pub fill: Option<String>,
    /// The style of the top border ("thin", "double", ...).
    pub border_top: Option<String>,
    /// Whether the text wraps in the cell.
    pub wrap: bool,
}

impl CellData {
    pub fn text(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }

    pub fn number(&self) -> f64 {
        assert_eq!(self.kind, Kind::Number, "{self:?}");
        self.text().parse().unwrap_or_else(|_| panic!("not a number: {self:?}"))
    }
}

pub struct Sheet {
    pub name: String,
    pub xml: String,
    pub cells: HashMap<String, CellData>,
    pub merged: Vec<String>,
    /// `<col min max width>` as (first, last column, 0-based, width in characters).
    pub col_widths: Vec<(usize, usize, f64)>,
    /// `<row r ht>` with a custom height: 1-based row number -> points.
    pub row_heights: HashMap<u32, f64>,
}

/// Excel's default column width (characters) and row height (points).
pub const DEFAULT_WIDTH: f64 = 8.43;
pub const DEFAULT_HEIGHT: f64 = 15.0;

impl Sheet {
    /// The width of a 0-based column, in characters (Excel's default when not set).
    pub fn width(&self, col: usize) -> f64 {
        self.col_widths.iter().find(|(a, b, _)| (*a..=*b).contains(&col)).map_or(DEFAULT_WIDTH, |(_, _, w)| *w)
    }

    /// How much a 0-based column shows, in digit widths: its width less the 5 pixels of
    /// padding Excel adds to it (Calibri 11 digits are 7 pixels).
    pub fn shown_width(&self, col: usize) -> f64 {
        self.width(col) - 5.0 / 7.0
    }

    /// The height of a 1-based row, in points (Excel's default when not set).
    pub fn height(&self, row: u32) -> f64 {
        self.row_heights.get(&row).copied().unwrap_or(DEFAULT_HEIGHT)
    }

    pub fn get(&self, reference: &str) -> Option<&CellData> {
        self.cells.get(reference)
    }

    pub fn cell(&self, reference: &str) -> &CellData {
        self.cells.get(reference).unwrap_or_else(|| panic!("{}!{reference} is empty", self.name))
    }

    /// The text of a cell, "" when there is none.
    pub fn text(&self, reference: &str) -> &str {
        self.get(reference).map_or("", |c| c.text())
    }

    /// The first cell whose text is `text`, as "A1".
    pub fn find(&self, text: &str) -> Option<String> {
        let mut hits: Vec<&String> = self.cells.iter().filter(|(_, c)| c.text() == text).map(|(r, _)| r).collect();
        hits.sort_by_key(|r| split_ref(r));
        hits.first().map(|r| r.to_string())
    }
}

pub struct Book {
    pub sheets: Vec<Sheet>,
    /// Every XML part by its path in the package.
    pub parts: HashMap<String, String>,
    /// Defined names: (name, localSheetId, formula).
    pub defined_names: Vec<(String, Option<usize>, String)>,
    pub shared_strings: Vec<String>,
}

impl Book {
    pub fn sheet(&self, name: &str) -> &Sheet {
        self.sheets.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no sheet {name:?}"))
    }

    pub fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn defined_name(&self, name: &str, sheet: &str) -> Option<&str> {
        let index = self.sheets.iter().position(|s| s.name == sheet)?;
        self.defined_names.iter().find(|(n, i, _)| n == name && *i == Some(index)).map(|(_, _, f)| f.as_str())
    }
}

pub fn read(bytes: &[u8]) -> Book {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut parts = HashMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().expect("a UTF-8 file name").to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            parts.insert(name, text);
        }
    }

    let shared_strings: Vec<String> = parts
        .get("xl/sharedStrings.xml")
        .map(|xml| {
            let doc = roxmltree::Document::parse(xml).unwrap();
            doc.root_element()
                .children()
                .filter(|n| n.has_tag_name((MAIN_NS, "si")))
                .map(|si| {
                    si.descendants().filter(|n| n.has_tag_name((MAIN_NS, "t"))).filter_map(|t| t.text()).collect()
                })
                .collect()
        })
        .unwrap_or_default();

    let formats = cell_styles(&parts["xl/styles.xml"]);

    let rels: HashMap<String, String> = {
        let doc = roxmltree::Document::parse(&parts["xl/_rels/workbook.xml.rels"]).unwrap();
        doc.root_element()
            .children()
            .filter(|n| n.is_element())
            .map(|n| (n.attribute("Id").unwrap().to_string(), n.attribute("Target").unwrap().to_string()))
            .collect()
    };

    let workbook = roxmltree::Document::parse(&parts["xl/workbook.xml"]).unwrap();
    let mut sheets = Vec::new();
    for node in workbook.descendants().filter(|n| n.has_tag_name((MAIN_NS, "sheet"))) {
        let name = node.attribute("name").unwrap().to_string();
        let target = &rels[node.attribute((REL_NS, "id")).unwrap()];
        let path = format!("xl/{}", target.trim_start_matches("/xl/"));
        let xml = parts[&path].clone();
        let (cells, merged) = sheet_cells(&xml, &shared_strings, &formats);
        let (col_widths, row_heights) = dimensions(&xml);
        sheets.push(Sheet { name, xml, cells, merged, col_widths, row_heights });
    }
    let defined_names = workbook
        .descendants()
        .filter(|n| n.has_tag_name((MAIN_NS, "definedName")))
        .map(|n| {
            (
                n.attribute("name").unwrap().to_string(),
                n.attribute("localSheetId").map(|i| i.parse().unwrap()),
                n.text().unwrap_or("").to_string(),
            )
        })
        .collect();
    Book { sheets, parts, defined_names, shared_strings }
}

/// What a cell format (`cellXfs` entry) shows.
#[derive(Clone, Default)]
struct Style {
    num_format: String,
    bold: bool,
    fill: Option<String>,
    border_top: Option<String>,
    wrap: bool,
}

/// Each cell format (`cellXfs`), with its number format code (built-in codes included),
/// font weight, fill colour and top border.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name((MAIN_NS, tag)))
}

fn cell_styles(styles: &str) -> Vec<Style> {
    let el = child;
    let doc = roxmltree::Document::parse(styles).unwrap();
    let custom: HashMap<u32, String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((MAIN_NS, "numFmt")))
        .map(|n| (n.attribute("numFmtId").unwrap().parse().unwrap(), n.attribute("formatCode").unwrap().to_string()))
        .collect();
    let builtin = |id: u32| match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        14 => "m/d/yyyy",
        _ => "?",
    };
    let list = |tag: &str, item: &str| -> Vec<roxmltree::Node> {
        doc.descendants()
            .find(|n| n.has_tag_name((MAIN_NS, tag)))
            .map(|n| n.children().filter(|c| c.has_tag_name((MAIN_NS, item))).collect())
            .unwrap_or_default()
    };
    let fonts: Vec<bool> = list("fonts", "font").iter().map(|f| el(*f, "b").is_some()).collect();
    let fills: Vec<Option<String>> = list("fills", "fill")
        .iter()
        .map(|f| {
            let pattern = el(*f, "patternFill")?;
            (pattern.attribute("patternType") == Some("solid")).then_some(())?;
            let rgb = el(pattern, "fgColor")?.attribute("rgb")?;
            Some(rgb.trim_start_matches("FF").to_string())
        })
        .collect();
    let borders: Vec<Option<String>> = list("borders", "border")
        .iter()
        .map(|b| el(*b, "top").and_then(|t| t.attribute("style")).map(String::from))
        .collect();
    list("cellXfs", "xf")
        .iter()
        .map(|xf| {
            let index = |name: &str| xf.attribute(name).unwrap_or("0").parse::<usize>().unwrap();
            let id = index("numFmtId") as u32;
            Style {
                num_format: custom.get(&id).cloned().unwrap_or_else(|| builtin(id).to_string()),
                bold: fonts[index("fontId")],
                fill: fills[index("fillId")].clone(),
                border_top: borders[index("borderId")].clone(),
                wrap: el(*xf, "alignment").and_then(|a| a.attribute("wrapText")) == Some("1"),
            }
        })
        .collect()
}

fn sheet_cells(xml: &str, shared: &[String], styles: &[Style]) -> (HashMap<String, CellData>, Vec<String>) {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let mut cells = HashMap::new();
    for c in doc.descendants().filter(|n| n.has_tag_name((MAIN_NS, "c"))) {
        let reference = c.attribute("r").unwrap().to_string();
        let style: usize = c.attribute("s").map_or(0, |s| s.parse().unwrap());
        let child_text = |tag: &str| {
            c.children().find(|n| n.has_tag_name((MAIN_NS, tag))).map(|n| n.text().unwrap_or("").to_string())
        };
        let v = child_text("v");
        let formula = child_text("f");
        let (kind, value) = match c.attribute("t") {
            Some("s") => (Kind::SharedString, v.map(|i| shared[i.parse::<usize>().unwrap()].clone())),
            Some("inlineStr") => (
                Kind::InlineString,
                Some(c.descendants().filter(|n| n.has_tag_name((MAIN_NS, "t"))).filter_map(|t| t.text()).collect()),
            ),
            Some("str") => (Kind::Str, v),
            Some("b") => (Kind::Bool, v),
            Some("e") => (Kind::Error, v),
            _ => (Kind::Number, v),
        };
        let Style { num_format, bold, fill, border_top, wrap } = styles.get(style).cloned().unwrap_or_default();
        cells.insert(reference, CellData { kind, value, formula, num_format, bold, fill, border_top, wrap });
    }
    let merged = doc
        .descendants()
        .filter(|n| n.has_tag_name((MAIN_NS, "mergeCell")))
        .map(|n| n.attribute("ref").unwrap().to_string())
        .collect();
    (cells, merged)
}

/// Column widths (`<col>`) and custom row heights (`<row ht customHeight="1">`) of a sheet.
/// Column widths as (first, last, width) spans, and row heights by row.
type Dimensions = (Vec<(usize, usize, f64)>, HashMap<u32, f64>);

fn dimensions(xml: &str) -> Dimensions {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let cols = doc
        .descendants()
        .filter(|n| n.has_tag_name((MAIN_NS, "col")))
        .map(|n| {
            let num = |a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
            (num("min") as usize - 1, num("max") as usize - 1, num("width"))
        })
        .collect();
    let rows = doc
        .descendants()
        .filter(|n| n.has_tag_name((MAIN_NS, "row")) && n.attribute("customHeight") == Some("1"))
        .map(|n| (n.attribute("r").unwrap().parse().unwrap(), n.attribute("ht").unwrap().parse().unwrap()))
        .collect();
    (cols, rows)
}

/// A core document property (`dc:title`, `dc:language`, ...) of `docProps/core.xml`.
pub fn core_property(book: &Book, name: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(book.parts.get("docProps/core.xml")?).unwrap();
    doc.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or("").to_string())
}

/// "AB12" -> (row 12, column "AB") for ordering.
pub fn split_ref(reference: &str) -> (u32, usize, String) {
    let letters: String = reference.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let row = reference[letters.len()..].parse().unwrap();
    (row, letters.len(), letters)
}

/// "A1"-style reference of a 0-based row and column.
pub fn reference(row: u32, col: usize) -> String {
    let mut name = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// An exact decimal text ("1234.5", "-0.05", "2.5E-2" is not expected) as an integer number
/// of `10^-exp` units, without going through a float. Panics if it has more decimals.
pub fn decimal_units(text: &str, exp: u32) -> i128 {
    let (sign, digits) = text.strip_prefix('-').map_or((1, text), |d| (-1, d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(!text.contains(['e', 'E']), "exponent notation in {text:?}");
    assert!(frac.len() <= exp as usize, "{text:?} has more than {exp} decimals");
    let padded = format!("{frac:0<width$}", width = exp as usize);
    sign * format!("{int}{padded}").parse::<i128>().unwrap()
}
