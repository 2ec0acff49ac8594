//! Report documents built by hand, shared by the PDF tests (`tests/pdf_render.rs`) and the
//! PDF benchmark (`benches/pdf.rs`, which includes this file by path).
#![allow(dead_code)]

use chrono::NaiveDate;
use rbm::reports::document::{Align, Bar, BarChart, Block, Cell, Column, Document, Row, RowKind, Table, Value};

pub fn col(label: &str, width: f32, align: Align) -> Column {
    Column { label: label.into(), width, align }
}

pub fn labels(columns: &[Column]) -> Vec<Vec<Cell>> {
    vec![columns.iter().map(|c| Cell::text(c.label.clone())).collect()]
}

pub fn row(kind: RowKind, cells: Vec<Cell>) -> Row {
    Row { kind, cells }
}

pub fn usd(minor: i64) -> Value {
    Value::Money { minor, currency: "USD".into() }
}

pub fn num(value: f64) -> Value {
    Value::Number { value, decimals: 0 }
}

pub fn span(value: Value, colspan: u16) -> Cell {
    Cell { value, colspan, calc: None }
}

const STATUSES: [&str; 5] = ["on_track", "needs_attention", "off_track", "no_data", "not_rated"];

const INDICATORS: [&str; 8] = [
    "Number of civil servants trained in the Hub's programmes (disaggregated by sex)",
    "Number of participating countries with a signed memorandum of understanding",
    "Share of Public Service Centres offering remote self-service",
    "Навчання розпочато: кількість слухачів курсу",
    "Министерство юстиции: число регламентов, прошедших экспертизу",
    "Oʻzbekiston: tumanlardagi davlat xizmatlari markazlari soni",
    "Number of peer-reviewed research papers published by the Hub",
    "Citizens' satisfaction with public services in pilot districts (survey)",
];

/// The indicator table of a quarterly report: `outputs` groups of `per_output` indicators.
pub fn indicator_table(name: &str, outputs: usize, per_output: usize) -> Table {
    let columns = vec![
        col("Indicator", 4.4, Align::Left),
        col("Baseline", 1.5, Align::Right),
        col("Annual target", 1.5, Align::Right),
        col("Quarter actual", 1.5, Align::Right),
        col("Cumulative", 1.7, Align::Right),
        col("% of target", 1.3, Align::Right),
        col("Status", 1.8, Align::Left),
    ];
    let mut rows = Vec::with_capacity(outputs * (per_output + 1));
    let mut n = 0usize;
    for o in 0..outputs {
        rows.push(row(
            RowKind::Group,
            vec![span(Value::Text(format!("Output {}: Regional Hub of Civil Service, strand {}", o + 1, o + 1)), 7)],
        ));
        for _ in 0..per_output {
            let target = 40.0 + (n % 17) as f64 * 25.0;
            let cumulative = target * ((n * 37) % 130) as f64 / 100.0;
            rows.push(row(
                RowKind::Data,
                vec![
                    Cell::text(format!("{}.{} {}", o + 1, n + 1, INDICATORS[n % INDICATORS.len()])),
                    Cell::new(num((n % 9) as f64 * 10.0)),
                    Cell::new(num(target)),
                    Cell::new(num((cumulative / 4.0).round())),
                    Cell::new(num(cumulative.round())),
                    Cell::new(Value::Percent(cumulative / target * 100.0)),
                    Cell::new(Value::Status(STATUSES[n % STATUSES.len()].into())),
                ],
            ));
            n += 1;
        }
    }
    Table {
        name: name.into(),
        caption: Some("Progress per output: indicators against the annual targets".into()),
        header: labels(&columns),
        columns,
        rows,
        landscape: false,
    }
}

