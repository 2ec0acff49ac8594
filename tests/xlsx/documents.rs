//! Report documents built by hand, shared by the XLSX tests and `benches/xlsx.rs`:
//! - [`demo_quarterly`]: the demo UNDP quarterly report (UZB-PSD, 2025-Q3) as the templates
//!   will produce it: a few tables of 5 to 30 rows, grouped headers, subtotals and a total,
//!   money in USD and EUR, a chart, the EU emblem, Cyrillic and Uzbek Latin text;
//! - [`synthetic`]: `indicators` indicator rows (20 per output) and `budget_lines` budget lines
//!   (20 per activity, each activity with a subtotal, then a grand total). The figures follow
//!   simple integer rules that `benches/peers/xlsx_peer.py` repeats, so the Python peer writes
//!   the same workbook.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use rbm::reports::document::{Align, Bar, BarChart, Block, Cell, Column, Document, Row, RowKind, Table, Value};

/// A budget line: label, account, budget and expenditure in minor units.
pub type BudgetLine = (String, String, i64, i64);
/// A group of budget lines (an output or an activity) and its title.
pub type BudgetGroup = (String, Vec<BudgetLine>);
/// An indicator: code, title, baseline, annual target, quarter actual, cumulative, measured on.
pub type IndicatorLine = (String, String, f64, f64, f64, f64, NaiveDate);
/// An output and its indicators.
pub type Output = (String, Vec<IndicatorLine>);

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn col(label: &str, width: f32, align: Align) -> Column {
    Column { label: label.into(), width, align }
}

pub fn text(s: &str) -> Cell {
    Cell::text(s)
}

pub fn span(s: &str, colspan: u16) -> Cell {
    Cell { value: Value::Text(s.into()), colspan, calc: None }
}

pub fn num(value: f64, decimals: u8) -> Cell {
    Cell::new(Value::Number { value, decimals })
}

pub fn money(minor: i64, currency: &str) -> Cell {
    Cell::new(Value::Money { minor, currency: currency.into() })
}

pub fn pct(p: f64) -> Cell {
    Cell::new(Value::Percent(p))
}

pub fn day(d: NaiveDate) -> Cell {
    Cell::new(Value::Date(d))
}

pub fn status(code: &str) -> Cell {
    Cell::new(Value::Status(code.into()))
}

pub fn empty() -> Cell {
    Cell::new(Value::Empty)
}

/// A cell with a calc (`c3-c4`: the row's third column minus its fourth).
pub fn calc(cell: Cell, expr: &str) -> Cell {
    Cell { calc: Some(expr.into()), ..cell }
}

/// Delivery (% spent) as the domain gives it: empty for a zero budget.
fn delivery(spent: i64, budget: i64) -> Cell {
    if budget == 0 { empty() } else { pct(ratio(spent as f64, budget as f64)) }
}

pub fn row(kind: RowKind, cells: Vec<Cell>) -> Row {
    Row { kind, cells }
}

/// One decimal, as the domain rounds a % of target.
fn ratio(part: f64, whole: f64) -> f64 {
    if whole == 0.0 { 0.0 } else { (part / whole * 1000.0).round() / 10.0 }
}

fn status_for(p: f64) -> &'static str {
    if p >= 90.0 {
        "on_track"
    } else if p >= 60.0 {
        "needs_attention"
    } else {
        "off_track"
    }
}

