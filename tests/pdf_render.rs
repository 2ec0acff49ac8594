//! The PDF renderer, checked by reading the PDFs back: each page's content stream is decoded
//! with lopdf, the glyph codes of every `Tj`/`TJ` are mapped back to text through the font's
//! `/ToUnicode` CMap, and the text is compared with the document's values.

mod pdf_docs;
#[path = "common/pdf_reader.rs"]
mod pdf_reader;

use pdf_docs::*;
use pdf_reader::*;
use rbm::reports::document::{self, Align, Bar, BarChart, Block, Cell, Column, Document, RowKind, Table, Value};
use rbm::reports::pdf::render;

/// Every cell of `table` appears in `text`, formatted as `document::format` does.
fn assert_cells_present(table: &Table, text: &str) {
    for r in &table.rows {
        for c in &r.cells {
            let v = normalize(&document::format(&c.value));
            assert!(text.contains(&v), "cell {v:?} of table {} is missing", table.name);
        }
    }
}

fn assert_page_numbers(pages: &[PageText]) {
    let n = pages.len();
    for (i, p) in pages.iter().enumerate() {
        let label = format!("page {} of {n}", i + 1);
        assert!(p.runs.iter().any(|r| r.text == label), "page {} lacks {label:?}", i + 1);
    }
}

#[test]
fn the_demo_report_reads_back_whole_and_stays_small() {
    let doc = demo_quarterly();
    let bytes = render(&doc).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 100 * 1024, "the demo report is {} bytes", bytes.len());

    let pages = read_pdf(&bytes);
    assert!((6..=14).contains(&pages.len()), "{} pages", pages.len());
    assert_page_numbers(&pages);
    let text = all_text(&pages);
    for block in &doc.blocks {
        match block {
            Block::Table(t) => assert_cells_present(t, &text),
            Block::Heading { text: h, .. } => assert!(text.contains(h.as_str()), "heading {h:?}"),
            Block::List { items, .. } => items.iter().for_each(|i| assert!(text.contains(i.as_str()), "{i:?}")),
            _ => {}
        }
    }
    for p in &pages {
        let t = p.text();
        assert!(t.starts_with(&doc.header) || t.contains(&doc.header), "header missing on a page");
        assert!(t.contains(&doc.footer), "footer missing on a page");
    }
    // The financial table is landscape; the pages before and after it portrait.
    let budget_pages: Vec<&PageText> = pages.iter().filter(|p| p.text().contains("Subtotal output")).collect();
    assert!(!budget_pages.is_empty());
    assert!(budget_pages.iter().all(|p| p.width > p.height), "the budget table is on landscape pages");
    assert!(pages[0].height > pages[0].width);
    let last = pages.last().unwrap();
    assert!(last.height > last.width, "after PageBreak {{ landscape: Some(false) }} pages are portrait again");
    // The heading before the landscape table moved to the table's page with it.
    let heading_page = pages.iter().find(|p| p.runs.iter().any(|r| r.text == "Financial")).unwrap();
    assert!(heading_page.width > heading_page.height && heading_page.text().contains("Subtotal output 1"));
    assert_eq!(defects(&pages, &doc), Vec::<String>::new());
}

#[test]
fn grouped_header_rows_repeat_on_every_page() {
    let mut columns = vec![col("Indicator", 4.0, Align::Left)];
    let mut top = vec![span(Value::Text("Indicator".into()), 1)];
    let mut second = vec![Cell::new(Value::Empty)];
    for q in ["2025-Q1", "2025-Q2", "2025-Q3"] {
        top.push(span(Value::Text(q.into()), 3));
        for label in ["target", "actual", "% met"] {
            columns.push(col(label, 1.0, Align::Right));
            second.push(Cell::text(label));
        }
    }
    let rows = (0..200)
        .map(|i| {
            let mut cells = vec![Cell::text(format!("Indicator {i:03}"))];
            for q in 0..3 {
                cells.push(Cell::new(num(100.0 + q as f64)));
                cells.push(Cell::new(num(i as f64)));
                cells.push(Cell::new(Value::Percent(i as f64 / (100.0 + q as f64) * 100.0)));
            }
            row(RowKind::Data, cells)
        })
        .collect();
    let t = Table { name: "IPTT".into(), caption: None, columns, header: vec![top, second], rows, landscape: true };
    let bytes = render(&Document { blocks: vec![Block::Table(t.clone())], ..Default::default() }).unwrap();
    let pages = read_pdf(&bytes);
    assert!(pages.len() >= 3);
    assert_cells_present(&t, &all_text(&pages));
    for (i, p) in pages.iter().enumerate() {
        assert!(p.width > p.height, "the IPTT is landscape from its first page");
        let runs: Vec<&str> = p.runs.iter().map(|r| r.text.as_str()).collect();
        for label in ["2025-Q1", "2025-Q2", "2025-Q3", "target", "actual", "% met"] {
            assert!(runs.contains(&label), "{label:?} missing on page {}", i + 1);
        }
        // The quarter labels sit above the second header row.
        let q = p.runs.iter().find(|r| r.text == "2025-Q2").unwrap();
        let target = p.runs.iter().find(|r| r.text == "target").unwrap();
        assert!(q.y > target.y);
    }
}