/// A budget versus expenditure table with subtotals per output and a total: `lines` lines.
pub fn budget_table(name: &str, outputs: usize, lines: usize, landscape: bool) -> Table {
    let columns = vec![
        col("Output / activity", 4.0, Align::Left),
        col("Funding source", 2.0, Align::Left),
        col("Account", 1.6, Align::Left),
        col("Budget", 2.0, Align::Right),
        col("Expenditure", 2.0, Align::Right),
        col("Balance", 2.0, Align::Right),
        col("Delivery", 1.4, Align::Right),
    ];
    let per_output = lines.div_ceil(outputs.max(1));
    let mut rows = Vec::with_capacity(lines + 2 * outputs + 1);
    let (mut total_b, mut total_e) = (0i64, 0i64);
    let mut line = 0;
    for o in 0..outputs {
        rows.push(row(RowKind::Group, vec![span(Value::Text(format!("Output {}", o + 1)), 7)]));
        let (mut sub_b, mut sub_e) = (0i64, 0i64);
        for _ in 0..per_output {
            if line == lines {
                break;
            }
            let budget = 1_000_000 + (line as i64 * 7_919 % 50_000) * 100;
            let spent = budget * ((line as i64 * 31) % 110) / 100;
            sub_b += budget;
            sub_e += spent;
            rows.push(row(
                RowKind::Data,
                vec![
                    Cell::text(format!("Activity {}.{}: workshops and expert missions", o + 1, line + 1)),
                    Cell::text(["UNDP TRAC", "Republic budget", "European Union"][line % 3]),
                    Cell::text(["71200", "71300", "72100", "74200"][line % 4]),
                    Cell::new(usd(budget)),
                    Cell::new(usd(spent)),
                    Cell::new(usd(budget - spent)),
                    Cell::new(Value::Percent(spent as f64 * 100.0 / budget as f64)),
                ],
            ));
            line += 1;
        }
        total_b += sub_b;
        total_e += sub_e;
        rows.push(row(
            RowKind::Subtotal,
            vec![
                span(Value::Text(format!("Subtotal output {}", o + 1)), 3),
                Cell::new(usd(sub_b)),
                Cell::new(usd(sub_e)),
                Cell::new(usd(sub_b - sub_e)),
                Cell::new(Value::Percent(sub_e as f64 * 100.0 / sub_b.max(1) as f64)),
            ],
        ));
    }
    rows.push(row(
        RowKind::Total,
        vec![
            span(Value::Text("Total".into()), 3),
            Cell::new(usd(total_b)),
            Cell::new(usd(total_e)),
            Cell::new(usd(total_b - total_e)),
            Cell::new(Value::Percent(total_e as f64 * 100.0 / total_b.max(1) as f64)),
        ],
    ));
    Table {
        name: name.into(),
        caption: Some(
            "Financial: budget vs expenditure and delivery by output, activity, funding source and account".into(),
        ),
        header: labels(&columns),
        columns,
        rows,
        landscape,
    }
}

