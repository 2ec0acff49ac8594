//! HTML renderer: the same document as a self-contained page for a browser preview (no
//! external assets; charts and the EU emblem are inline SVG).

use super::document::{Align, BarChart, Block, Cell, Document, Locale, RowKind, Table, Value, format_in};
use std::fmt::Write;

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;margin:2em;color:#222}\
header,footer{color:#666;font-size:9pt}table{border-collapse:collapse;margin:1em 0;width:100%}\
th,td{border:1px solid #999;padding:3px 5px;vertical-align:top}th{background:#e8eef6}\
td.r{text-align:right}td.c{text-align:center}tr.group td{background:#f0f0f0;font-weight:bold}\
tr.subtotal td,tr.total td{font-weight:bold;border-top:2px solid #333}\
.on_track{background:#c6efce}.needs_attention{background:#ffeb9c}.off_track{background:#ffc7ce}\
.no_data,.not_rated{background:#eee}.watermark{position:fixed;top:40%;left:10%;font-size:48pt;color:rgba(200,0,0,.15);\
transform:rotate(-30deg);pointer-events:none}caption{text-align:left;font-weight:bold}";

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(doc: &Document) -> Vec<u8> {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&doc.locale.lang),
        escape(&doc.title)
    );
    if let Some(w) = &doc.watermark {
        let _ = write!(h, "<div class=\"watermark\">{}</div>", escape(w));
    }
    let _ = write!(h, "<header>{}</header>", escape(&doc.header));
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let _ = write!(h, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Paragraph(p) => {
                let _ = write!(h, "<p>{}</p>", escape(p));
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                let _ = write!(h, "<{tag}>");
                for i in items {
                    let _ = write!(h, "<li>{}</li>", escape(i));
                }
                let _ = write!(h, "</{tag}>");
            }
            Block::Table(t) => table(&mut h, t, &doc.locale),
            Block::PageBreak { .. } => h.push_str("<hr>"),
            Block::BarChart(c) => chart(&mut h, c),
            Block::EuEmblem { caption } => {
                let _ = write!(h, "<p class=\"emblem\">{} <strong>{}</strong></p>", eu_flag_svg(), escape(caption));
            }
        }
    }
    let _ = write!(h, "<footer>{}</footer></body></html>", escape(&doc.footer));
    h.into_bytes()
}

fn cell(h: &mut String, tag: &str, c: &Cell, align: Align, locale: &Locale) {
    let class = match (&c.value, align) {
        (Value::Status(s), _) => s.as_str(),
        (Value::Number { .. } | Value::Money { .. } | Value::Percent(_), _) | (_, Align::Right) => "r",
        (_, Align::Center) => "c",
        _ => "",
    };
    let span = if c.colspan > 1 { format!(" colspan=\"{}\"", c.colspan) } else { String::new() };
    let _ = write!(h, "<{tag} class=\"{class}\"{span}>{}</{tag}>", escape(&format_in(&c.value, locale)));
}

fn table(h: &mut String, t: &Table, locale: &Locale) {
    h.push_str("<table>");
    if let Some(c) = &t.caption {
        let _ = write!(h, "<caption>{}</caption>", escape(c));
    }
    h.push_str("<thead>");
    for row in &t.header {
        h.push_str("<tr>");
        for c in row {
            cell(h, "th", c, Align::Center, locale);
        }
        h.push_str("</tr>");
    }
    h.push_str("</thead><tbody>");
    for row in &t.rows {
        let class = match row.kind {
            RowKind::Data => "",
            RowKind::Group => "group",
            RowKind::Subtotal => "subtotal",
            RowKind::Total => "total",
        };
        let _ = write!(h, "<tr class=\"{class}\">");
        let mut col = 0;
        for c in &row.cells {
            let align = t.columns.get(col).map_or(Align::Left, |c| c.align);
            cell(h, "td", c, align, locale);
            col += c.colspan as usize;
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

fn chart(h: &mut String, c: &BarChart) {
    let max =
        c.max.unwrap_or_else(|| c.bars.iter().map(|b| b.value).fold(c.reference.unwrap_or(0.0), f64::max)).max(1e-9);
    let (label_w, bar_w, row_h) = (160.0, 360.0, 18.0);
    let height = row_h * c.bars.len() as f64 + 30.0;
    let _ = write!(
        h,
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\">",
        escape(&c.title),
        label_w + bar_w + 80.0
    );
    for (i, b) in c.bars.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = (b.value.max(0.0) / max * bar_w).min(bar_w);
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{}\" font-size=\"10\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"#1f77b4\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"10\">{:.1}{}</text>",
            y + 12.0,
            escape(&b.label),
            row_h - 6.0,
            label_w + w + 4.0,
            y + 12.0,
            b.value,
            escape(&c.unit)
        );
    }
    if let Some(r) = c.reference {
        let x = label_w + (r / max * bar_w).min(bar_w);
        let _ = write!(
            h,
            "<line x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#c00\" stroke-dasharray=\"4\"/>",
            height - 20.0
        );
    }
    h.push_str("</svg></figure>");
}

/// The EU flag: twelve gold five-pointed stars on a circle on blue, 3:2.
fn eu_flag_svg() -> String {
    let mut s = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"40\" viewBox=\"0 0 60 40\"><rect width=\"60\" height=\"40\" fill=\"#003399\"/>",
    );
    for i in 0..12 {
        let a = f64::from(i) * std::f64::consts::PI / 6.0;
        let (cx, cy) = (30.0 + 13.3 * a.sin(), 20.0 - 13.3 * a.cos());
        let points: Vec<String> = (0..10)
            .map(|k| {
                let r = if k % 2 == 0 { 2.2 } else { 0.9 };
                let t = f64::from(k) * std::f64::consts::PI / 5.0;
                format!("{:.2},{:.2}", cx + r * t.sin(), cy - r * t.cos())
            })
            .collect();
        let _ = write!(s, "<polygon points=\"{}\" fill=\"#FFCC00\"/>", points.join(" "));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::markup;

    #[test]
    fn renders_escaped_typed_cells() {
        let d = markup::parse(
            r#"<document title="A &amp; B" header="h" footer="f" watermark="DRAFT">
                <table name="t"><col label="x"/><col label="y" align="right"/>
                  <tr><td>&lt;script&gt;</td><td type="status">off_track</td></tr>
                  <tr kind="total"><td>Total</td><td type="money" currency="USD">123456</td></tr></table>
                <eu-emblem/></document>"#,
        )
        .unwrap();
        let html = String::from_utf8(render(&d)).unwrap();
        assert!(html.contains("<title>A &amp; B</title>"));
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("class=\"off_track\">Off track"));
        assert!(html.contains("1,234.56 USD"));
        assert!(html.contains("DRAFT") && html.contains("Funded by the European Union"));
        assert_eq!(html.matches("<polygon").count(), 12, "twelve stars");
    }
}
