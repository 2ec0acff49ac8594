//! The document markup templates produce: a strict XHTML-like subset, parsed into a
//! [`Document`]. Unknown elements or attributes are errors naming the line, so a template
//! mistake is found at once instead of silently dropping content.
//!
//! ```xml
//! <document title="..." header="..." footer="..." watermark="...">
//!   <h1>..</h1> <h2>..</h2> <h3>..</h3> <p>..</p>
//!   <ul><li>..</li></ul> <ol><li>..</li></ol>
//!   <table name="Sheet name" caption="..." landscape="true">
//!     <col label="Indicator" width="4"/> <col label="Budget" width="2" align="right"/>
//!     <thead><tr><th colspan="2">..</th></tr></thead>   (optional; default: the col labels)
//!     <tr kind="group|subtotal|total">                  (kind optional: data)
//!       <td>text</td> <td type="number" decimals="0">3494</td>
//!       <td type="money" currency="USD">20800000</td>   (minor units)
//!       <td type="percent">47.5</td> <td type="date">2014-06-30</td> <td type="status">on_track</td>
//!     </tr>
//!   </table>
//!   <pagebreak landscape="true"/>
//!   <chart title="..." unit="%" max="150" reference="100"><bar label="OP1" value="47.5"/></chart>
//!   <eu-emblem caption="Funded by the European Union"/>
//! </document>
//! ```

use super::document::{Align, Bar, BarChart, Block, Cell, Column, Document, Row, RowKind, Table, Value};
use roxmltree::Node;

/// Every element of the markup (templates are checked against it before rendering).
pub const ELEMENTS: &[&str] = &[
    "document",
    "h1",
    "h2",
    "h3",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "table",
    "col",
    "thead",
    "tr",
    "th",
    "td",
    "pagebreak",
    "chart",
    "bar",
    "eu-emblem",
];

/// A markup error: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError(pub String);

impl std::fmt::Display for MarkupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type R<T> = Result<T, MarkupError>;

fn err<T>(node: Node, msg: impl std::fmt::Display) -> R<T> {
    let pos = node.document().text_pos_at(node.range().start);
    Err(MarkupError(format!("line {}, <{}>: {msg}", pos.row, node.tag_name().name())))
}

/// Parses the markup of a rendered template.
pub fn parse(xml: &str) -> R<Document> {
    let tree = roxmltree::Document::parse(xml).map_err(|e| MarkupError(format!("not well-formed: {e}")))?;
    let root = tree.root_element();
    if root.tag_name().name() != "document" {
        return err(root, "the root element must be <document>");
    }
    allow(root, &["title", "header", "footer", "watermark"])?;
    let mut doc = Document {
        title: root.attribute("title").unwrap_or_default().to_string(),
        header: root.attribute("header").unwrap_or_default().to_string(),
        footer: root.attribute("footer").unwrap_or_default().to_string(),
        watermark: root.attribute("watermark").filter(|w| !w.trim().is_empty()).map(str::to_string),
        locale: Default::default(),
        blocks: vec![],
    };
    for node in elements(root)? {
        doc.blocks.push(block(node)?);
    }
    Ok(doc)
}

/// Child elements; text directly inside a container is a mistake.
fn elements<'a, 'i>(node: Node<'a, 'i>) -> R<Vec<Node<'a, 'i>>> {
    let mut out = vec![];
    for child in node.children() {
        if child.is_element() {
            out.push(child);
        } else if child.is_text() && !child.text().unwrap_or_default().trim().is_empty() {
            return err(node, format!("text `{}` must be inside an element", child.text().unwrap_or_default().trim()));
        }
    }
    Ok(out)
}

fn allow(node: Node, names: &[&str]) -> R<()> {
    for a in node.attributes() {
        if !names.contains(&a.name()) {
            return err(node, format!("unknown attribute `{}` (allowed: {names:?})", a.name()));
        }
    }
    Ok(())
}

/// The element's text, whitespace collapsed (templates indent freely).
fn text(node: Node) -> R<String> {
    let mut s = String::new();
    for d in node.descendants() {
        if d.is_element() && d != node && d.tag_name().name() != "br" {
            return err(d, "no markup inside text (only <br/>)");
        }
        if d.is_element() && d.tag_name().name() == "br" {
            s.push('\n');
        } else if let Some(t) = d.text().filter(|_| d.is_text()) {
            s.push_str(&t.replace(['\n', '\r', '\t'], " "));
        }
    }
    // Source line breaks are spaces; only <br/> breaks a line.
    let lines: Vec<String> = s.split('\n').map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    Ok(lines.join("\n").trim().to_string())
}