/// A budget table: per group a `Group` row, its lines, and a `Subtotal`; then a `Total`.
/// Each line is (label, account, budget minor, expenditure minor). A line's balance is the calc
/// `c3-c4` and its delivery `c4/c3`; subtotal and total rows carry no calc (their money is
/// summed, their delivery takes the lines' calc).
pub fn budget_table(name: &str, currency: &str, groups: &[BudgetGroup]) -> Table {
    let mut rows = Vec::new();
    let (mut total_budget, mut total_spent) = (0i64, 0i64);
    for (title, lines) in groups {
        rows.push(row(RowKind::Group, vec![span(title, 6)]));
        let (mut budget, mut spent) = (0i64, 0i64);
        for (label, account, b, e) in lines {
            rows.push(row(
                RowKind::Data,
                vec![
                    text(label),
                    text(account),
                    money(*b, currency),
                    money(*e, currency),
                    calc(money(b - e, currency), "c3-c4"),
                    calc(delivery(*e, *b), "c4/c3"),
                ],
            ));
            budget += b;
            spent += e;
        }
        rows.push(row(
            RowKind::Subtotal,
            vec![
                span(&format!("Subtotal {}", title.split(':').next().unwrap_or(title)), 2),
                money(budget, currency),
                money(spent, currency),
                money(budget - spent, currency),
                delivery(spent, budget),
            ],
        ));
        total_budget += budget;
        total_spent += spent;
    }
    rows.push(row(
        RowKind::Total,
        vec![
            span("Total", 2),
            money(total_budget, currency),
            money(total_spent, currency),
            money(total_budget - total_spent, currency),
            delivery(total_spent, total_budget),
        ],
    ));
    Table {
        name: name.into(),
        caption: Some(format!("Budget and expenditure by output and activity ({currency})")),
        columns: vec![
            col("Output / activity", 4.0, Align::Left),
            col("Account", 1.2, Align::Left),
            col("Budget", 1.6, Align::Right),
            col("Expenditure", 1.6, Align::Right),
            col("Balance", 1.6, Align::Right),
            col("Delivery", 1.0, Align::Right),
        ],
        header: vec![],
        rows,
        landscape: true,
    }
}

/// Indicator table with two header rows (grouped headers): code, indicator, baseline, annual
/// target, quarter actual, cumulative, % of target (the calc `c6/c4`), status, date of the last
/// measurement.
pub fn indicator_table(name: &str, outputs: &[Output]) -> Table {
    let mut rows = Vec::new();
    for (title, indicators) in outputs {
        rows.push(row(RowKind::Group, vec![span(title, 9)]));
        for (code, title, baseline, target, quarter, cumulative, measured) in indicators {
            let p = ratio(*cumulative, *target);
            rows.push(row(
                RowKind::Data,
                vec![
                    text(code),
                    text(title),
                    num(*baseline, 0),
                    num(*target, 0),
                    num(*quarter, 0),
                    num(*cumulative, 0),
                    calc(if *target == 0.0 { empty() } else { pct(p) }, "c6/c4"),
                    status(status_for(p)),
                    day(*measured),
                ],
            ));
        }
    }
    Table {
        name: name.into(),
        caption: Some("Progress per output: indicators".into()),
        columns: vec![
            col("Code", 0.8, Align::Left),
            col("Indicator", 5.0, Align::Left),
            col("Baseline", 1.0, Align::Right),
            col("Annual target", 1.0, Align::Right),
            col("Quarter actual", 1.0, Align::Right),
            col("Cumulative", 1.0, Align::Right),
            col("% of target", 1.0, Align::Right),
            col("Status", 1.4, Align::Center),
            col("Measured", 1.2, Align::Center),
        ],
        header: vec![
            vec![span("Indicator", 2), span("2025", 4), span("Progress", 3)],
            vec![
                text("Code"),
                text("Indicator"),
                text("Baseline"),
                text("Annual target"),
                text("Quarter actual"),
                text("Cumulative"),
                text("% of target"),
                text("Status"),
                text("Measured"),
            ],
        ],
        rows,
        landscape: true,
    }
}