/// A demo UNDP quarterly progress report of about ten pages.
pub fn demo_quarterly() -> Document {
    let award = Table {
        name: "Award".into(),
        caption: None,
        columns: vec![col("", 1.0, Align::Left), col("", 2.5, Align::Left)],
        header: vec![],
        rows: [
            ("Award ID", "00071234"),
            ("Project title", "Regional Hub of Civil Service: expert support for the new model of public service"),
            ("Implementing partner", "Agency for Civil Service Affairs of the Republic of Kazakhstan"),
            ("Project dates", "01 Jan 2013 to 31 Dec 2014"),
            ("Total budget", "431,333.00 USD"),
            ("Donors", "Republic budget of Kazakhstan; UNDP; Ministry of Foreign Affairs of Kazakhstan"),
        ]
        .into_iter()
        .map(|(k, v)| row(RowKind::Data, vec![Cell::text(k), Cell::text(v)]))
        .collect(),
        landscape: false,
    };
    let activities_cols = vec![
        col("Activity", 5.0, Align::Left),
        col("Planned quarters", 1.8, Align::Center),
        col("Progress", 1.4, Align::Right),
        col("Status", 1.8, Align::Left),
        col("Completed on", 1.6, Align::Left),
    ];
    let activities = Table {
        name: "Activities".into(),
        caption: Some("Activity progress against the quarters planned in the work plan".into()),
        header: labels(&activities_cols),
        columns: activities_cols,
        rows: (0..30)
            .map(|i| {
                row(
                    RowKind::Data,
                    vec![
                        Cell::text(format!(
                            "A{}: {}",
                            i + 1,
                            [
                                "Conference on civil service reform with the participating countries",
                                "Research on meritocracy in recruitment (peer-reviewed)",
                                "Навчання розпочато для державних службовців",
                                "Oʻzbekiston bilan tajriba almashish",
                            ][i % 4]
                        )),
                        Cell::text(["Q1, Q2", "Q2", "Q2, Q3", "Q3, Q4"][i % 4]),
                        Cell::new(Value::Percent((i * 13 % 101) as f64)),
                        Cell::new(Value::Status(STATUSES[i % 3].into())),
                        if i % 3 == 0 {
                            Cell::new(Value::Date(NaiveDate::from_ymd_opt(2014, 4, 1 + (i % 28) as u32).unwrap()))
                        } else {
                            Cell::new(Value::Empty)
                        },
                    ],
                )
            })
            .collect(),
        landscape: false,
    };
    let risks_cols = vec![
        col("Risk", 4.0, Align::Left),
        col("Probability", 1.2, Align::Left),
        col("Impact", 1.2, Align::Left),
        col("Mitigation", 5.0, Align::Left),
    ];
    let risks = Table {
        name: "Risks".into(),
        caption: Some("Risks and issues".into()),
        header: labels(&risks_cols),
        columns: risks_cols,
        rows: (0..8)
            .map(|i| {
                row(
                    RowKind::Data,
                    vec![
                        Cell::text(format!("R{}: participating countries' commitment may weaken", i + 1)),
                        Cell::text(["Low", "Medium", "High"][i % 3]),
                        Cell::text(["Medium", "High", "Low"][i % 3]),
                        Cell::text(
                            "Steering Committee meets twice a year; the Secretariat keeps a joint work plan \
                             with each partner and reports on it quarterly.",
                        ),
                    ],
                )
            })
            .collect(),
        landscape: false,
    };
    let pct_chart = BarChart {
        title: "Indicators: % of the annual target".into(),
        unit: "%".into(),
        max: None,
        reference: Some(100.0),
        bars: (0..12)
            .map(|i| Bar { label: format!("Indicator {}.{}", i / 4 + 1, i + 1), value: (i * 17 % 140) as f64 })
            .collect(),
    };
    let delivery_chart = BarChart {
        title: "Delivery by output".into(),
        unit: "%".into(),
        max: Some(100.0),
        reference: Some(80.0),
        bars: (0..4).map(|i| Bar { label: format!("Output {}", i + 1), value: 35.0 + i as f64 * 14.5 }).collect(),
    };
    let para = "The Hub's Secretariat organised the annual conference with the participation of delegations \
                from 25 countries. Навчання розпочато in all pilot regions; the Министерство юстиции and the \
                Agency agreed a joint work plan. In Oʻzbekiston the exchange programme started in May.";
    Document {
        title: "Quarterly progress report KAZ-HUB 2014-Q2".into(),
        header: "KAZ-HUB · UNDP quarterly progress report · 2014-Q2".into(),
        footer: "Regional Hub of Civil Service, Astana".into(),
        watermark: None,
        locale: Default::default(),
        blocks: vec![
            Block::Heading { level: 1, text: "Quarterly progress report, 2014-Q2".into() },
            Block::Paragraph(para.into()),
            Block::Heading { level: 2, text: "Award information".into() },
            Block::Table(award),
            Block::Heading { level: 2, text: "Summary".into() },
            Block::Paragraph(para.repeat(3)),
            Block::List {
                ordered: false,
                items: vec![
                    "Conference held in Astana with 25 countries.".into(),
                    "Three research papers published.".into(),
                    "Навчання розпочато: 120 слушателей.".into(),
                ],
            },
            Block::Heading { level: 2, text: "Progress per output".into() },
            Block::Table(indicator_table("Indicators", 4, 10)),
            Block::BarChart(pct_chart),
            Block::Heading { level: 2, text: "Activity progress".into() },
            Block::Table(activities),
            Block::PageBreak { landscape: None },
            Block::Heading { level: 2, text: "Financial".into() },
            Block::Table(budget_table("Budget", 4, 44, true)),
            Block::PageBreak { landscape: Some(false) },
            Block::BarChart(delivery_chart),
            Block::Heading { level: 2, text: "Risks and issues".into() },
            Block::Table(risks),
            Block::Heading { level: 2, text: "Next quarter".into() },
            Block::List {
                ordered: true,
                items: vec![
                    "Second Steering Committee meeting.".into(),
                    "Launch of the e-learning platform.".into(),
                    "Study tour to Oʻzbekiston.".into(),
                ],
            },
            Block::EuEmblem { caption: "Funded by the European Union".into() },
        ],
    }
}

/// The large synthetic document of the performance target: an indicator table of
/// `indicators` rows and a budget table of `budget_lines` lines.
pub fn synthetic(indicators: usize, budget_lines: usize) -> Document {
    Document {
        title: "Synthetic".into(),
        header: "SYN-001 · synthetic project · 2020-Q1 to 2024-Q4".into(),
        footer: "Synthetic project for the benchmark".into(),
        watermark: Some("DRAFT: includes unapproved data".into()),
        locale: Default::default(),
        blocks: vec![
            Block::Heading { level: 1, text: "Indicator performance".into() },
            Block::Table(indicator_table("Indicators", 50, indicators / 50)),
            Block::PageBreak { landscape: None },
            Block::Heading { level: 1, text: "Budget".into() },
            Block::Table(budget_table("Budget", 100, budget_lines, false)),
        ],
    }
}