#[test]
fn cyrillic_and_uzbek_latin_come_back_exactly() {
    let strings = ["Навчання розпочато", "Министерство", "Oʻzbekiston", "Ўзбекистон Республикаси", "gʻalla va paxta"];
    let doc = Document {
        title: "Скрипты".into(),
        header: "Министерство юстиции Республики Узбекистан".into(),
        footer: "Oʻzbekiston Respublikasi Adliya vazirligi".into(),
        blocks: vec![
            Block::Heading { level: 1, text: strings[0].into() },
            Block::Paragraph(strings.join(", ")),
            Block::Table(Table {
                name: "Scripts".into(),
                columns: vec![
                    Column { label: "Назва".into(), width: 1.0, align: Align::Left },
                    Column { label: "Qiymat".into(), width: 1.0, align: Align::Right },
                ],
                rows: strings
                    .iter()
                    .map(|s| row(RowKind::Data, vec![Cell::text(*s), Cell::new(num(1234.0))]))
                    .collect(),
                ..Default::default()
            }),
        ],
        ..Default::default()
    };
    let pages = read_pdf(&render(&doc).unwrap());
    let runs: Vec<&str> = pages[0].runs.iter().map(|r| r.text.as_str()).collect();
    for s in strings {
        assert!(runs.contains(&s), "{s:?} is not a run of its own: {runs:?}");
    }
    assert!(runs.contains(&"Министерство юстиции Республики Узбекистан"));
    assert!(runs.contains(&"Oʻzbekiston Respublikasi Adliya vazirligi"));
    // The table had no header rows: the column labels make one.
    assert!(runs.contains(&"Назва") && runs.contains(&"Qiymat"));
    assert!(!pages[0].text().contains('\u{FFFD}'));
}

/// A 300-row table whose last column wraps over two or three lines.
fn long_table(landscape: bool) -> Table {
    let columns = vec![
        col("Code", 1.0, Align::Left),
        col("Description", 4.0, Align::Left),
        col("Target", 1.2, Align::Right),
        col("Budget", 1.8, Align::Right),
        col("Share", 1.1, Align::Right),
        col("Status", 1.6, Align::Left),
        col("Remarks", 3.0, Align::Left),
    ];
    let rows = (0..300)
        .map(|i| {
            row(
                if i % 25 == 0 { RowKind::Group } else { RowKind::Data },
                if i % 25 == 0 {
                    vec![span(Value::Text(format!("Row {i:04} group: Output {}", i / 25 + 1)), 7)]
                } else {
                    vec![
                        Cell::text(format!("Row {i:04}")),
                        Cell::text(if i % 2 == 0 {
                            format!("Навчання розпочато у регіоні {i}")
                        } else {
                            format!("Oʻzbekiston public service centre {i} opened")
                        }),
                        Cell::new(num(i as f64 * 10.0)),
                        Cell::new(usd(i as i64 * 123_456)),
                        Cell::new(Value::Percent(i as f64 / 3.0)),
                        Cell::new(Value::Status(["on_track", "needs_attention", "off_track", "no_data"][i % 4].into())),
                        Cell::text(format!(
                            "Remark {i}: {} end-{i:04}",
                            "the field visit confirmed the figures reported by the partner. ".repeat(1 + i % 2)
                        )),
                    ]
                },
            )
        })
        .collect();
    Table {
        name: "Long".into(),
        caption: Some("A long table".into()),
        header: labels(&columns),
        columns,
        rows,
        landscape,
    }
}

fn check_long_table(t: &Table, pages: &[PageText]) {
    // The page texts without the group labels repeated on continuation pages.
    let texts: Vec<String> = pages
        .iter()
        .map(|p| {
            let runs = p.runs.iter().filter(|r| !r.rotated && !r.text.ends_with(" (continued)"));
            normalize(&runs.map(|r| r.text.as_str()).collect::<Vec<_>>().join(" "))
        })
        .collect();
    assert_cells_present(t, &texts.join(" "));
    let header: Vec<&str> = t.columns.iter().map(|c| c.label.as_str()).collect();
    let mut spanned = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        let id = format!("Row {i:04}");
        let on: Vec<usize> = (0..texts.len()).filter(|&p| texts[p].contains(&id)).collect();
        assert_eq!(on.len(), 1, "{id} must be on exactly one page, found on {on:?}");
        let p = on[0];
        spanned.push(p);
        // The row's slice of the page text: from its id to the next row's id.
        let t = &texts[p];
        let start = t.find(&id).unwrap();
        let end = t.find(&format!("Row {:04}", i + 1)).unwrap_or(t.len());
        let slice = &t[start..end.max(start)];
        for c in &r.cells {
            let v = normalize(&document::format(&c.value));
            assert!(slice.contains(&v), "{id} is split: {v:?} is not with it on page {}", p + 1);
        }
    }
    spanned.dedup();
    assert!(spanned.len() >= 5, "300 rows span several pages: {spanned:?}");
    // The grid's vertical lines stand at the same x on every page.
    let first = vertical_lines(&pages[spanned[0]]);
    assert_eq!(first.len(), t.columns.len() + 1, "{first:?}");
    for &p in &spanned {
        assert_eq!(vertical_lines(&pages[p]), first, "the grid moved on page {}", p + 1);
    }
    for &p in &spanned {
        let page = &pages[p];
        let first_row_y = page.runs.iter().find(|r| r.text.starts_with("Row")).unwrap().y;
        for label in &header {
            let run = page.runs.iter().find(|r| r.text == *label);
            let run = run.unwrap_or_else(|| panic!("header {label:?} missing on page {}", p + 1));
            assert!(run.y > first_row_y, "header {label:?} is above the rows on page {}", p + 1);
        }
    }
}

