//! The XLSX renderer, tested by reading the workbook back (unzipped, XML parsed): sheet names,
//! every cell's value and number format, the SUM formulas of totals and their cached results
//! (to the cent), frozen panes, autofilter, print setup, conditional formats, the Report sheet,
//! Cyrillic and Uzbek Latin text.

mod documents;
mod formula;
mod reader;

use chrono::NaiveDate;
use documents::*;
use rbm::domain::money::minor_unit_exponent;
use rbm::reports::document::{Block, Cell, Document, Locale, RowKind, Table, Value, format_in};
use rbm::reports::xlsx::{RenderError, measure, render};
use reader::{Book, Sheet, decimal_units, reference};

fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn tables_mut(doc: &mut Document) -> Vec<&mut Table> {
    doc.blocks
        .iter_mut()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// The documented layout of a table sheet: [watermark row] [caption row] header rows, body.
/// Returns the 0-based sheet rows of the first header row and of the first body row.
fn layout(doc: &Document, table: &Table) -> (u32, u32) {
    let mut row = u32::from(doc.watermark.as_deref().is_some_and(|w| !w.trim().is_empty()));
    if table.caption.as_deref().is_some_and(|c| !c.is_empty()) {
        row += 1;
    }
    let header_rows = if table.header.is_empty() && !table.columns.is_empty() { 1 } else { table.header.len() };
    (row, row + header_rows as u32)
}

fn excel_serial(d: NaiveDate) -> f64 {
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

fn exp(currency: &str) -> u32 {
    u32::from(minor_unit_exponent(currency).unwrap_or(2))
}

/// Evaluates a formula made of nested SUMs of ranges and cells of one sheet, exactly, in
/// `10^-exp` units (each cell read as the decimal text written in the file).
fn eval_sum(sheet: &Sheet, formula: &str, exp: u32) -> i128 {
    assert!(formula.starts_with("SUM("), "{formula}");
    let refs =
        formula.split(|c: char| !(c.is_ascii_alphanumeric() || c == ':')).filter(|t| !t.is_empty() && *t != "SUM");
    let mut total = 0;
    for r in refs {
        let (from, to) = r.split_once(':').unwrap_or((r, r));
        let column: String = from.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let first: u32 = from[column.len()..].parse().unwrap();
        let last: u32 = to[column.len()..].parse().unwrap();
        for row in first..=last {
            if let Some(cell) = sheet.get(&format!("{column}{row}"))
                && cell.kind == reader::Kind::Number
            {
                total += decimal_units(cell.text(), exp);
            }
        }
    }
    total
}

/// Checks a formula that is not a plain SUM: evaluated on the sheet's values (by the tests' own
/// evaluator), it gives the cached result, to half the last decimal the cell shows.
fn assert_formula_gives_its_result(sheet: &Sheet, reference: &str, decimals: u32) {
    let cell = sheet.cell(reference);
    let f = cell.formula.as_deref().unwrap_or_else(|| panic!("{}!{reference}: no formula", sheet.name));
    let got = formula::eval(sheet, f);
    if cell.text().is_empty() {
        assert!(matches!(&got, formula::V::Str(s) if s.is_empty()), "{}!{reference}: {f} gives {got:?}", sheet.name);
        return;
    }
    let cached = cell.number();
    let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9 * cached.abs();
    assert!((got.num() - cached).abs() <= tolerance, "{}!{reference}: {f} gives {got:?}, cached {cached}", sheet.name);
}

/// The calc of a subtotal or total cell, or the one its data rows share (the renderer's rule).
fn effective_calc(table: &Table, i: usize, col: usize) -> Option<&str> {
    let at = |r: usize| {
        let mut c = 0;
        table.rows[r].cells.iter().find(|cell| {
            let here = c == col;
            c += usize::from(cell.colspan);
            here
        })
    };
    if let Some(calc) = at(i).and_then(|c| c.calc.as_deref()) {
        return Some(calc);
    }
    let kind = table.rows[i].kind;
    if !matches!(kind, RowKind::Subtotal | RowKind::Total) {
        return None;
    }
    let start = match kind {
        RowKind::Subtotal => table.rows[..i]
            .iter()
            .rposition(|r| matches!(r.kind, RowKind::Group | RowKind::Subtotal))
            .map_or(0, |p| p + 1),
        _ => 0,
    };
    let calcs: Vec<Option<&str>> = (start..i)
        .filter(|r| table.rows[*r].kind == RowKind::Data)
        .map(|r| at(r).and_then(|c| c.calc.as_deref()))
        .collect();
    let first = *calcs.first()?;
    calcs.iter().all(|c| *c == first).then_some(first?)
}

/// Checks every header and body cell of every table of `doc` against the workbook.
fn assert_tables_match(doc: &Document, book: &Book, names: &[&str]) {
    for (table, name) in tables(doc).into_iter().zip(names) {
        let sheet = book.sheet(name);
        let (first_header, first_body) = layout(doc, table);
        if let Some(caption) = &table.caption {
            assert_eq!(sheet.text(&reference(first_header - 1, 0)), caption);
        }
        let labels;
        let header = if table.header.is_empty() {
            labels = vec![table.columns.iter().map(|c| Cell::text(c.label.clone())).collect::<Vec<_>>()];
            &labels
        } else {
            &table.header
        };
        for (i, cells) in header.iter().enumerate() {
            let mut col = 0;
            for cell in cells {
                let r = reference(first_header + i as u32, col);
                let Value::Text(label) = &cell.value else { panic!("header cells are text here") };
                let got = sheet.cell(&r);
                assert_eq!(got.text(), label, "{name}!{r}");
                assert!(got.bold && got.fill.as_deref() == Some("D9E1F2"), "{name}!{r} header style");
                if cell.colspan > 1 {
                    let range =
                        format!("{r}:{}", reference(first_header + i as u32, col + usize::from(cell.colspan) - 1));
                    assert!(sheet.merged.contains(&range), "{name}: {range} merged");
                }
                col += usize::from(cell.colspan);
            }
        }
        for (i, row) in table.rows.iter().enumerate() {
            let mut col = 0;
            let sheet_row = first_body + i as u32;
            for cell in &row.cells {
                let r = reference(sheet_row, col);
                let at = format!("{name}!{r} ({:?})", cell.value);
                let total_row = matches!(row.kind, RowKind::Subtotal | RowKind::Total);
                match &cell.value {
                    Value::Empty if effective_calc(table, i, col).is_some() => {
                        // A calc the document leaves empty: a formula that shows "" (cached "").
                        assert_eq!(sheet.cell(&r).kind, reader::Kind::Str, "{at}");
                        assert_formula_gives_its_result(sheet, &r, 0);
                    }
                    Value::Empty => assert!(sheet.get(&r).is_none_or(|c| c.value.is_none()), "{at}"),
                    Value::Text(s) => {
                        assert_eq!(sheet.cell(&r).text(), s, "{at}");
                        assert_eq!(sheet.cell(&r).kind, reader::Kind::SharedString, "{at}");
                    }
                    Value::Status(code) => {
                        assert_eq!(sheet.cell(&r).text(), doc.locale.status(code), "{at}");
                    }
                    Value::Number { value, decimals } => {
                        let got = sheet.cell(&r);
                        assert_eq!(got.number(), *value, "{at}");
                        let expected = if *decimals == 0 {
                            "#,##0".to_string()
                        } else {
                            format!("#,##0.{}", "0".repeat(usize::from(*decimals)))
                        };
                        assert_eq!(got.num_format, expected, "{at}");
                        assert_eq!(
                            got.formula.is_some(),
                            total_row || cell.calc.is_some(),
                            "{at}: formula only in total rows and calc cells"
                        );
                        if cell.calc.is_some() {
                            assert_formula_gives_its_result(sheet, &r, u32::from(*decimals));
                        }
                    }
                    Value::Money { minor, currency } => {
                        let got = sheet.cell(&r);
                        assert_eq!(got.kind, reader::Kind::Number, "{at}");
                        // The figure exactly, whether a value or a formula's cached result.
                        assert_eq!(
                            decimal_units(got.text(), exp(currency)),
                            i128::from(*minor),
                            "{at}: {}",
                            got.text()
                        );
                        let zeros = "0".repeat(exp(currency) as usize);
                        let point = if zeros.is_empty() { "" } else { "." };
                        assert_eq!(got.num_format, format!("#,##0{point}{zeros} \"{currency}\""), "{at}");
                        if cell.calc.is_some() {
                            assert_formula_gives_its_result(sheet, &r, exp(currency));
                        } else if total_row {
                            let formula = got.formula.as_deref().unwrap_or_else(|| panic!("{at}: no formula"));
                            assert_eq!(eval_sum(sheet, formula, exp(currency)), i128::from(*minor), "{at}: {formula}");
                        } else {
                            assert!(got.formula.is_none(), "{at}");
                        }
                    }
                    Value::Percent(p) => {
                        let got = sheet.cell(&r);
                        // The fraction, written as short as the percentage (0.869, not 0.8690000000000001).
                        assert!((got.number() - p / 100.0).abs() <= 1e-15, "{at}: {}", got.text());
                        assert!(got.text().len() <= format!("{p}").len() + 3, "{at}: {}", got.text());
                        assert_eq!(got.num_format, "0.0%", "{at}");
                        match effective_calc(table, i, col) {
                            Some(_) => assert_formula_gives_its_result(sheet, &r, 3),
                            None => assert!(got.formula.is_none(), "{at}: a ratio is not a sum"),
                        }
                    }
                    Value::Date(d) => {
                        let got = sheet.cell(&r);
                        assert_eq!(got.number(), excel_serial(*d), "{at}");
                        assert_eq!(got.num_format, doc.locale.excel_date_format, "{at}");
                    }
                }
                let got = sheet.get(&r);
                match row.kind {
                    RowKind::Data => {}
                    RowKind::Group => {
                        let got = got.unwrap();
                        assert!(got.bold && got.fill.as_deref() == Some("EDEDED"), "{at}: group rows bold, shaded");
                    }
                    RowKind::Subtotal | RowKind::Total => {
                        let got = got.unwrap();
                        assert!(got.bold && got.border_top.as_deref() == Some("thin"), "{at}: totals bold, top border");
                    }
                }
                if cell.colspan > 1 {
                    let range = format!("{r}:{}", reference(sheet_row, col + usize::from(cell.colspan) - 1));
                    assert!(sheet.merged.contains(&range), "{at}: {range} merged");
                }
                col += usize::from(cell.colspan);
            }
        }
    }
}

#[test]
fn sheets_are_the_report_then_one_per_table() {
    let book = reader::read(&render(&demo_quarterly()).unwrap());
    assert_eq!(book.names(), ["Report", "Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);

    let mut doc = demo_quarterly();
    let names = [
        "Budget 2025/2026: by output [USD]",
        "report",
        "Индикаторы проекта «Oʻzbekiston» за 2025 год",
        "Индикаторы проекта «Oʻzbekiston» за 2025 год",
        "",
    ];
    for (table, name) in tables_mut(&mut doc).into_iter().zip(names) {
        table.name = name.into();
    }
    let book = reader::read(&render(&doc).unwrap());
    assert_eq!(
        book.names(),
        [
            "Report",
            "Budget 2025-2026- by output (US",
            "report (2)",
            "Индикаторы проекта «Oʻzbekiston",
            "Индикаторы проекта «Oʻzbeki (2)",
            "Table",
        ]
    );
}

#[test]
fn every_table_cell_is_written_with_its_value_and_number_format() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());
    assert_tables_match(&doc, &book, &["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);

    // A few cells spelled out, as a reader of the sheet sees them.
    let budget = book.sheet("Budget (USD)");
    assert_eq!(budget.text("A4"), "1.1.1.1 Functional review of back-office bodies");
    assert_eq!(budget.cell("C4").text(), "45000");
    assert_eq!(budget.cell("D4").text(), "39125.5");
    assert_eq!(budget.cell("F4").text(), "0.869");
    assert_eq!(budget.cell("C4").num_format, "#,##0.00 \"USD\"");
    let rates = book.sheet("Rates");
    assert_eq!(rates.cell("C3").text(), "0.8532");
    assert_eq!(rates.cell("C3").num_format, "#,##0.0000");
    assert_eq!(rates.cell("A3").number(), 45839.0, "1 July 2025 as an Excel date");
    let indicators = book.sheet("Indicators");
    assert_eq!(indicators.text("A2"), "Indicator");
    assert!(indicators.merged.contains(&"A2:B2".to_string()) && indicators.merged.contains(&"C2:F2".to_string()));
    assert!(indicators.merged.contains(&"A4:I4".to_string()), "group row spans the table");
    assert_eq!(indicators.text("H5"), "On track");
}

#[test]
fn totals_are_sum_formulas_over_their_rows_with_the_exact_cached_result() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());
    let budget = book.sheet("Budget (USD)");
    // Caption (row 1), header (row 2), then per output: group, lines, subtotal; then the total.
    let expected = [
        (8, "SUM(C4:C7)", "SUM(D4:D7)", "SUM(E4:E7)"),
        (14, "SUM(C10:C13)", "SUM(D10:D13)", "SUM(E10:E13)"),
        (19, "SUM(C16:C18)", "SUM(D16:D18)", "SUM(E16:E18)"),
        (24, "SUM(C21:C23)", "SUM(D21:D23)", "SUM(E21:E23)"),
        (
            25,
            "SUM(C4:C7,C10:C13,C16:C18,C21:C23)",
            "SUM(D4:D7,D10:D13,D16:D18,D21:D23)",
            "SUM(E4:E7,E10:E13,E16:E18,E21:E23)",
        ),
    ];
    for (row, c, d, e) in expected {
        for (column, formula) in [("C", c), ("D", d), ("E", e)] {
            let cell = budget.cell(&format!("{column}{row}"));
            assert_eq!(cell.formula.as_deref(), Some(formula), "{column}{row}");
            assert_eq!(
                eval_sum(budget, formula, 2),
                decimal_units(cell.text(), 2),
                "{column}{row}: cached = sum of lines"
            );
        }
        // The delivery % of a subtotal or total is the lines' calc on its own row, not an
        // average of percentages.
        let delivery = budget.cell(&format!("F{row}"));
        assert_eq!(delivery.formula.as_deref(), Some(format!("D{row}/C{row}").as_str()), "F{row}");
        assert_formula_gives_its_result(budget, &format!("F{row}"), 3);
    }
    assert_eq!(budget.text("F25"), "0.697", "69.7 % of the budget spent");
    // The grand totals, to the cent, as the document has them.
    assert_eq!(budget.text("C25"), "801000.00");
    assert_eq!(budget.text("D25"), "558531.35");
    assert_eq!(budget.text("E25"), "242468.65");
    assert_eq!(budget.text("A25"), "Total");

    // EU statement: the subtotal adds the four headings; the total adds every data row
    // (the four headings and indirect costs), not the subtotal.
    let eu = book.sheet("EU statement");
    assert_eq!(eu.cell("B7").formula.as_deref(), Some("SUM(B3:B6)"));
    assert_eq!(eu.cell("B9").formula.as_deref(), Some("SUM(B3:B6,B8)"));
    assert_eq!(eu.text("B9"), "573397.27");
    assert_eq!(eu.cell("E9").formula.as_deref(), Some("C9/B9"));
}

#[test]
fn header_rows_are_frozen_filtered_and_printed_on_every_page() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());

    // Indicators: caption, two header rows -> frozen below row 3, filter on row 3.
    let indicators = book.sheet("Indicators");
    assert!(indicators.xml.contains(r#"<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>"#));
    assert!(indicators.xml.contains(r#"<autoFilter ref="A3:I27"/>"#), "over the header and the 24 rows");
    assert_eq!(book.defined_name("_xlnm.Print_Titles", "Indicators"), Some("Indicators!$2:$3"));
    assert_eq!(book.defined_name("_xlnm._FilterDatabase", "Indicators"), Some("Indicators!$A$3:$I$27"));

    // Budget: the filter stops above the grand total, so sorting keeps it at the bottom.
    let budget = book.sheet("Budget (USD)");
    assert!(budget.xml.contains(r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#));
    assert!(budget.xml.contains(r#"<autoFilter ref="A2:F24"/>"#));
    assert_eq!(book.defined_name("_xlnm.Print_Titles", "Budget (USD)"), Some("'Budget (USD)'!$2:$2"));

    // Print setup: landscape tables landscape, the others portrait; A4, one page wide.
    for (name, orientation) in
        [("Report", "portrait"), ("Indicators", "landscape"), ("Budget (USD)", "landscape"), ("Risks", "portrait")]
    {
        let xml = &book.sheet(name).xml;
        assert!(
            xml.contains(&format!(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="{orientation}""#)),
            "{name}: {xml}"
        );
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{name}");
        assert!(
            xml.contains("<oddHeader>&amp;LUZB-PSD · UNDP quarterly progress report · 2025-Q3</oddHeader>"),
            "{name}"
        );
        assert!(
            xml.contains("<oddFooter>&amp;LGenerated by rbm from approved data&amp;Rpage &amp;P of &amp;N</oddFooter>"),
            "{name}"
        );
    }

    // Column widths follow the relative widths: the indicator column is the widest.
    let attr = |c: &str, name: &str| -> f64 {
        c.split(&format!(" {name}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
    };
    // `<col min max width>`: adjacent columns of one width share an element.
    let widths: Vec<f64> = indicators
        .xml
        .split("<col ")
        .skip(1)
        .flat_map(|c| {
            let c = format!(" {c}");
            let (min, max, width) = (attr(&c, "min"), attr(&c, "max"), attr(&c, "width"));
            (min as usize..=max as usize).map(move |_| width)
        })
        .collect();
    assert_eq!(widths.len(), 9);
    assert!(widths[1] > 3.0 * widths[0] && widths[1] > widths[2] * 3.0, "{widths:?}");
}

#[test]
fn statuses_are_coloured_by_conditional_formatting() {
    let book = reader::read(&render(&demo_quarterly()).unwrap());
    let xml = &book.sheet("Indicators").xml;
    assert!(xml.contains(r#"<conditionalFormatting sqref="H4:H27">"#), "{xml}");
    for label in ["On track", "Needs attention", "Off track"] {
        assert!(xml.contains(&format!(r#"operator="equal"><formula>"{label}"</formula>"#)), "{label}");
    }
    let risks = &book.sheet("Risks").xml;
    assert!(risks.contains(r#"<conditionalFormatting sqref="E3:E7">"#));
    let styles = &book.parts["xl/styles.xml"];
    for fill in ["FFC6EFCE", "FFFFEB9C", "FFFFC7CE"] {
        assert!(styles.contains(fill), "{fill} in the differential formats");
    }
}

#[test]
fn the_report_sheet_holds_the_running_text_charts_and_emblem() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());
    let report = book.sheet("Report");
    assert_eq!(report.text("A1"), doc.title);
    assert!(report.cell("A1").bold);
    assert_eq!(report.text("A2"), doc.header);

    let column_a: Vec<&str> = {
        let mut rows: Vec<u32> = report
            .cells
            .keys()
            .filter(|r| r.starts_with('A') && r[1..].chars().all(|c| c.is_ascii_digit()))
            .map(|r| r[1..].parse().unwrap())
            .collect();
        rows.sort_unstable();
        rows.iter().map(|r| report.text(&format!("A{r}"))).collect()
    };
    let expected = [
        "1. Project summary",
        "Joint project of the Ministry of Justice of the Republic of Uzbekistan and UNDP, funded by the European Union. \
         It improves access to affordable, convenient and high-quality public services, with a focus on remote, \
         self-service online services.",
        "Проект «Дальнейшее совершенствование системы оказания государственных услуг», Oʻzbekiston Respublikasi.",
        "\u{2022} Award: 00123456 (illustrative)",
        "\u{2022} Implementing partner: Ministry of Justice of the Republic of Uzbekistan",
        "\u{2022} Duration: 1 January 2023 to 31 December 2026",
        "2. Progress per output",
        "Table: Progress per output: indicators (sheet \u{201c}Indicators\u{201d})",
        "Indicators: % of annual target",
        "Item",
        "OP1",
        "OP2",
        "OP3",
        "OP5",
        "OP6",
        "Reference: 100 %",
        "3. Financial",
        "Table: Budget and expenditure by output and activity (USD) (sheet \u{201c}Budget (USD)\u{201d})",
        "Table: Financial statement by EU budget heading (EUR, converted at UN operational rates) (sheet \u{201c}EU statement\u{201d})",
        "Table: Exchange rates used (UN operational rates) (sheet \u{201c}Rates\u{201d})",
        "4. Risks and issues",
        "Table: Risks and issues (sheet \u{201c}Risks\u{201d})",
        "Next quarter",
        "1. Hand over the e-learning hub to the Public Service Agency",
        "2. Connect 30 more Public Service Centres",
        "Funded by the European Union",
    ];
    assert_eq!(&column_a[2..], expected);

    // The chart's data as a table, and a native bar chart over it.
    let item = report.find("Item").unwrap();
    let first: u32 = item[1..].parse::<u32>().unwrap() + 1;
    assert_eq!(report.text(&format!("B{}", first - 1)), "Value (%)");
    assert_eq!(report.cell(&format!("B{first}")).number(), 100.0);
    assert_eq!(report.cell(&format!("B{}", first + 1)).number(), 93.4);
    assert_eq!(report.cell(&format!("B{first}")).num_format, "#,##0.0\" %\"");
    let chart = &book.parts["xl/charts/chart1.xml"];
    assert!(chart.contains(r#"<c:barDir val="bar"/>"#));
    assert!(chart.contains(&format!("<c:f>Report!$A${first}:$A${}</c:f>", first + 4)));
    assert!(chart.contains(&format!("<c:f>Report!$B${first}:$B${}</c:f>", first + 4)));

    // Links to the table sheets, a page break where the document has one, the emblem caption
    // in EU blue.
    assert!(report.xml.contains(r#"location="Indicators!A1""#));
    assert!(report.xml.contains(r#"location="'Budget (USD)'!A1""#));
    assert!(report.xml.contains("<rowBreaks count=\"1\""));
    let emblem = report.find("Funded by the European Union").unwrap();
    assert_eq!(report.cell(&emblem).fill.as_deref(), Some("003399"));
}

#[test]
fn cyrillic_and_uzbek_latin_text_is_preserved() {
    let mut doc = demo_quarterly();
    doc.header = "UZB-PSD · Oʻzbekiston · Отчёт за 2025-Q3".into();
    tables_mut(&mut doc)[4].name = "Риски (Oʻzbekiston)".into();
    let book = reader::read(&render(&doc).unwrap());
    for s in [
        "Проекты нормативных актов, вынесенные на общественное обсуждение",
        "Oʻzbekiston Respublikasi Adliya vazirligi bilan kelishilgan hujjatlar",
        "1.1.4.2 Citizens' participation (Oʻzbekiston, Сурхандарья)",
        "Регулярные встречи с Министерством юстиции",
        "Uzbek soʻm per USD",
    ] {
        assert!(book.shared_strings.iter().any(|x| x == s), "{s}");
    }
    assert_eq!(book.sheet("Indicators").text("B7"), "Проекты нормативных актов, вынесенные на общественное обсуждение");
    assert_eq!(
        book.sheet("Indicators").text("B8"),
        "Oʻzbekiston Respublikasi Adliya vazirligi bilan kelishilgan hujjatlar"
    );
    assert_eq!(book.names()[5], "Риски (Oʻzbekiston)");
    assert!(
        book.sheet("Риски (Oʻzbekiston)").xml.contains("<oddHeader>&amp;LUZB-PSD · Oʻzbekiston · Отчёт за 2025-Q3")
    );
}

#[test]
fn the_watermark_is_the_first_row_of_every_sheet_and_in_the_page_header() {
    let mut doc = demo_quarterly();
    doc.watermark = Some("DRAFT: includes unapproved data".into());
    let book = reader::read(&render(&doc).unwrap());
    for sheet in &book.sheets {
        let a1 = sheet.cell("A1");
        assert_eq!(a1.text(), "DRAFT: includes unapproved data", "{}", sheet.name);
        assert!(a1.bold, "{}", sheet.name);
        assert!(
            sheet.xml.contains("&amp;R&amp;\"-,Bold\"&amp;KC00000DRAFT: includes unapproved data"),
            "{}",
            sheet.name
        );
        assert!(sheet.xml.contains(r#"<tabColor rgb="FFC00000"/>"#), "{}", sheet.name);
    }
    // Everything else moves down one row, formulas included.
    assert_tables_match(&doc, &book, &["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);
    let budget = book.sheet("Budget (USD)");
    assert_eq!(budget.cell("C9").formula.as_deref(), Some("SUM(C5:C8)"));
    assert!(budget.xml.contains(r#"<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>"#));
    assert_eq!(book.defined_name("_xlnm.Print_Titles", "Budget (USD)"), Some("'Budget (USD)'!$3:$3"));

    // A blank watermark is none.
    doc.watermark = Some("  ".into());
    let book = reader::read(&render(&doc).unwrap());
    assert_eq!(book.sheet("Report").text("A1"), doc.title);
    assert!(!book.sheet("Budget (USD)").xml.contains("tabColor"));
    assert_tables_match(&doc, &book, &["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);
}

#[test]
fn a_total_that_is_not_the_sum_of_its_rows_is_refused() {
    let mut doc = demo_quarterly();
    let budget = &mut tables_mut(&mut doc)[1];
    let Value::Money { minor, .. } = &mut budget.rows[5].cells[1].value else { panic!("subtotal budget") };
    *minor += 1;
    match render(&doc) {
        Err(RenderError::InconsistentTotal { table, row, column, message }) => {
            assert_eq!((table.as_str(), row, column), ("Budget (USD)", 5, 2));
            assert!(message.contains("135500.01") && message.contains("135500.00"), "{message}");
        }
        other => panic!("expected an inconsistent total, got {other:?}"),
    }

    let mut doc = demo_quarterly();
    let budget = &mut tables_mut(&mut doc)[1];
    budget.rows[1].cells[2].value = Value::Money { minor: 4_500_000, currency: "EUR".into() };
    // The line's own calcs refuse the mixed currencies first ...
    match render(&doc) {
        Err(RenderError::InconsistentCalc { row: 1, column: 4, message, .. }) => {
            assert!(message.contains("c3 is money in EUR, the calc works in USD"), "{message}");
        }
        other => panic!("expected an inconsistent calc, got {other:?}"),
    }
    // ... and without them, the subtotal does.
    let budget = &mut tables_mut(&mut doc)[1];
    budget.rows[1].cells[4].calc = None;
    budget.rows[1].cells[5].calc = None;
    assert!(matches!(render(&doc), Err(RenderError::InconsistentTotal { row: 5, column: 2, .. })));
}

/// A budget table of `activities` activities of `lines` lines each, each with a subtotal.
fn many_groups(activities: usize, lines: usize) -> Document {
    let groups: Vec<BudgetGroup> = (0..activities)
        .map(|a| {
            let lines = (0..lines)
                .map(|l| (format!("line {a}.{l}"), "72100".to_string(), 1_000 + (a * 7 + l) as i64, (a + l) as i64))
                .collect();
            (format!("Activity {a}"), lines)
        })
        .collect();
    Document { blocks: vec![Block::Table(budget_table("Budget", "USD", &groups))], ..Default::default() }
}

#[test]
fn a_total_over_many_groups_sums_the_subtotals_or_else_is_a_value() {
    // 1 000 activities of 3 lines: the data ranges would pass Excel's 8 192 characters, so the
    // total sums the 1 000 subtotal cells (nested SUMs of at most 255 arguments).
    let doc = many_groups(1000, 3);
    let book = reader::read(&render(&doc).unwrap());
    let sheet = book.sheet("Budget");
    let last = 2 + 5 * 1000 + 1; // caption, header, 1000 x (group, 3 lines, subtotal), total
    let total = sheet.cell(&format!("C{last}"));
    let formula = total.formula.as_deref().unwrap();
    assert!(formula.starts_with("SUM(SUM(C7,C12,C17,") && formula.len() < 8192, "{}", &formula[..60]);
    assert_eq!(formula.matches("SUM(").count(), 1 + 4);
    let lines: i128 = (0..1000).flat_map(|a| (0..3).map(move |l| 1_000 + (a * 7 + l) as i128)).sum();
    assert_eq!(decimal_units(total.text(), 2), lines);
    assert_eq!(eval_sum(sheet, formula, 2), lines);

    // 3 000 activities of one line: even the subtotals are too many; the total is its figure.
    let doc = many_groups(3000, 1);
    let book = reader::read(&render(&doc).unwrap());
    let sheet = book.sheet("Budget");
    let total = sheet.cell(&format!("C{}", 2 + 3 * 3000 + 1));
    assert_eq!(total.formula, None);
    let lines: i128 = (0..3000).map(|a| 1_000 + (a * 7) as i128).sum();
    assert_eq!(decimal_units(total.text(), 2), lines);
}

#[test]
fn the_synthetic_document_renders_with_exact_totals() {
    let doc = synthetic(200, 2000);
    let book = reader::read(&render(&doc).unwrap());
    assert_eq!(book.names(), ["Report", "Indicators", "Budget"]);
    assert_tables_match(&doc, &book, &["Indicators", "Budget"]);
    let budget = book.sheet("Budget");
    // Watermark, caption, header; 100 activities x (group, 20 lines, subtotal); the total.
    let total = budget.cell(&format!("C{}", 3 + 100 * 22 + 1));
    assert!(total.formula.as_deref().unwrap().starts_with("SUM(C5:C24,C27:C46,"));
}

#[test]
fn money_in_currencies_without_cents_or_with_three_decimals() {
    let mut doc = Document::default();
    let mut table = budget_table(
        "FX",
        "JPY",
        &[("Group".into(), vec![("a".into(), "1".into(), 1_000_000, 250_001), ("b".into(), "2".into(), 7, 3)])],
    );
    let kwd = budget_table("KWD", "KWD", &[("Group".into(), vec![("a".into(), "1".into(), 1_234_567, 5)])]);
    table.caption = None;
    doc.blocks = vec![Block::Table(table), Block::Table(kwd)];
    let book = reader::read(&render(&doc).unwrap());
    assert_tables_match(&doc, &book, &["FX", "KWD"]);
    let fx = book.sheet("FX");
    assert_eq!(fx.cell("C3").text(), "1000000");
    assert_eq!(fx.cell("C3").num_format, "#,##0 \"JPY\"");
    assert_eq!(fx.cell("D6").text(), "250004");
    assert_eq!(book.sheet("KWD").cell("C4").text(), "1234.567");
    assert_eq!(book.sheet("KWD").cell("C4").num_format, "#,##0.000 \"KWD\"");
}

/// The text a spreadsheet shows for a figure: the document's text, percentages without the
/// space before % (`0.0%`).
fn excel_text(value: &Value, locale: &Locale) -> String {
    let text = format_in(value, locale);
    if matches!(value, Value::Percent(_)) { text.replace(" %", "%") } else { text }
}

/// A budget of large amounts: lines of hundreds of millions, a negative balance (overspent),
/// so the total runs to ten digits.
fn large_budget() -> Document {
    let line = |l: &str, b: i64, e: i64| (l.to_string(), "72100 Contractual services".to_string(), b, e);
    let groups = vec![
        (
            "Output 1: infrastructure".to_string(),
            vec![line("Roads", 98_765_432_110, 87_654_321_099), line("Bridges", 12_345_678_901, 13_579_246_801)],
        ),
        ("Output 2: services".to_string(), vec![line("Clinics", 45_000_000_000, 44_999_999_999)]),
    ];
    let mut doc = Document { blocks: vec![Block::Table(budget_table("Budget", "USD", &groups))], ..Default::default() };
    doc.title = "Large amounts".into();
    doc
}

/// Every figure column of every table sheet shows its widest figure (bold in total rows)
/// without `###`, and every header word fits its column.
fn assert_figures_fit(doc: &Document, book: &Book, names: &[&str]) {
    for (table, name) in tables(doc).into_iter().zip(names) {
        let sheet = book.sheet(name);
        let mut widest: Vec<(f64, String)> = vec![(0.0, String::new()); table.columns.len()];
        for row in &table.rows {
            let bold = row.kind != RowKind::Data;
            let mut col = 0;
            for cell in &row.cells {
                let figure = matches!(
                    cell.value,
                    Value::Money { .. } | Value::Number { .. } | Value::Percent(_) | Value::Date(_)
                );
                if cell.colspan == 1 && figure {
                    let text = excel_text(&cell.value, &doc.locale);
                    let w = measure::text_width(&text, bold);
                    if w > widest[col].0 {
                        widest[col] = (w, text);
                    }
                }
                col += usize::from(cell.colspan);
            }
        }
        for (col, (w, text)) in widest.iter().enumerate() {
            let shown = sheet.shown_width(col);
            assert!(shown >= *w, "{name} column {}: {shown:.2} wide, shows ### for {text:?} ({w:.2})", col + 1);
        }
        let header: Vec<Vec<Cell>> = if table.header.is_empty() {
            vec![table.columns.iter().map(|c| Cell::text(c.label.clone())).collect()]
        } else {
            table.header.clone()
        };
        for cells in &header {
            let mut col = 0;
            for cell in cells {
                if let (1, Value::Text(label)) = (cell.colspan, &cell.value) {
                    let word = label.split(' ').map(|w| measure::text_width(w, true)).fold(0.0, f64::max);
                    assert!(sheet.shown_width(col) >= word, "{name}: a word of the header {label:?} is split");
                }
                col += usize::from(cell.colspan);
            }
        }
    }
}

#[test]
fn figure_columns_are_as_wide_as_their_widest_figure() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());
    assert_figures_fit(&doc, &book, &["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);
    // The budget's money columns hold the bold grand total, "801,000.00 USD".
    let budget = book.sheet("Budget (USD)");
    for col in 2..=4 {
        assert!(budget.shown_width(col) >= measure::text_width("801,000.00 USD", true), "column {col}");
    }

    let doc = large_budget();
    let book = reader::read(&render(&doc).unwrap());
    assert_figures_fit(&doc, &book, &["Budget"]);
    let budget = book.sheet("Budget");
    assert_eq!(budget.text("C10"), "1561111110.11", "the grand total, 1,561,111,110.11 USD");
    assert!(budget.shown_width(2) >= measure::text_width("1,561,111,110.11 USD", true));
    assert_eq!(budget.text("E5"), "-12335679.00", "overspent");
    assert!(budget.shown_width(4) >= measure::text_width("-12,335,679.00 USD", false));

    let doc = synthetic(200, 2000);
    let book = reader::read(&render(&doc).unwrap());
    assert_figures_fit(&doc, &book, &["Indicators", "Budget"]);

    // Text columns are capped and wrap; short ones fit their content.
    let indicators = reader::read(&render(&demo_quarterly()).unwrap());
    let indicators = indicators.sheet("Indicators");
    assert!((20.0..=63.0).contains(&indicators.width(1)), "the indicator column: {}", indicators.width(1));
    assert!(indicators.width(0) < 10.0, "codes are short: {}", indicators.width(0));
    assert!(indicators.cell("B5").wrap);
}

#[test]
fn wrapped_text_rows_are_as_tall_as_their_lines() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());
    let mut tall = 0;
    for (table, name) in tables(&doc).into_iter().zip(["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"])
    {
        let sheet = book.sheet(name);
        let (first_header, first_body) = layout(&doc, table);
        let header: Vec<(RowKind, &[Cell])> = if table.header.is_empty() {
            vec![]
        } else {
            table.header.iter().map(|h| (RowKind::Group, h.as_slice())).collect()
        };
        let body = table.rows.iter().map(|r| (r.kind, r.cells.as_slice()));
        let start = if header.is_empty() { first_body } else { first_header };
        for (k, (kind, cells)) in header.into_iter().chain(body).enumerate() {
            let sheet_row = start + k as u32 + 1;
            let mut col = 0;
            let mut needed = 1.0f64;
            for cell in cells {
                let span = usize::from(cell.colspan);
                if let Value::Text(text) = &cell.value {
                    let width: f64 = (col..col + span).map(|c| sheet.shown_width(c)).sum();
                    // Fewer lines than the text's width over the column's is impossible.
                    let lines = (measure::text_width(text, kind != RowKind::Data) / width).ceil();
                    needed = needed.max(lines);
                    assert!(
                        sheet.cell(&reference(sheet_row - 1, col)).wrap,
                        "{name}!{}: wraps",
                        reference(sheet_row - 1, col)
                    );
                }
                col += span;
            }
            let height = sheet.height(sheet_row);
            assert!(height >= needed * 15.0, "{name} row {sheet_row}: {height} pt for {needed} lines");
            if needed > 1.0 {
                tall += 1;
            }
        }
    }
    assert!(tall >= 4, "the demo has long indicator titles and risks: {tall} rows wrap");
    // The two-line indicator title, spelled out.
    let indicators = book.sheet("Indicators");
    assert_eq!(
        indicators.text("B5"),
        "Legal and regulatory acts on public service delivery drafted with project support"
    );
    assert!(indicators.height(5) >= 30.0, "{}", indicators.height(5));
    // A one-line row keeps Excel's default height.
    assert_eq!(book.sheet("Rates").height(4), 15.0);

    // The Report sheet: a long paragraph gets the height of its lines.
    let report = book.sheet("Report");
    let at = report
        .find(
            &doc.blocks
                .iter()
                .find_map(|b| match b {
                    Block::Paragraph(p) if p.len() > 150 => Some(p.clone()),
                    _ => None,
                })
                .unwrap(),
        )
        .unwrap();
    let row: u32 = at[1..].parse().unwrap();
    assert!(report.height(row) >= 30.0, "{at}: {}", report.height(row));

    // Line breaks count as lines.
    let mut doc = demo_quarterly();
    let Block::Table(risks) = doc.blocks.iter_mut().rev().find(|b| matches!(b, Block::Table(_))).unwrap() else {
        panic!()
    };
    risks.rows[4].cells[3] =
        text("Quarterly follow-up with the donor\nEscalation to the steering committee\nReserve from UNDP core funds");
    let book = reader::read(&render(&doc).unwrap());
    assert!(book.sheet("Risks").height(7) >= 45.0, "{}", book.sheet("Risks").height(7));
}

#[test]
fn balances_and_percentages_are_formulas_with_the_figures_cached() {
    let doc = demo_quarterly();
    let book = reader::read(&render(&doc).unwrap());
    let budget = book.sheet("Budget (USD)");
    // 45,000.00 budget, 39,125.50 spent: balance 5,874.50, delivery 86.9 %.
    assert_eq!(budget.cell("E4").formula.as_deref(), Some("C4-D4"));
    assert_eq!(budget.cell("E4").text(), "5874.50");
    assert_eq!(formula::eval(budget, "C4-D4"), formula::V::Num(5874.5));
    assert_eq!(budget.cell("F4").formula.as_deref(), Some("D4/C4"));
    assert_eq!(budget.cell("F4").text(), "0.869");
    assert_eq!(budget.cell("F4").num_format, "0.0%");
    // Overspent: 12,500.00 budget, 13,019.99 spent.
    assert_eq!(budget.cell("E7").text(), "-519.99");
    assert_formula_gives_its_result(budget, "E7", 2);
    // Subtotal and total rows: SUMs for money, the lines' calc for the delivery.
    assert_eq!(budget.cell("F8").formula.as_deref(), Some("D8/C8"));

    let indicators = book.sheet("Indicators");
    // % of target = cumulative / annual target: 2 of 2, 3 of 6.
    assert_eq!(indicators.cell("G5").formula.as_deref(), Some("F5/D5"));
    assert_eq!(indicators.cell("G5").text(), "1");
    assert_eq!(indicators.cell("G6").text(), "0.5");
    let eu = book.sheet("EU statement");
    assert_eq!(eu.cell("E3").formula.as_deref(), Some("C3/B3"));
    assert_formula_gives_its_result(eu, "E8", 3);

    // Empty figures: a zero budget, no expenditure recorded, an indicator without a target.
    let groups = vec![(
        "Output 1".to_string(),
        vec![
            ("Unbudgeted spending".to_string(), "72100".to_string(), 0, 150_000),
            ("No expenditure yet".to_string(), "71300".to_string(), 500_000, 0),
        ],
    )];
    let mut table = budget_table("Budget", "USD", &groups);
    // No expenditure recorded: an empty cell, which the balance counts as 0 and the delivery
    // leaves empty as the document does.
    table.rows[2].cells[3] = empty();
    table.rows[2].cells[5] = calc(empty(), "c4/c3");
    let doc = Document { blocks: vec![Block::Table(table.clone())], ..Default::default() };
    let book = reader::read(&render(&doc).unwrap());
    let sheet = book.sheet("Budget");
    assert_eq!(sheet.cell("F4").formula.as_deref(), Some(r#"IFERROR(D4/C4,"")"#), "a zero budget");
    assert_eq!(sheet.cell("F4").kind, reader::Kind::Str);
    assert_eq!(sheet.cell("F4").text(), "");
    assert_eq!(formula::eval(sheet, r#"IFERROR(D4/C4,"")"#), formula::V::Str(String::new()));
    assert_eq!(sheet.cell("E5").formula.as_deref(), Some("C5-D5"));
    assert_eq!(sheet.cell("E5").text(), "5000.00");
    assert_eq!(sheet.cell("F5").formula.as_deref(), Some(r#"IF(D5="","",D5/C5)"#), "nothing spent yet");
    assert_eq!(formula::eval(sheet, r#"IF(D5="","",D5/C5)"#), formula::V::Str(String::new()));
    assert_tables_match(&doc, &book, &["Budget"]);
}

#[test]
fn a_calc_that_does_not_give_its_figure_is_refused() {
    let calc_error = |doc: &Document| match render(doc) {
        Err(RenderError::InconsistentCalc { table, row, column, calc, message }) => (table, row, column, calc, message),
        other => panic!("expected an inconsistent calc, got {other:?}"),
    };

    // A balance one cent off.
    let mut doc = demo_quarterly();
    let Value::Money { minor, .. } = &mut tables_mut(&mut doc)[1].rows[2].cells[4].value else { panic!() };
    *minor += 1;
    let (table, row, column, expr, message) = calc_error(&doc);
    assert_eq!((table.as_str(), row, column, expr.as_str()), ("Budget (USD)", 2, 4, "c3-c4"));
    assert!(message.contains("1599.25") && message.contains("1599.26"), "{message}");

    // A percentage's calc gives the fraction: `*100` would show 8 690.0 %.
    let mut doc = demo_quarterly();
    tables_mut(&mut doc)[1].rows[1].cells[5].calc = Some("c4/c3*100".into());
    let (_, row, column, _, message) = calc_error(&doc);
    assert_eq!((row, column), (1, 5));
    assert!(message.contains("86.9 %"), "{message}");

    // A figure where the calc divides by zero, and an empty cell where it gives a number.
    let mut doc = demo_quarterly();
    tables_mut(&mut doc)[1].rows[1].cells[5].calc = Some("c4/(c3-c3)".into());
    assert!(calc_error(&doc).4.contains("divides by zero"));
    let mut doc = demo_quarterly();
    tables_mut(&mut doc)[1].rows[1].cells[5] = calc(empty(), "c4/c3");
    assert!(calc_error(&doc).4.contains("the cell is empty, but the expression gives 0.869"));

    // A calc over text, or on a text cell.
    let mut doc = demo_quarterly();
    tables_mut(&mut doc)[1].rows[1].cells[4].calc = Some("c3-c2".into());
    assert!(calc_error(&doc).4.contains("c2 holds no number"));
    let mut doc = demo_quarterly();
    tables_mut(&mut doc)[1].rows[1].cells[1].calc = Some("c3".into());
    assert!(calc_error(&doc).4.contains("calc is for number, money and percent cells"));

    // An inherited calc that does not give a total's figure is not used: the figure stays a value.
    let mut doc = demo_quarterly();
    tables_mut(&mut doc)[1].rows[5].cells[4] = pct(50.0);
    let book = reader::read(&render(&doc).unwrap());
    assert_eq!(book.sheet("Budget (USD)").cell("F8").formula, None);
    assert_eq!(book.sheet("Budget (USD)").cell("F8").text(), "0.5");
}

#[test]
fn the_workbook_follows_the_report_language() {
    let mut doc = demo_quarterly();
    doc.locale = Locale {
        lang: "ru".into(),
        decimal: ",".into(),
        group: "\u{a0}".into(),
        date_format: "%d.%m.%Y".into(),
        excel_date_format: "dd.mm.yyyy".into(),
        page_label: "стр. {page} из {pages}".into(),
        continued: "продолжение".into(),
        statuses: [
            ("on_track", "По плану"),
            ("needs_attention", "Требует внимания"),
            ("off_track", "Отстаёт"),
            ("no_data", "Нет данных"),
        ]
        .iter()
        .map(|(c, w)| (c.to_string(), w.to_string()))
        .collect(),
    };
    let book = reader::read(&render(&doc).unwrap());
    assert_tables_match(&doc, &book, &["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);
    assert_figures_fit(&doc, &book, &["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks"]);
    let indicators = book.sheet("Indicators");
    assert_eq!(indicators.text("H5"), "По плану");
    assert_eq!(indicators.cell("I5").num_format, "dd.mm.yyyy");
    assert!(
        indicators.xml.contains(r#"operator="equal"><formula>"Требует внимания"</formula>"#),
        "colours follow the words"
    );
    assert!(!indicators.xml.contains("On track"));
    assert!(indicators.xml.contains("&amp;Rстр. &amp;P из &amp;N</oddFooter>"), "the page label");
    assert_eq!(reader::core_property(&book, "language").as_deref(), Some("ru"));
    assert_eq!(reader::core_property(&book, "title").as_deref(), Some(doc.title.as_str()));

    let book = reader::read(&render(&demo_quarterly()).unwrap());
    assert_eq!(reader::core_property(&book, "language").as_deref(), Some("en"));
}

/// Rows of a CSV file (quotes, doubled quotes and line breaks inside quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Whether a program runs (`prog --version`). With `RBM_REQUIRE_LIBREOFFICE=1` (as in CI) a
/// missing one fails the test; otherwise the test says it is skipped and passes.
fn available(prog: &str, install: &str) -> bool {
    let ok = std::process::Command::new(prog)
        .arg(if prog == "pdftotext" { "-v" } else { "--version" })
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("RBM_REQUIRE_LIBREOFFICE").as_deref() != Ok("1"),
            "RBM_REQUIRE_LIBREOFFICE=1 but `{prog}` is not on PATH: apt-get install {install}"
        );
        eprintln!(
            "skipped: `{prog}` is not on PATH (apt-get install {install}; RBM_REQUIRE_LIBREOFFICE=1 makes this a failure)"
        );
    }
    ok
}

/// The demo report plus the edge cases of figures: amounts of ten digits, an overspent line,
/// a zero budget (delivery left empty: `IFERROR`), a line with no expenditure (`IF(D5="",...)`).
fn libreoffice_document() -> Document {
    let mut doc = demo_quarterly();
    doc.watermark = Some("DRAFT: includes unapproved data".into());
    let Block::Table(large) = large_budget().blocks.remove(0) else { unreachable!() };
    let groups = vec![(
        "Output 1".to_string(),
        vec![
            ("Unbudgeted spending".to_string(), "72100".to_string(), 0, 150_000),
            ("No expenditure yet".to_string(), "71300".to_string(), 500_000, 0),
        ],
    )];
    let mut edge = budget_table("Edge cases", "USD", &groups);
    edge.rows[2].cells[3] = empty();
    edge.rows[2].cells[5] = calc(empty(), "c4/c3");
    doc.blocks.push(Block::Table(Table { name: "Large amounts".into(), ..large }));
    doc.blocks.push(Block::Table(edge));
    doc
}

const LIBREOFFICE_SHEETS: [&str; 7] =
    ["Indicators", "Budget (USD)", "EU statement", "Rates", "Risks", "Large amounts", "Edge cases"];

/// Runs LibreOffice headless on `input` to convert it (`--convert-to <to>`) into `dir`, with a
/// profile of its own in `dir/profile` that recalculates OOXML files on load, always.
fn soffice(dir: &std::path::Path, input: &std::path::Path, to: &str) {
    std::fs::create_dir_all(dir.join("profile/user")).unwrap();
    std::fs::write(
        dir.join("profile/user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>"#,
    )
    .unwrap();
    let out = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.join("profile").display()))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(input)
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
}

/// A real spreadsheet application opens the workbook, recalculates every formula (the cached
/// results are zeroed first, so what shows comes from the SUM and calc formulas: balances,
/// delivery, % of target, EU share, empty results included) and shows each table cell as the
/// PDF and HTML do (`document::format`; percentages without the space before %). Printed to PDF,
/// no figure shows `###` (every column is wide enough for its widest figure).
/// Needs LibreOffice (`apt-get install libreoffice-calc-nogui poppler-utils`); skipped with a
/// message where it is missing, except with `RBM_REQUIRE_LIBREOFFICE=1` (CI), where that fails.
#[test]
fn libreoffice_recalculates_the_formulas_to_the_figures_of_the_document() {
    use std::io::{Read, Write};
    if !available("soffice", "libreoffice-calc-nogui") || !available("pdftotext", "poppler-utils") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("rbm-xlsx-libreoffice-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let doc = libreoffice_document();
    let bytes = render(&doc).unwrap();
    let book = reader::read(&bytes);
    let formulas = book.sheets.iter().flat_map(|s| s.cells.values()).filter(|c| c.formula.is_some()).count();
    // Zero every cached result: what LibreOffice shows must come from recalculating.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut zeroed = 0;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let xml = String::from_utf8(content).unwrap();
            let mut parts = xml.split("</f><v>");
            let mut rewritten = parts.next().unwrap().to_string();
            for part in parts {
                let (_, rest) = part.split_once("</v>").unwrap();
                rewritten.push_str(&format!("</f><v>0</v>{rest}"));
                zeroed += 1;
            }
            content = rewritten.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&content).unwrap();
    }
    assert_eq!(zeroed, formulas, "every formula's cached result");
    // Budget: 14 lines x 2 calcs, 5 total rows x 4; EU: 7 calcs and 2 x 3 sums; 20 % of target;
    // large amounts: 3 x 2 + 3 x 4; edge cases: 2 x 2 + 2 x 4.
    assert_eq!(zeroed, 28 + 20 + 13 + 20 + 18 + 12);
    std::fs::write(dir.join("demo.xlsx"), out.finish().unwrap().into_inner()).unwrap();

    soffice(
        &dir,
        &dir.join("demo.xlsx"),
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1",
    );
    for (table, name) in tables(&doc).into_iter().zip(LIBREOFFICE_SHEETS) {
        let csv = parse_csv(&std::fs::read_to_string(dir.join(format!("demo-{name}.csv"))).unwrap());
        assert_eq!(csv[0][0], "DRAFT: includes unapproved data");
        let (_, first_body) = layout(&doc, table);
        for (i, row) in table.rows.iter().enumerate() {
            let shown = &csv[first_body as usize + i];
            let mut col = 0;
            for cell in &row.cells {
                let expected = excel_text(&cell.value, &doc.locale);
                assert_eq!(shown.get(col).map_or("", String::as_str), expected, "{name} row {i} column {col}");
                col += usize::from(cell.colspan);
            }
        }
    }

    // Printed as LibreOffice lays the sheets out (the workbook as written): no `###`.
    std::fs::write(dir.join("print.xlsx"), &bytes).unwrap();
    soffice(&dir, &dir.join("print.xlsx"), "pdf");
    let text = std::process::Command::new("pdftotext").arg(dir.join("print.pdf")).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for figure in ["801,000.00 USD", "1,561,111,110.11 USD", "-12,335,679.00 USD", "69.7%", "0.8532"] {
        assert!(text.contains(figure), "{figure} printed");
    }
    assert!(
        !text.contains("###"),
        "a column too narrow for its figures: {}",
        text.lines().filter(|l| l.contains("###")).take(5).collect::<Vec<_>>().join(" | ")
    );
    // RBM_KEEP_LIBREOFFICE_OUTPUT=1 keeps the workbooks, CSVs and the PDF for a look.
    if std::env::var_os("RBM_KEEP_LIBREOFFICE_OUTPUT").is_some() {
        eprintln!("LibreOffice output kept in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