fn bool_attr(node: Node, name: &str) -> R<Option<bool>> {
    match node.attribute(name) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => err(node, format!("`{name}` must be true or false, not `{other}`")),
    }
}

fn num_attr(node: Node, name: &str) -> R<Option<f64>> {
    match node.attribute(name).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse::<f64>().map(Some).or_else(|_| err(node, format!("`{name}` must be a number, not `{s}`"))),
    }
}

fn block(node: Node) -> R<Block> {
    match node.tag_name().name() {
        h @ ("h1" | "h2" | "h3") => {
            allow(node, &[])?;
            Ok(Block::Heading { level: h[1..].parse().expect("digit"), text: text(node)? })
        }
        "p" => {
            allow(node, &[])?;
            Ok(Block::Paragraph(text(node)?))
        }
        l @ ("ul" | "ol") => {
            allow(node, &[])?;
            let mut items = vec![];
            for li in elements(node)? {
                if li.tag_name().name() != "li" {
                    return err(li, "lists hold <li> only");
                }
                items.push(text(li)?);
            }
            Ok(Block::List { ordered: l == "ol", items })
        }
        "table" => table(node).map(Block::Table),
        "pagebreak" => {
            allow(node, &["landscape"])?;
            Ok(Block::PageBreak { landscape: bool_attr(node, "landscape")? })
        }
        "chart" => {
            allow(node, &["title", "unit", "max", "reference"])?;
            let mut bars = vec![];
            for b in elements(node)? {
                if b.tag_name().name() != "bar" {
                    return err(b, "a chart holds <bar label=\"..\" value=\"..\"/> only");
                }
                allow(b, &["label", "value"])?;
                let Some(value) = num_attr(b, "value")? else { return err(b, "a bar needs a value") };
                bars.push(Bar { label: b.attribute("label").unwrap_or_default().to_string(), value });
            }
            Ok(Block::BarChart(BarChart {
                title: node.attribute("title").unwrap_or_default().to_string(),
                unit: node.attribute("unit").unwrap_or_default().to_string(),
                max: num_attr(node, "max")?,
                reference: num_attr(node, "reference")?,
                bars,
            }))
        }
        "eu-emblem" => {
            allow(node, &["caption"])?;
            let caption = node.attribute("caption").unwrap_or("Funded by the European Union").to_string();
            Ok(Block::EuEmblem { caption })
        }
        other => err(node, format!("unknown element <{other}>")),
    }
}

fn table(node: Node) -> R<Table> {
    allow(node, &["name", "caption", "landscape"])?;
    let mut t = Table {
        name: node.attribute("name").unwrap_or("Table").to_string(),
        caption: node.attribute("caption").map(str::to_string),
        landscape: bool_attr(node, "landscape")?.unwrap_or(false),
        ..Table::default()
    };
    for child in elements(node)? {
        match child.tag_name().name() {
            "col" => {
                allow(child, &["label", "width", "align"])?;
                let align = match child.attribute("align") {
                    None | Some("left") => Align::Left,
                    Some("right") => Align::Right,
                    Some("center") => Align::Center,
                    Some(other) => return err(child, format!("align must be left, right or center, not `{other}`")),
                };
                let width = num_attr(child, "width")?.unwrap_or(1.0) as f32;
                if width <= 0.0 {
                    return err(child, "width must be positive");
                }
                t.columns.push(Column {
                    label: child.attribute("label").unwrap_or_default().to_string(),
                    width,
                    align,
                });
            }
            "thead" => {
                allow(child, &[])?;
                for tr in elements(child)? {
                    t.header.push(cells(tr, "th")?);
                }
            }
            "tr" => {
                allow(child, &["kind"])?;
                let kind = match child.attribute("kind") {
                    None | Some("data") => RowKind::Data,
                    Some("group") => RowKind::Group,
                    Some("subtotal") => RowKind::Subtotal,
                    Some("total") => RowKind::Total,
                    Some(other) => {
                        return err(child, format!("kind must be data, group, subtotal or total, not `{other}`"));
                    }
                };
                t.rows.push(Row { kind, cells: cells(child, "td")? });
            }
            other => return err(child, format!("a table holds <col>, <thead> and <tr>, not <{other}>")),
        }
    }
    if t.columns.is_empty() {
        return err(node, "a table needs <col> elements");
    }
    if t.header.is_empty() {
        t.header.push(t.columns.iter().map(|c| Cell::text(c.label.clone())).collect());
    }
    let width = t.columns.len();
    for row in &t.rows {
        for cell in &row.cells {
            if let Some(bad) = cell.calc.as_deref().and_then(|e| calc_columns(e).into_iter().find(|&n| n > width)) {
                return err(node, format!("calc names column c{bad}, the table has {width}"));
            }
        }
    }
    for (i, row) in t.header.iter().chain(t.rows.iter().map(|r| &r.cells)).enumerate() {
        let spanned: usize = row.iter().map(|c| c.colspan as usize).sum();
        if spanned != width {
            return err(node, format!("row {} spans {spanned} columns, the table has {width}", i + 1));
        }
    }
    Ok(t)
}