/// The x of every vertical line segment (`x y1 m x y2 l`) on a page, in hundredths of a pt.
fn vertical_lines(page: &PageText) -> Vec<i64> {
    let mut xs: Vec<i64> = page
        .operators
        .windows(2)
        .filter(|w| w[0].0 == "m" && w[1].0 == "l" && (w[0].1[0] - w[1].1[0]).abs() < 1e-3)
        .map(|w| (w[0].1[0] * 100.0).round() as i64)
        .collect();
    xs.sort_unstable();
    xs.dedup();
    xs
}

#[test]
fn a_300_row_table_splits_between_rows_and_repeats_its_header() {
    let t = long_table(false);
    let doc = Document {
        header: "Long table".into(),
        blocks: vec![Block::Paragraph("Before the table.".into()), Block::Table(t.clone())],
        ..Default::default()
    };
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(pages.iter().all(|p| p.height > p.width));
    check_long_table(&t, &pages);
    assert_page_numbers(&pages);
    // Rows stay inside the page's content area (18 mm margins), above the footer.
    for p in &pages {
        for r in p.runs.iter().filter(|r| r.text.starts_with("Row")) {
            assert!(r.y > 51.0 && r.y < p.height - 51.0, "a row at y {} overflows", r.y);
        }
    }
}

#[test]
fn a_landscape_table_gets_landscape_pages_and_portrait_comes_back() {
    let t = long_table(true);
    let doc = Document {
        blocks: vec![
            // Too long a lead-in to go on the table's landscape page.
            filler(30),
            Block::Paragraph("A portrait page first.".into()),
            Block::Table(t.clone()),
            Block::PageBreak { landscape: None },
            Block::Paragraph("Portrait again.".into()),
        ],
        ..Default::default()
    };
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(pages[0].height > pages[0].width, "the first page stays portrait");
    assert!(!pages[0].text().contains("Row 0000"), "the table starts on a new page");
    let table_pages: Vec<&PageText> = pages.iter().filter(|p| p.text().contains("Row ")).collect();
    assert!(table_pages.iter().all(|p| p.width > p.height));
    let last = pages.last().unwrap();
    assert!(last.text().contains("Portrait again.") && last.height > last.width);
    check_long_table(&t, &pages);
}

#[test]
fn bar_charts_and_the_eu_emblem_are_vector_drawings() {
    let chart = BarChart {
        title: "Indicators: % of target".into(),
        unit: "%".into(),
        max: None,
        reference: Some(100.0),
        bars: vec![
            Bar { label: "Civil servants trained".into(), value: 47.5 },
            Bar { label: "Навчання розпочато".into(), value: 120.0 },
            Bar { label: "Oʻzbekiston centres".into(), value: 0.0 },
        ],
    };
    let doc = Document {
        blocks: vec![Block::BarChart(chart), Block::EuEmblem { caption: "Funded by the European Union".into() }],
        ..Default::default()
    };
    let bytes = render(&doc).unwrap();
    let pages = read_pdf(&bytes);
    assert_eq!(pages.len(), 1);
    let runs: Vec<&str> = pages[0].runs.iter().map(|r| r.text.as_str()).collect();
    for s in [
        "Indicators: % of target",
        "Civil servants trained",
        "Навчання розпочато",
        "Oʻzbekiston centres",
        "47.5 %",
        "120.0 %",
        "0.0 %",
        "100 %",
        "Funded by the European Union",
    ] {
        assert!(runs.contains(&s), "{s:?} missing from {runs:?}");
    }
    let ops = &pages[0].operators;
    let fill = |rgb: [f32; 3]| {
        ops.iter().any(|(o, a)| o == "rg" && a.len() == 3 && a.iter().zip(rgb).all(|(x, y)| (x - y).abs() < 1e-3))
    };
    assert!(fill([0.0, 0.2, 0.6]), "the EU blue");
    assert!(fill([1.0, 0.8, 0.0]), "the EU gold");
    assert!(fill([0.016, 0.408, 0.694]), "the bars");
    // Twelve stars of ten points each, and two bars (one value is zero) as rectangles.
    let star_points = ops.iter().filter(|(o, _)| o == "l").count();
    assert!(star_points >= 12 * 9, "{star_points} line-to operators");
    assert!(ops.iter().filter(|(o, _)| o == "re").count() >= 3);
    // The reference line is dashed.
    assert!(ops.iter().any(|(o, a)| o == "d" && !a.is_empty()));
    // No images anywhere.
    assert!(!bytes.windows(6).any(|w| w == b"/Image"));
}