/// The demo quarterly report: UZB-PSD, 2025-Q3.
pub fn demo_quarterly() -> Document {
    let ind = |code: &str, title: &str, b: f64, t: f64, q: f64, c: f64, d: NaiveDate| -> IndicatorLine {
        (code.into(), title.into(), b, t, q, c, d)
    };
    let outputs: Vec<Output> = vec![
        (
            "Output 1.1.1: Legal and regulatory frameworks of the back office improved".into(),
            vec![
                ind(
                    "OP1",
                    "Legal and regulatory acts on public service delivery drafted with project support",
                    0.0,
                    2.0,
                    1.0,
                    2.0,
                    date(2025, 9, 30),
                ),
                ind(
                    "OP1.a",
                    "Functional reviews of back-office bodies completed",
                    0.0,
                    6.0,
                    1.0,
                    3.0,
                    date(2025, 9, 15),
                ),
                ind(
                    "OP1.b",
                    "Проекты нормативных актов, вынесенные на общественное обсуждение",
                    0.0,
                    4.0,
                    2.0,
                    4.0,
                    date(2025, 8, 29),
                ),
                ind(
                    "OP1.c",
                    "Oʻzbekiston Respublikasi Adliya vazirligi bilan kelishilgan hujjatlar",
                    0.0,
                    3.0,
                    0.0,
                    1.0,
                    date(2025, 7, 31),
                ),
            ],
        ),
        (
            "Output 1.1.2: Capacity of back-office institutions enhanced".into(),
            vec![
                ind(
                    "OP2",
                    "PSA/PSC staff trained on the e-learning platform (women and men)",
                    0.0,
                    1000.0,
                    212.0,
                    934.0,
                    date(2025, 9, 30),
                ),
                ind("OP2.w", "  of whom women", 0.0, 500.0, 118.0, 455.0, date(2025, 9, 30)),
                ind("OP2.m", "  of whom men", 0.0, 500.0, 94.0, 479.0, date(2025, 9, 30)),
                ind(
                    "OP3",
                    "Public Service Centres connected to the e-learning platform",
                    0.0,
                    201.0,
                    30.0,
                    148.0,
                    date(2025, 9, 30),
                ),
                ind(
                    "OP4",
                    "E-learning hub transferred to the Public Service Agency",
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    date(2025, 6, 30),
                ),
                ind("OP4.a", "E-learning courses published", 12.0, 40.0, 6.0, 31.0, date(2025, 9, 12)),
            ],
        ),
        (
            "Output 1.1.3: Digital, user-centric transformation of the back office".into(),
            vec![
                ind(
                    "OP5",
                    "Public services with back-office processes digitalised with project support",
                    0.0,
                    10.0,
                    2.0,
                    7.0,
                    date(2025, 9, 30),
                ),
                ind("OP5.a", "Inter-agency data exchange services connected", 3.0, 12.0, 1.0, 8.0, date(2025, 9, 30)),
                ind("OP5.b", "Online services available in pilot districts", 14.0, 40.0, 5.0, 37.0, date(2025, 9, 30)),
                ind("OC1", "Average waiting time at pilot PSCs (minutes)", 45.0, 28.0, 31.0, 31.0, date(2025, 9, 30)),
                ind(
                    "IM1",
                    "Share of surveyed citizens satisfied with public services",
                    54.0,
                    68.0,
                    66.0,
                    66.0,
                    date(2025, 9, 1),
                ),
            ],
        ),
        (
            "Output 1.1.4: Local governance responsive and accountable".into(),
            vec![
                ind(
                    "OP6",
                    "Citizens taking part in local decision-making events in the pilot districts",
                    0.0,
                    700.0,
                    164.0,
                    521.0,
                    date(2025, 9, 30),
                ),
                ind("OP6.w", "  of whom women", 0.0, 350.0, 92.0, 260.0, date(2025, 9, 30)),
                ind("OP6.y", "  of whom youth (18-30)", 0.0, 200.0, 41.0, 88.0, date(2025, 9, 30)),
                ind(
                    "OP6.a",
                    "Kengash sessions with public hearings (Сурхандарьинская область)",
                    0.0,
                    24.0,
                    7.0,
                    19.0,
                    date(2025, 9, 26),
                ),
                ind(
                    "OC2",
                    "Pilot districts with improved public service delivery",
                    0.0,
                    4.0,
                    1.0,
                    3.0,
                    date(2025, 9, 30),
                ),
            ],
        ),
    ];
    let indicators = indicator_table("Indicators", &outputs);

    let line = |l: &str, a: &str, b: i64, e: i64| (l.to_string(), a.to_string(), b, e);
    let budget = budget_table(
        "Budget (USD)",
        "USD",
        &[
            (
                "Output 1.1.1: Legal frameworks".into(),
                vec![
                    line(
                        "1.1.1.1 Functional review of back-office bodies",
                        "71200 International consultants",
                        4_500_000,
                        3_912_550,
                    ),
                    line(
                        "1.1.1.1 Functional review of back-office bodies",
                        "71300 Local consultants",
                        1_800_000,
                        1_640_075,
                    ),
                    line(
                        "1.1.1.2 Drafting of legal and regulatory acts",
                        "72100 Contractual services",
                        6_000_000,
                        2_987_333,
                    ),
                    line(
                        "1.1.1.2 Drafting of legal and regulatory acts",
                        "75700 Workshops and conferences",
                        1_250_000,
                        1_301_999,
                    ),
                ],
            ),
            (
                "Output 1.1.2: Capacity of the back office".into(),
                vec![
                    line("1.1.2.1 E-learning platform for the PSA", "72800 IT equipment", 9_600_000, 9_599_999),
                    line(
                        "1.1.2.1 E-learning platform for the PSA",
                        "72100 Contractual services",
                        12_000_000,
                        7_450_001,
                    ),
                    line(
                        "1.1.2.2 E-learning courses for PSA, PSC and registry staff",
                        "75700 Training",
                        3_300_000,
                        2_875_425,
                    ),
                    line("1.1.2.3 Transfer of the e-learning hub", "71300 Local consultants", 900_000, 0),
                ],
            ),
            (
                "Output 1.1.3: Digital transformation".into(),
                vec![
                    line(
                        "1.1.3.1 Needs assessment and satisfaction surveys",
                        "72100 Contractual services",
                        2_400_000,
                        2_399_950,
                    ),
                    line(
                        "1.1.3.2 Digitalisation of back-office processes",
                        "72100 Contractual services",
                        15_000_000,
                        10_125_275,
                    ),
                    line("1.1.3.3 Remote and self-service online services", "72800 IT equipment", 7_200_000, 3_080_120),
                ],
            ),
            (
                "Output 1.1.4: Local governance".into(),
                vec![
                    line(
                        "1.1.4.1 Capacity of Kengashes and local administrations",
                        "75700 Training",
                        2_750_000,
                        1_930_405,
                    ),
                    line(
                        "1.1.4.2 Citizens' participation (Oʻzbekiston, Сурхандарья)",
                        "72600 Grants",
                        5_000_000,
                        2_250_000,
                    ),
                    line("Project management", "61300 Salaries", 8_400_000, 6_300_003),
                ],
            ),
        ],
    );

    let eu = Table {
        name: "EU statement".into(),
        caption: Some("Financial statement by EU budget heading (EUR, converted at UN operational rates)".into()),
        columns: vec![
            col("Budget heading", 3.0, Align::Left),
            col("Total eligible costs", 1.5, Align::Right),
            col("EU share", 1.5, Align::Right),
            col("Co-financing", 1.5, Align::Right),
            col("EU share %", 1.0, Align::Right),
        ],
        header: vec![],
        rows: vec![
            row(
                RowKind::Data,
                vec![
                    text("1. Human resources"),
                    money(31_255_040, "EUR"),
                    money(28_129_536, "EUR"),
                    money(3_125_504, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("2. Travel"),
                    money(2_180_012, "EUR"),
                    money(1_962_011, "EUR"),
                    money(218_001, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("3. Equipment and supplies"),
                    money(11_420_377, "EUR"),
                    money(10_278_339, "EUR"),
                    money(1_142_038, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("4. Other costs, services"),
                    money(8_733_101, "EUR"),
                    money(7_859_791, "EUR"),
                    money(873_310, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
            row(
                RowKind::Subtotal,
                vec![
                    text("5. Subtotal direct eligible costs"),
                    money(53_588_530, "EUR"),
                    money(48_229_677, "EUR"),
                    money(5_358_853, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("6. Indirect costs (7 %)"),
                    money(3_751_197, "EUR"),
                    money(3_376_077, "EUR"),
                    money(375_120, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
            row(
                RowKind::Total,
                vec![
                    text("7. Total eligible costs"),
                    money(57_339_727, "EUR"),
                    money(51_605_754, "EUR"),
                    money(5_733_973, "EUR"),
                    calc(pct(90.0), "c3/c2"),
                ],
            ),
        ],
        landscape: false,
    };

    let rates = Table {
        name: "Rates".into(),
        caption: Some("Exchange rates used (UN operational rates)".into()),
        columns: vec![
            col("Month", 1.0, Align::Left),
            col("Pair", 1.0, Align::Left),
            col("Rate", 1.0, Align::Right),
            col("Uzbek soʻm per USD", 1.4, Align::Right),
        ],
        header: vec![],
        rows: vec![
            row(RowKind::Data, vec![day(date(2025, 7, 1)), text("USD/EUR"), num(0.8532, 4), num(12_585.5, 2)]),
            row(RowKind::Data, vec![day(date(2025, 8, 1)), text("USD/EUR"), num(0.8601, 4), num(12_541.25, 2)]),
            row(RowKind::Data, vec![day(date(2025, 9, 1)), text("USD/EUR"), num(0.8547, 4), num(12_203.0, 2)]),
        ],
        landscape: false,
    };

    let risks = Table {
        name: "Risks".into(),
        caption: Some("Risks and issues".into()),
        columns: vec![
            col("Risk", 4.0, Align::Left),
            col("Likelihood", 1.0, Align::Center),
            col("Impact", 1.0, Align::Center),
            col("Mitigation", 4.0, Align::Left),
            col("Status", 1.2, Align::Center),
            col("Identified", 1.1, Align::Center),
        ],
        header: vec![],
        rows: vec![
            row(
                RowKind::Data,
                vec![
                    text("Staff turnover at Public Service Centres"),
                    text("High"),
                    text("Medium"),
                    text("Train-the-trainer model; courses stay online"),
                    status("needs_attention"),
                    day(date(2024, 3, 14)),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("Задержка утверждения нормативных актов"),
                    text("Medium"),
                    text("High"),
                    text("Регулярные встречи с Министерством юстиции"),
                    status("on_track"),
                    day(date(2024, 11, 2)),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("Internet connectivity in remote districts (Oʻzbekiston, Qashqadaryo)"),
                    text("High"),
                    text("High"),
                    text("Offline-first mobile service points"),
                    status("off_track"),
                    day(date(2025, 2, 20)),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("Data protection of citizens' records"),
                    text("Low"),
                    text("High"),
                    text("Privacy impact assessment before each integration"),
                    status("on_track"),
                    day(date(2025, 5, 5)),
                ],
            ),
            row(
                RowKind::Data,
                vec![
                    text("Co-financing arrives late"),
                    text("Low"),
                    text("Medium"),
                    text("Quarterly follow-up with the donor"),
                    status("no_data"),
                    day(date(2025, 6, 1)),
                ],
            ),
        ],
        landscape: false,
    };

    let chart = BarChart {
        title: "Indicators: % of annual target".into(),
        unit: "%".into(),
        max: None,
        reference: Some(100.0),
        bars: vec![
            Bar { label: "OP1".into(), value: 100.0 },
            Bar { label: "OP2".into(), value: 93.4 },
            Bar { label: "OP3".into(), value: 73.6 },
            Bar { label: "OP5".into(), value: 70.0 },
            Bar { label: "OP6".into(), value: 74.4 },
        ],
    };

    Document {
        title: "Further Improvement of Public Service Delivery in Uzbekistan: quarterly progress report".into(),
        header: "UZB-PSD · UNDP quarterly progress report · 2025-Q3".into(),
        footer: "Generated by rbm from approved data".into(),
        watermark: None,
        locale: Default::default(),
        blocks: vec![
            Block::Heading { level: 1, text: "1. Project summary".into() },
            Block::Paragraph(
                "Joint project of the Ministry of Justice of the Republic of Uzbekistan and UNDP, funded by the \
                 European Union. It improves access to affordable, convenient and high-quality public services, \
                 with a focus on remote, self-service online services."
                    .into(),
            ),
            Block::Paragraph("Проект «Дальнейшее совершенствование системы оказания государственных услуг», Oʻzbekiston Respublikasi.".into()),
            Block::List {
                ordered: false,
                items: vec![
                    "Award: 00123456 (illustrative)".into(),
                    "Implementing partner: Ministry of Justice of the Republic of Uzbekistan".into(),
                    "Duration: 1 January 2023 to 31 December 2026".into(),
                ],
            },
            Block::Heading { level: 2, text: "2. Progress per output".into() },
            Block::Table(indicators),
            Block::BarChart(chart),
            Block::PageBreak { landscape: Some(true) },
            Block::Heading { level: 2, text: "3. Financial".into() },
            Block::Table(budget),
            Block::Table(eu),
            Block::Table(rates),
            Block::Heading { level: 2, text: "4. Risks and issues".into() },
            Block::Table(risks),
            Block::Heading { level: 3, text: "Next quarter".into() },
            Block::List {
                ordered: true,
                items: vec![
                    "Hand over the e-learning hub to the Public Service Agency".into(),
                    "Connect 30 more Public Service Centres".into(),
                ],
            },
            Block::EuEmblem { caption: "Funded by the European Union".into() },
        ],
    }
}

/// The synthetic workbook: `indicators` indicator rows in outputs of 20 and `budget_lines`
/// budget lines in activities of 20, each activity with a subtotal, then a grand total.
/// The rules are repeated in `benches/peers/xlsx_peer.py`: keep them in step.
pub fn synthetic(indicators: usize, budget_lines: usize) -> Document {
    let start = date(2025, 7, 1);
    let outputs: Vec<Output> = (0..indicators.div_ceil(20))
        .map(|g| {
            let items = (g * 20..((g + 1) * 20).min(indicators))
                .map(|k| {
                    let title = if k % 10 == 0 {
                        format!("Доля государственных услуг, оказанных онлайн, Oʻzbekiston ({})", k + 1)
                    } else {
                        format!("Share of public services delivered online in pilot district {}", k % 37 + 1)
                    };
                    let baseline = ((k * 7) % 100) as f64;
                    let target = baseline + 10.0 + (k % 50) as f64;
                    let quarter = ((k * 13) % 40) as f64;
                    let cumulative = ((k * 17) % 120) as f64;
                    let measured = start.checked_add_days(Days::new((k % 90) as u64)).unwrap();
                    (format!("{}.{}", g + 1, k % 20 + 1), title, baseline, target, quarter, cumulative, measured)
                })
                .collect();
            (format!("Output {}: results area {}", g + 1, g + 1), items)
        })
        .collect();

    let activities: Vec<BudgetGroup> = (0..budget_lines.div_ceil(20))
        .map(|a| {
            let lines = (a * 20..((a + 1) * 20).min(budget_lines))
                .map(|l| {
                    let budget = 100_000 + ((l as i64) * 7_919) % 5_000_000;
                    let spent = budget * (((l as i64) * 37) % 100) / 100;
                    let label = format!("Activity {}.{} line {}", a / 10 + 1, a % 10 + 1, l + 1);
                    let account = format!("7{:04} {}", (l * 31) % 10_000, ACCOUNTS[l % ACCOUNTS.len()]);
                    (label, account, budget, spent)
                })
                .collect();
            (format!("Activity {}.{}: delivery area {}", a / 10 + 1, a % 10 + 1, a + 1), lines)
        })
        .collect();

    Document {
        title: "Synthetic project: quarterly progress report".into(),
        header: "SYN-001 · UNDP quarterly progress report · 2025-Q3".into(),
        footer: "Synthetic data".into(),
        watermark: Some("DRAFT: includes unapproved data".into()),
        locale: Default::default(),
        blocks: vec![
            Block::Heading { level: 1, text: "Summary".into() },
            Block::Paragraph("A synthetic project to measure the renderers.".into()),
            Block::Table(indicator_table("Indicators", &outputs)),
            Block::Table(budget_table("Budget", "USD", &activities)),
        ],
    }
}

const ACCOUNTS: [&str; 5] = ["Contractual services", "Local consultants", "Training", "IT equipment", "Travel"];