fn cells(tr: Node, cell_tag: &str) -> R<Vec<Cell>> {
    if tr.tag_name().name() != "tr" {
        return err(tr, "expected <tr>");
    }
    let mut out = vec![];
    for c in elements(tr)? {
        if c.tag_name().name() != cell_tag {
            return err(c, format!("this row holds <{cell_tag}> cells"));
        }
        allow(c, &["type", "colspan", "decimals", "currency", "calc"])?;
        let colspan = match num_attr(c, "colspan")? {
            None => 1,
            Some(n) if n >= 1.0 && n.fract() == 0.0 => n as u16,
            Some(n) => return err(c, format!("colspan must be a whole number of at least 1, not {n}")),
        };
        let raw = text(c)?;
        let number = |what: &str| -> R<f64> {
            raw.parse::<f64>().or_else(|_| err(c, format!("a {what} cell needs a number, not `{raw}`")))
        };
        let value = match c.attribute("type").unwrap_or("text") {
            _ if raw.is_empty() => Value::Empty,
            "text" => Value::Text(raw.clone()),
            "number" => {
                let decimals = num_attr(c, "decimals")?.unwrap_or(0.0).clamp(0.0, 10.0) as u8;
                Value::Number { value: number("number")?, decimals }
            }
            "money" => {
                let Some(currency) = c.attribute("currency") else {
                    return err(c, "a money cell needs currency=\"USD\"");
                };
                let minor =
                    raw.parse::<i64>().or_else(|_| err(c, format!("money is whole minor units, not `{raw}`")))?;
                Value::Money { minor, currency: currency.to_string() }
            }
            "percent" => Value::Percent(number("percent")?),
            "date" => {
                let d = chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d");
                Value::Date(d.or_else(|_| err(c, format!("a date is YYYY-MM-DD, not `{raw}`")))?)
            }
            "status" => Value::Status(raw.clone()),
            other => return err(c, format!("unknown cell type `{other}`")),
        };
        let calc = match c.attribute("calc") {
            None => None,
            Some(expr) => {
                if !matches!(value, Value::Number { .. } | Value::Money { .. } | Value::Percent(_) | Value::Empty) {
                    return err(c, "calc is for number, money and percent cells");
                }
                check_calc(expr).or_else(|e| err(c, format!("calc `{expr}`: {e}")))?;
                Some(expr.to_string())
            }
        };
        out.push(Cell { value, colspan, calc });
    }
    Ok(out)
}

/// The columns a calc names (`c2-c3` -> 2, 3).
pub fn calc_columns(expr: &str) -> Vec<usize> {
    let mut cols = vec![];
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'c' {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if let Ok(n) = expr[start..i].parse() {
                cols.push(n);
            }
        } else {
            i += 1;
        }
    }
    cols
}