#[test]
fn the_watermark_is_on_every_page_under_the_content() {
    let mut doc = demo_quarterly();
    doc.watermark = Some("DRAFT: includes unapproved data".into());
    let pages = read_pdf(&render(&doc).unwrap());
    for (i, p) in pages.iter().enumerate() {
        let w = p.runs.iter().find(|r| r.rotated).unwrap_or_else(|| panic!("no watermark on page {}", i + 1));
        assert_eq!(w.text, "DRAFT: includes unapproved data");
        assert!(w.x > 0.0 && w.x < p.width && w.y > 0.0 && w.y < p.height);
        // Drawn first, so that the page's content covers it.
        assert!(p.runs[0].rotated);
    }
}

#[test]
fn fonts_are_subset() {
    let bytes = render(&demo_quarterly()).unwrap();
    let pdf = lopdf::Document::load_mem(&bytes).unwrap();
    let mut fonts = 0;
    for (_, obj) in pdf.objects.iter() {
        if let Ok(d) = obj.as_dict()
            && let Ok(file) = d.get(b"FontFile2")
        {
            let stream = pdf.get_object(file.as_reference().unwrap()).unwrap().as_stream().unwrap();
            let program = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            assert!(program.len() < 60_000, "an embedded font program of {} bytes is not a subset", program.len());
            fonts += 1;
        }
    }
    assert_eq!(fonts, 2, "DejaVu Sans and DejaVu Sans Bold");
}

#[test]
fn odd_documents_still_render() {
    let doc = Document {
        blocks: vec![
            Block::PageBreak { landscape: Some(true) },
            Block::Heading { level: 7, text: "A heading level out of range".into() },
            Block::Paragraph(format!("{}\ttab\nnew line", "Averyveryverylongwordwithoutanyspace".repeat(8))),
            Block::List { ordered: true, items: vec![] },
            Block::Table(Table { name: "Empty".into(), ..Default::default() }),
            Block::Table(Table {
                name: "No columns".into(),
                rows: vec![row(RowKind::Data, vec![Cell::text("a"), span(Value::Text("b".into()), 5)])],
                ..Default::default()
            }),
            Block::Table(Table {
                name: "Tall row".into(),
                columns: vec![col("Only", 1.0, Align::Left)],
                rows: vec![row(RowKind::Data, vec![Cell::text("word ".repeat(3000))])],
                ..Default::default()
            }),
            Block::BarChart(BarChart { title: "Empty chart".into(), ..Default::default() }),
            Block::BarChart(BarChart {
                title: "Negative and huge".into(),
                unit: "USD".into(),
                max: None,
                reference: None,
                bars: vec![Bar { label: "a".into(), value: -5.0 }, Bar { label: "b".into(), value: f64::NAN }],
            }),
        ],
        ..Default::default()
    };
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(pages[0].width > pages[0].height, "the document starts landscape");
    let text = all_text(&pages);
    assert!(text.contains("tab new line"));
    assert!(text.contains('…'), "the row taller than a page is cut with an ellipsis");
    assert_page_numbers(&pages);
}

// ---------------------------------------------------------------------------------------------
// Layout rules: keep-with-next, no heading-only or empty pages, whole header words, figures on
// one line, group labels repeated on continuation pages, metadata.

/// A paragraph of `n` short lines (13 pt each): fills a page down to a chosen height.
fn filler(n: usize) -> Block {
    Block::Paragraph((0..n).map(|i| format!("Filler line {i}")).collect::<Vec<_>>().join("\n"))
}

/// A four-column table of `rows` data rows "{prefix} 000", ...
fn plain_table(prefix: &str, names: [&str; 4], rows: usize, landscape: bool) -> Table {
    let columns = vec![
        col(names[0], 1.0, Align::Left),
        col(names[1], 4.0, Align::Left),
        col(names[2], 1.5, Align::Right),
        col(names[3], 1.2, Align::Right),
    ];
    Table {
        name: prefix.into(),
        caption: None,
        header: labels(&columns),
        rows: (0..rows)
            .map(|i| {
                row(
                    RowKind::Data,
                    vec![
                        Cell::text(format!("{prefix} {i:03}")),
                        Cell::text(format!("Description of {prefix} {i}")),
                        Cell::new(num(i as f64 * 1000.0)),
                        Cell::new(Value::Percent(i as f64)),
                    ],
                )
            })
            .collect(),
        columns,
        landscape,
    }
}

/// The index of the first page with a run whose text is exactly `text`.
fn page_with(pages: &[PageText], text: &str) -> usize {
    pages.iter().position(|p| p.runs.iter().any(|r| r.text == text)).unwrap_or_else(|| panic!("no page shows {text:?}"))
}

/// The layout defects of `pages`, with the words of the tables' labels as header words.
fn defects(pages: &[PageText], doc: &Document) -> Vec<String> {
    let mut labels = Vec::new();
    for b in &doc.blocks {
        if let Block::Table(t) = b {
            labels.extend(t.columns.iter().map(|c| c.label.clone()));
            labels.extend(t.header.iter().flatten().map(|c| document::format(&c.value)));
        }
    }
    layout_defects(pages, &label_words(labels.iter().map(String::as_str)))
}

#[test]
fn consecutive_headings_stay_together_with_the_table_start() {
    // Fill the page so that 5 to 160 pt remain: the headings and the table start must move
    // together, wherever the page ends.
    for n in 44..=56 {
        for landscape in [false, true] {
            let doc = Document {
                blocks: vec![
                    filler(n),
                    Block::Heading { level: 2, text: "2. Progress towards results".into() },
                    Block::Heading { level: 3, text: "Output 1.1: Civil service".into() },
                    Block::Table(plain_table("Row", ["Code", "Indicator", "Value", "Share"], 40, landscape)),
                ],
                ..Default::default()
            };
            let pages = read_pdf(&render(&doc).unwrap());
            let what = format!("{n} filler lines, landscape {landscape}");
            let h2 = page_with(&pages, "2. Progress towards results");
            assert_eq!(page_with(&pages, "Output 1.1: Civil service"), h2, "{what}: h2 and h3 apart");
            for first_rows in ["Code", "Row 000", "Row 001"] {
                assert_eq!(page_with(&pages, first_rows), h2, "{what}: {first_rows:?} is not with the headings");
            }
            assert_eq!(pages[h2].landscape(), landscape, "{what}: the headings are on the table's page");
            assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{what}");
        }
    }
}

#[test]
fn a_heading_before_a_landscape_table_moves_to_the_landscape_page() {
    // After a landscape table that leaves any amount of room on its last page, and after a
    // portrait page filled to any height.
    for k in 20..=33 {
        let doc = Document {
            blocks: vec![
                Block::Table(plain_table("Row", ["Code", "Indicator", "Value", "Share"], k, true)),
                Block::Heading { level: 2, text: "3. Activity progress".into() },
                Block::Table(plain_table("Act", ["Ref", "Activity", "Amount", "Rate"], 30, true)),
            ],
            ..Default::default()
        };
        let pages = read_pdf(&render(&doc).unwrap());
        let h = page_with(&pages, "3. Activity progress");
        assert!(pages[h].landscape(), "{k} rows: the heading is on a landscape page");
        assert_eq!(page_with(&pages, "Ref"), h, "{k} rows: the table's header is with the heading");
        assert_eq!(page_with(&pages, "Act 001"), h, "{k} rows: the first rows are with the heading");
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{k} rows");
    }
    for n in (1..=56).step_by(5) {
        let doc = Document {
            blocks: vec![
                filler(n),
                Block::Heading { level: 2, text: "3. Activity progress".into() },
                Block::Table(plain_table("Act", ["Ref", "Activity", "Amount", "Rate"], 30, true)),
            ],
            ..Default::default()
        };
        let pages = read_pdf(&render(&doc).unwrap());
        let h = page_with(&pages, "3. Activity progress");
        assert!(pages[h].landscape(), "{n} lines: the heading is on a landscape page");
        assert_eq!(page_with(&pages, "Act 001"), h, "{n} lines: the first rows are with the heading");
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{n} lines");
    }
}

#[test]
fn a_heading_keeps_with_the_first_lines_of_a_paragraph_and_with_a_chart() {
    let chart = BarChart {
        title: "Delivery by output".into(),
        unit: "%".into(),
        max: None,
        reference: Some(100.0),
        bars: vec![Bar { label: "1.1".into(), value: 80.0 }, Bar { label: "1.2".into(), value: 0.0 }],
    };
    for n in 46..=56 {
        let doc = Document {
            blocks: vec![
                filler(n),
                Block::Heading { level: 2, text: "Summary".into() },
                Block::Paragraph("Paragraph line 1\nParagraph line 2\nParagraph line 3".into()),
            ],
            ..Default::default()
        };
        let pages = read_pdf(&render(&doc).unwrap());
        let h = page_with(&pages, "Summary");
        assert_eq!(page_with(&pages, "Paragraph line 2"), h, "{n} lines: the paragraph's first lines");
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{n} lines");

        let doc = Document {
            blocks: vec![
                filler(n),
                Block::Heading { level: 2, text: "4. Financial progress".into() },
                Block::BarChart(chart.clone()),
            ],
            ..Default::default()
        };
        let pages = read_pdf(&render(&doc).unwrap());
        let h = page_with(&pages, "4. Financial progress");
        assert_eq!(page_with(&pages, "Delivery by output"), h, "{n} lines: the chart's title");
        assert_eq!(page_with(&pages, "1.2"), h, "{n} lines: the chart's bars");
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{n} lines");
    }
}