/// A calc is `cN`, numbers, `+ - * /` and parentheses, balanced, naming column 1 or later.
fn check_calc(expr: &str) -> Result<(), String> {
    let mut depth = 0i32;
    let mut prev_operand = false;
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' => i += 1,
            b'(' => {
                if prev_operand {
                    return Err("an operator must come before `(`".into());
                }
                depth += 1;
                i += 1;
            }
            b')' => {
                depth -= 1;
                if depth < 0 || !prev_operand {
                    return Err("unbalanced `)`".into());
                }
                i += 1;
            }
            b'+' | b'-' | b'*' | b'/' => {
                if !prev_operand {
                    return Err(format!("`{}` needs an operand before it", b[i] as char));
                }
                prev_operand = false;
                i += 1;
            }
            b'c' | b'0'..=b'9' | b'.' => {
                if prev_operand {
                    return Err("two operands in a row".into());
                }
                let col = b[i] == b'c';
                let start = if col { i + 1 } else { i };
                i = start;
                while i < b.len() && (b[i].is_ascii_digit() || (!col && b[i] == b'.')) {
                    i += 1;
                }
                let tok = &expr[start..i];
                if col && tok.parse::<usize>().map_or(true, |n| n == 0) {
                    return Err("columns are c1, c2, ...".into());
                }
                prev_operand = true;
            }
            other => return Err(format!("unexpected `{}`", other as char)),
        }
    }
    if depth != 0 || !prev_operand {
        return Err("incomplete expression".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<document title="UNDP quarterly progress report" header="KAZ-HUB · 2014-Q2" footer="rbm">
      <h1>Award information</h1>
      <p>Regional Hub of   Civil Service,
         Oʻzbekiston and Қазақстан</p>
      <ul><li>one</li><li>two</li></ul>
      <table name="Budget" landscape="true">
        <col label="Account" width="3"/><col label="Budget" width="1" align="right"/><col label="Share" align="right"/>
        <tr kind="group"><td colspan="3">Output 1</td></tr>
        <tr><td>71200</td><td type="money" currency="USD">3000000</td><td type="percent">14.4</td></tr>
        <tr kind="total"><td>Total</td><td type="money" currency="USD">3000000</td><td></td></tr>
      </table>
      <pagebreak landscape="false"/>
      <chart title="% of target" unit="%" reference="100"><bar label="OC1" value="50"/></chart>
      <eu-emblem/>
    </document>"#;

    #[test]
    fn parses_every_block() {
        let d = parse(SAMPLE).unwrap();
        assert_eq!(d.header, "KAZ-HUB · 2014-Q2");
        assert_eq!(d.blocks[1], Block::Paragraph("Regional Hub of Civil Service, Oʻzbekiston and Қазақстан".into()));
        let Block::Table(t) = &d.blocks[3] else { panic!() };
        assert!(t.landscape);
        assert_eq!(t.header[0].len(), 3, "the col labels make the header");
        assert_eq!(t.rows[0].kind, RowKind::Group);
        assert_eq!(t.rows[1].cells[1].value, Value::Money { minor: 3_000_000, currency: "USD".into() });
        assert_eq!(t.rows[2].cells[2].value, Value::Empty);
        assert_eq!(d.blocks[4], Block::PageBreak { landscape: Some(false) });
        assert!(matches!(&d.blocks[6], Block::EuEmblem { caption } if caption == "Funded by the European Union"));
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let e = parse("<document><h4>x</h4></document>").unwrap_err().0;
        assert!(e.contains("line 1") && e.contains("unknown element <h4>"), "{e}");
        let e = parse("<document>\n<p colour=\"red\">x</p></document>").unwrap_err().0;
        assert!(e.contains("line 2") && e.contains("unknown attribute `colour`"), "{e}");
        let bad_money =
            r#"<document><table><col label="a"/><tr><td type="money" currency="USD">12.5</td></tr></table></document>"#;
        assert!(parse(bad_money).unwrap_err().0.contains("whole minor units"));
        let bad_span = r#"<document><table><col label="a"/><col label="b"/><tr><td>x</td></tr></table></document>"#;
        assert!(parse(bad_span).unwrap_err().0.contains("spans 1 columns, the table has 2"));
        assert!(parse("<document><p>x</document>").unwrap_err().0.contains("not well-formed"));
        let calc = |e: &str| {
            format!(
                r#"<document><table><col label="a"/><col label="b"/><tr><td type="number">1</td><td type="number" calc="{e}">1</td></tr></table></document>"#
            )
        };
        assert_eq!(parse(&calc("c1")).unwrap().blocks.len(), 1);
        let Block::Table(t) = &parse(&calc("(c1-c2)/(c1+2.5)")).unwrap().blocks[0] else { panic!() };
        assert_eq!(t.rows[0].cells[1].calc.as_deref(), Some("(c1-c2)/(c1+2.5)"));
        assert!(parse(&calc("c3-c1")).unwrap_err().0.contains("names column c3"));
        assert!(parse(&calc("c1-")).unwrap_err().0.contains("incomplete"));
        assert!(parse(&calc("SUM(c1)")).unwrap_err().0.contains("unexpected `S`"));
        assert!(parse(&calc("(c1")).unwrap_err().0.contains("incomplete"));
    }
}