#[test]
fn a_short_lead_in_goes_on_the_landscape_page_of_its_table() {
    // The IPTT: a title and a paragraph, then a wide landscape table.
    let mut columns = vec![col("No.", 0.7, Align::Left), col("Indicator", 3.5, Align::Left)];
    for q in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] {
        for l in ["target", "actual", "% met"] {
            columns.push(col(&format!("{q} {l}"), 0.8, Align::Right));
        }
    }
    let rows = (0..30)
        .map(|i| {
            let mut cells = vec![Cell::text(format!("OP{i}")), Cell::text(format!("Indicator {i}"))];
            cells.extend((0..12).map(|k| Cell::new(if k % 3 == 2 { Value::Percent(100.0) } else { num(1000.0) })));
            row(RowKind::Data, cells)
        })
        .collect();
    let table = Table { name: "IPTT".into(), header: labels(&columns), columns, rows, landscape: true, caption: None };
    let doc = Document {
        blocks: vec![
            Block::Heading { level: 1, text: "Indicator performance tracking table, 2025".into() },
            Block::Paragraph(
                "Further Improvement of Public Service Delivery in Uzbekistan. Only approved actuals count.".into(),
            ),
            Block::Table(table),
        ],
        ..Default::default()
    };
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(pages[0].landscape(), "the first page is the table's landscape page");
    let text = pages[0].text();
    assert!(
        text.contains("Indicator performance tracking table, 2025") && text.contains("Only approved actuals count.")
    );
    assert_eq!(page_with(&pages, "OP1"), 0, "the table starts on the first page");
    assert_eq!(defects(&pages, &doc), Vec::<String>::new());

    // A long lead-in stays on its portrait page (only the heading before the table moves).
    let mut doc = doc;
    doc.blocks.insert(1, filler(30));
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(!pages[0].landscape(), "a long lead-in keeps the portrait page");
    assert!(pages[1].landscape() && pages[1].text().contains("OP0"));
    assert_eq!(defects(&pages, &doc), Vec::<String>::new());
}

#[test]
fn no_page_is_empty_or_holds_only_a_heading() {
    let t = || Block::Table(plain_table("Row", ["Code", "Indicator", "Value", "Share"], 3, true));
    let cases = vec![
        vec![
            Block::Paragraph("A".into()),
            Block::PageBreak { landscape: None },
            Block::PageBreak { landscape: Some(true) },
            Block::Paragraph("B".into()),
        ],
        // (A long first page: a short one before a landscape table counts as a stranded lead-in.)
        vec![filler(25), Block::PageBreak { landscape: None }, t(), Block::Paragraph("B".into())],
        vec![
            t(),
            Block::PageBreak { landscape: Some(false) },
            Block::PageBreak { landscape: Some(false) },
            Block::Paragraph("B".into()),
        ],
        vec![
            Block::Heading { level: 2, text: "Before a page break".into() },
            Block::PageBreak { landscape: None },
            Block::Paragraph("B".into()),
        ],
        vec![
            Block::Paragraph("A".into()),
            Block::Heading { level: 2, text: "Before an empty table".into() },
            Block::Table(Table { name: "Empty".into(), ..Default::default() }),
            Block::Paragraph("B".into()),
        ],
        vec![
            Block::PageBreak { landscape: Some(true) },
            Block::PageBreak { landscape: Some(false) },
            Block::Heading { level: 1, text: "Title".into() },
            t(),
        ],
    ];
    for (i, blocks) in cases.into_iter().enumerate() {
        let doc = Document { blocks, ..Default::default() };
        let pages = read_pdf(&render(&doc).unwrap());
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "case {i}");
    }
}

/// The risk log's columns, with narrow ones for long words.
fn risk_table(landscape: bool, extra_narrow: bool) -> Table {
    let w = if extra_narrow { 0.45 } else { 0.9 };
    let columns = vec![
        col("Risk", 0.6, Align::Left),
        col("Description", 4.0, Align::Left),
        col("Category", 1.0, Align::Left),
        col("Likelihood", w, Align::Right),
        col("Impact", w, Align::Right),
        col("Baseline", w, Align::Right),
        col("Cumulative", w, Align::Right),
        col("% of annual target", w, Align::Right),
        col("Mitigation", 4.0, Align::Left),
        col("Status", 1.0, Align::Left),
    ];
    let rows = (0..8)
        .map(|i| {
            row(
                RowKind::Data,
                vec![
                    Cell::text(format!("R{i}")),
                    Cell::text("Adoption of the drafted legal and regulatory acts is delayed by lengthy approval."),
                    Cell::text("organizational"),
                    Cell::new(num(3.0)),
                    Cell::new(num(4.0)),
                    Cell::new(num(12_345.0)),
                    Cell::new(num(2_410.0)),
                    Cell::new(Value::Percent(100.0)),
                    Cell::text("Working meetings to resolve comments; agree timetables with the Ministry."),
                    Cell::new(Value::Status("needs_attention".into())),
                ],
            )
        })
        .collect();
    Table { name: "Risks".into(), caption: None, header: labels(&columns), columns, rows, landscape }
}

#[test]
fn header_cells_wrap_at_word_boundaries_only() {
    for (landscape, narrow) in [(true, false), (false, false), (false, true)] {
        let t = risk_table(landscape, narrow);
        let doc = Document { blocks: vec![Block::Table(t.clone())], ..Default::default() };
        let pages = read_pdf(&render(&doc).unwrap());
        let what = format!("landscape {landscape}, narrow {narrow}");
        let tokens: Vec<&str> = pages[0].runs.iter().flat_map(|r| r.text.split_whitespace()).collect();
        for word in
            ["Likelihood", "Impact", "Baseline", "Cumulative", "annual", "target", "Mitigation", "organizational"]
        {
            assert!(tokens.contains(&word), "{what}: {word:?} is not whole: {tokens:?}");
        }
        // The header shrinks no further than its floor where widening the column is possible.
        let likelihood = pages[0].runs.iter().find(|r| r.text == "Likelihood").unwrap();
        assert!(likelihood.size >= 6.49 && likelihood.size <= 8.0, "{what}: {}", likelihood.size);
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{what}");
        assert_cells_present(&t, &all_text(&pages));
    }
}

/// A table fuller than its page, as the IPTT is (eight columns of the indicator, then three for
/// the life of project and for each quarter): the short words of narrow text columns
/// ("Outcome", "initiatives", "Yes/No") shrink down to the floor to stay whole, instead of being
/// cut ("Outcom" / "e"); only a word too long even then, like a URL, is still cut.
#[test]
fn short_words_in_an_overfull_table_shrink_instead_of_splitting() {
    let mut columns = vec![
        col("No.", 0.3, Align::Right),
        col("Indicator", 2.2, Align::Left),
        col("Level", 0.6, Align::Left),
        col("Unit", 0.6, Align::Left),
        col("+/-", 0.3, Align::Left),
        col("C/NC", 0.35, Align::Left),
        col("#/%", 0.35, Align::Left),
        col("Evidence", 0.6, Align::Left),
    ];
    for period in ["LOP", "Q1", "Q2", "Q3", "Q4"] {
        for name in ["Target", "Actual", "% met"] {
            columns.push(col(&format!("{name} {period}"), 0.5, Align::Right));
        }
    }
    let rows = (0..4)
        .map(|i| {
            let mut cells = vec![
                Cell::new(num(f64::from(i + 1))),
                Cell::text("Number of joint initiatives introduced using management for results"),
                Cell::text("Outcome"),
                Cell::text("initiatives"),
                Cell::text("+"),
                Cell::text("NC"),
                Cell::text("Yes/No"),
                Cell::text("https://example.org/evidence/of/the/indicator/report.pdf"),
            ];
            for _ in 0..5 {
                cells.extend([Cell::new(num(12.0)), Cell::new(num(6.0)), Cell::new(Value::Percent(50.0))]);
            }
            row(RowKind::Data, cells)
        })
        .collect();
    let t = Table { name: "IPTT".into(), caption: None, header: labels(&columns), columns, rows, landscape: true };
    let doc = Document { blocks: vec![Block::Table(t.clone())], ..Default::default() };
    let pages = read_pdf(&render(&doc).unwrap());
    let tokens: Vec<&str> = pages[0].runs.iter().flat_map(|r| r.text.split_whitespace()).collect();
    for word in ["Outcome", "initiatives", "Yes/No", "management"] {
        assert!(tokens.iter().filter(|t| **t == word).count() >= 4, "{word:?} whole in every row: {tokens:?}");
        let cut: Vec<_> = tokens.iter().filter(|t| t.len() > 1 && **t != word && word.starts_with(**t)).collect();
        assert!(cut.is_empty(), "{word:?} cut into {cut:?}");
        let sizes = pages[0].runs.iter().filter(|r| r.text.split_whitespace().any(|t| t == word)).map(|r| r.size);
        assert!(
            sizes.clone().all(|s| s >= 6.49),
            "{word:?} no smaller than the floor: {:?}",
            sizes.collect::<Vec<_>>()
        );
    }
    let url = "https://example.org/evidence/of/the/indicator/report.pdf";
    assert!(tokens.concat().contains(url), "the URL is whole, cut over lines where it must be");
    assert_eq!(defects(&pages, &doc), Vec::<String>::new());
}

#[test]
fn figures_stay_on_one_line_in_narrow_columns() {
    let columns = vec![
        col("Description", 8.0, Align::Left),
        col("Met", 0.4, Align::Right),
        col("Amount", 0.6, Align::Right),
        col("Date", 0.5, Align::Left),
        col("Count", 0.4, Align::Right),
    ];
    let values = [
        Value::Percent(100.0),
        usd(123_456_789),
        Value::Date(chrono::NaiveDate::from_ymd_opt(2014, 6, 30).unwrap()),
        num(1_234_567.0),
    ];
    let mut rows: Vec<_> = (0..5)
        .map(|i| {
            let mut cells = vec![Cell::text(format!("Line {i}: a description long enough to wrap over lines"))];
            cells.extend(values.iter().cloned().map(Cell::new));
            row(RowKind::Data, cells)
        })
        .collect();
    let mut total = vec![Cell::text("Total")];
    total.extend(values.iter().cloned().map(Cell::new));
    rows.push(row(RowKind::Total, total));
    let t = Table { name: "Figures".into(), caption: None, header: labels(&columns), columns, rows, landscape: false };
    let doc = Document { blocks: vec![Block::Table(t.clone())], ..Default::default() };
    let pages = read_pdf(&render(&doc).unwrap());
    let runs: Vec<&str> = pages[0].runs.iter().map(|r| r.text.as_str()).collect();
    for v in &values {
        let s = document::format(v);
        assert_eq!(runs.iter().filter(|r| **r == s).count(), 6, "{s:?} on one line in every row: {runs:?}");
    }
    assert_eq!(defects(&pages, &doc), Vec::<String>::new());
}

#[test]
fn a_group_split_across_pages_repeats_its_label() {
    let columns = vec![col("Line", 4.0, Align::Left), col("Budget", 1.5, Align::Right)];
    let mut rows = vec![row(RowKind::Group, vec![span(Value::Text("Output 1: Civil service".into()), 2)])];
    rows.extend(
        (0..120).map(|i| row(RowKind::Data, vec![Cell::text(format!("Line {i:03}")), Cell::new(usd(i * 100))])),
    );
    rows.push(row(RowKind::Subtotal, vec![Cell::text("Subtotal output 1"), Cell::new(usd(714_000))]));
    rows.push(row(RowKind::Group, vec![span(Value::Text("Output 2: Research".into()), 2)]));
    rows.extend((0..3).map(|i| row(RowKind::Data, vec![Cell::text(format!("Next {i}")), Cell::new(usd(i))])));
    let t = Table { name: "Budget".into(), caption: None, header: labels(&columns), columns, rows, landscape: false };
    let doc = Document { blocks: vec![Block::Paragraph("Before.".into()), Block::Table(t)], ..Default::default() };
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let continued = "Output 1: Civil service (continued)";
    assert_eq!(page_with(&pages, "Output 1: Civil service"), 0);
    for (i, p) in pages.iter().enumerate().skip(1) {
        let first_line = p.runs.iter().filter(|r| r.text.starts_with("Line ")).map(|r| r.y).fold(f32::MIN, f32::max);
        if first_line == f32::MIN {
            continue;
        }
        let label = p.runs.iter().find(|r| r.text == continued);
        let label = label.unwrap_or_else(|| panic!("page {}: no {continued:?}", i + 1));
        let header = p.runs.iter().find(|r| r.text == "Budget").unwrap();
        assert!(header.y > label.y && label.y > first_line, "page {}: header, then the label, then the rows", i + 1);
    }
    // The next group starts as itself, never as a continuation.
    assert!(!all_text(&pages).contains("Output 2: Research (continued)"));
    assert_eq!(defects(&pages, &doc), Vec::<String>::new());
}

#[test]
fn the_title_and_the_language_are_in_the_metadata() {
    let doc = Document {
        title: "Отчёт о ходе работ: Oʻzbekiston".into(),
        locale: rbm::reports::document::Locale { lang: "ru".into(), ..Default::default() },
        blocks: vec![Block::Paragraph("Текст".into())],
        ..Default::default()
    };
    let (title, lang) = title_and_lang(&render(&doc).unwrap());
    assert_eq!(title.as_deref(), Some("Отчёт о ходе работ: Oʻzbekiston"));
    assert_eq!(lang.as_deref(), Some("ru"));
    let (_, lang) = title_and_lang(&render(&Document::default()).unwrap());
    assert_eq!(lang.as_deref(), Some("en"), "English unless the document says otherwise");
}

#[test]
fn a_short_intro_paragraph_stays_with_its_table() {
    for n in 44..=56 {
        let doc = Document {
            blocks: vec![
                filler(n),
                Block::Heading { level: 2, text: "Annex: change log".into() },
                Block::Paragraph("Changes recorded in the audit trail during the period.".into()),
                Block::Table(plain_table("Change", ["Date", "What", "Id", "Share"], 10, false)),
            ],
            ..Default::default()
        };
        let pages = read_pdf(&render(&doc).unwrap());
        let h = page_with(&pages, "Annex: change log");
        for s in ["Changes recorded in the audit trail during the period.", "Date", "Change 001"] {
            assert_eq!(page_with(&pages, s), h, "{n} lines: {s:?} is not with the heading");
        }
        assert_eq!(defects(&pages, &doc), Vec::<String>::new(), "{n} lines");
    }
}

#[test]
fn a_first_row_taller_than_what_is_left_stays_with_the_heading() {
    // A row of about 680 pt after a heading on a fresh page: it is cut to fit there (ending
    // with "…") rather than leave the heading and the header alone on the page.
    let columns = vec![col("Remarks", 1.0, Align::Left), col("Value", 4.0, Align::Right)];
    let tall = (0..136).map(|i| format!("remark{i:03}")).collect::<Vec<_>>().join(" ");
    let t = Table {
        name: "Tall".into(),
        header: labels(&columns),
        rows: vec![row(RowKind::Data, vec![Cell::text(tall), Cell::new(num(1.0))])],
        columns,
        ..Default::default()
    };
    let doc = Document {
        blocks: vec![
            Block::Heading { level: 2, text: "A section".into() },
            Block::Heading { level: 3, text: "A subsection".into() },
            Block::Table(t),
        ],
        ..Default::default()
    };
    let pages = read_pdf(&render(&doc).unwrap());
    assert!(pages[0].text().contains("A subsection Remarks Value remark000"), "{}", pages[0].text());
    assert_eq!(pages.len(), 1);
    assert!(all_text(&pages).contains('…'));
}
