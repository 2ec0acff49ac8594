//! Reads a PDF back for the tests: each page's content stream is decoded with lopdf and the
//! glyph codes of every `Tj`/`TJ` are mapped back to text through the font's `/ToUnicode` CMap.

use std::collections::HashMap;

use lopdf::{Object, content::Content};

/// A string drawn on a page, at its text line's origin (PDF coordinates, from `Tm` and `Td`).
#[derive(Debug, Clone)]
pub struct Run {
    pub text: String,
    pub x: f32,
    pub y: f32,
    /// Whether the text matrix rotates (the watermark).
    pub rotated: bool,
    /// The font size (`Tf`) and whether the font is a bold face.
    pub size: f32,
    pub bold: bool,
}

impl Run {
    /// A heading of the PDF renderer: bold and 11 pt or larger (body text is 9.5 pt, table
    /// text 8 pt, captions 9 pt and chart titles 10 pt).
    pub fn is_heading(&self) -> bool {
        self.bold && self.size >= 10.9
    }
}

#[derive(Debug)]
pub struct PageText {
    pub width: f32,
    pub height: f32,
    pub runs: Vec<Run>,
    /// The content stream's operators, for the drawing checks.
    pub operators: Vec<(String, Vec<f32>)>,
}

impl PageText {
    /// The page's upright text in drawing order, one run after another, spaces collapsed.
    pub fn text(&self) -> String {
        normalize(&self.runs.iter().filter(|r| !r.rotated).map(|r| r.text.as_str()).collect::<Vec<_>>().join(" "))
    }
}

/// The page margin of the renderer (18 mm): the header and footer lie outside it.
const CONTENT_MARGIN: f32 = 51.0;

impl PageText {
    /// The upright runs of the content area: not the header, the footer ("page X of Y") or
    /// the watermark.
    pub fn body(&self) -> Vec<&Run> {
        self.runs
            .iter()
            .filter(|r| !r.rotated && r.y > CONTENT_MARGIN && r.y < self.height - CONTENT_MARGIN)
            .filter(|r| !r.text.trim().is_empty())
            .collect()
    }

    pub fn landscape(&self) -> bool {
        self.width > self.height
    }
}

/// What a reader of the document would send back, page by page (empty when none):
/// - a blank page (nothing between header and footer);
/// - a page that holds only headings;
/// - a page that ends with a heading (the lowest line of its content area is a heading);
/// - a word of `header_words` (the column labels) split across lines, e.g. "Baselin" then
///   "e" on the next line;
/// - a number, amount or percentage wrapped: a line ending in a digit followed, on the next
///   line and further right, by a lone "%" or currency code ("100.0" / "%");
/// - a portrait page before a landscape page that opens with a table, holding only a short
///   run of text (headings, paragraphs: nothing smaller than body text) in the top quarter of
///   its content area: a lead-in that should have gone on the landscape page with its table.
pub fn layout_defects(pages: &[PageText], header_words: &[String]) -> Vec<String> {
    let words: Vec<&str> = header_words.iter().map(String::as_str).filter(|w| w.chars().count() >= 3).collect();
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let n = i + 1;
        let body = p.body();
        if body.is_empty() {
            out.push(format!("page {n} is blank"));
            continue;
        }
        if body.iter().all(|r| r.is_heading()) {
            let texts: Vec<&str> = body.iter().map(|r| r.text.as_str()).collect();
            out.push(format!("page {n} holds only a heading: {texts:?}"));
        }
        let lowest = body.iter().min_by(|a, b| a.y.total_cmp(&b.y)).unwrap();
        if lowest.is_heading() && !body.iter().all(|r| r.is_heading()) {
            out.push(format!("page {n} ends with the heading {:?}", lowest.text));
        }
        // A landscape page that opens with a table (its first line below any headings is
        // table text, smaller than body text).
        let table_next = pages.get(i + 1).filter(|n| n.landscape()).is_some_and(|n| {
            let mut runs = n.body();
            runs.sort_by(|a, b| b.y.total_cmp(&a.y));
            runs.iter().find(|r| !r.is_heading()).is_some_and(|r| r.size < 9.4)
        });
        let top_quarter = p.height - CONTENT_MARGIN - (p.height - 2.0 * CONTENT_MARGIN) / 4.0;
        if table_next && !p.landscape() && body.iter().all(|r| r.size >= 9.4) && lowest.y > top_quarter {
            out.push(format!("page {n} holds only a short lead-in before a landscape table: {:?}", lowest.text));
        }
        for w in body.windows(2) {
            let (a, b) = (w[0], w[1]);
            if b.y >= a.y - 1.0 {
                continue;
            }
            let (Some(last), Some(first)) = (a.text.split_whitespace().last(), b.text.split_whitespace().next()) else {
                continue;
            };
            for word in &words {
                let split =
                    word.char_indices().skip(1).any(|(k, _)| last == &word[..k] && word[k..].starts_with(first));
                if split {
                    out.push(format!("page {n}: the header word {word:?} is split: {:?} / {:?}", a.text, b.text));
                }
            }
            let unit = b.text == "%" || (b.text.len() == 3 && b.text.chars().all(|c| c.is_ascii_uppercase()));
            if unit && last.ends_with(|c: char| c.is_ascii_digit()) && b.x > a.x {
                out.push(format!("page {n}: a figure wraps: {:?} / {:?}", a.text, b.text));
            }
        }
    }
    out
}

/// The words of column labels: what a header cell must never split.
pub fn label_words<'a>(labels: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut words: Vec<String> = labels.into_iter().flat_map(str::split_whitespace).map(str::to_string).collect();
    words.sort();
    words.dedup();
    words
}

pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `<code> <unicode>` pairs of a ToUnicode CMap (bfchar and bfrange sections).
pub fn parse_to_unicode(cmap: &str) -> HashMap<u16, String> {
    fn hex_to_string(h: &str) -> String {
        let units: Vec<u16> =
            (0..h.len() / 4).map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).unwrap()).collect();
        String::from_utf16_lossy(&units)
    }
    let mut map = HashMap::new();
    let mut section = "";
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            section = "char";
            continue;
        }
        if line.ends_with("beginbfrange") {
            section = "range";
            continue;
        }
        if line.starts_with("end") {
            section = "";
            continue;
        }
        let hexes: Vec<&str> =
            line.split(['<', '>']).map(str::trim).filter(|s| !s.is_empty() && !s.contains(' ')).collect();
        match (section, hexes.as_slice()) {
            ("char", [code, uni]) => {
                map.insert(u16::from_str_radix(code, 16).unwrap(), hex_to_string(uni));
            }
            ("range", [lo, hi, start]) => {
                let (lo, hi) = (u16::from_str_radix(lo, 16).unwrap(), u16::from_str_radix(hi, 16).unwrap());
                let start = u32::from_str_radix(start, 16).unwrap();
                for (i, code) in (lo..=hi).enumerate() {
                    map.insert(code, char::from_u32(start + i as u32).unwrap().to_string());
                }
            }
            _ => {}
        }
    }
    map
}

pub fn number(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// Every page's text runs, decoded through the fonts' ToUnicode CMaps.
pub fn read_pdf(bytes: &[u8]) -> Vec<PageText> {
    let pdf = lopdf::Document::load_mem(bytes).expect("a valid PDF");
    let mut out = Vec::new();
    for (_, page_id) in pdf.get_pages() {
        let page = pdf.get_dictionary(page_id).unwrap();
        let media: Vec<f32> = page.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(number).collect();
        let mut cmaps: HashMap<Vec<u8>, (HashMap<u16, String>, bool)> = HashMap::new();
        for (name, font) in pdf.get_page_fonts(page_id).unwrap() {
            let bold = font
                .get(b"BaseFont")
                .ok()
                .and_then(|b| b.as_name().ok())
                .is_some_and(|n| String::from_utf8_lossy(n).contains("Bold"));
            let to_unicode = font.get(b"ToUnicode").expect("every font has a ToUnicode CMap");
            let stream = pdf.get_object(to_unicode.as_reference().unwrap()).unwrap().as_stream().unwrap();
            let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            cmaps.insert(name, (parse_to_unicode(&String::from_utf8_lossy(&data)), bold));
        }
        let content = Content::decode(&pdf.get_page_content(page_id)).unwrap();
        let mut font: Option<&(HashMap<u16, String>, bool)> = None;
        let mut size = 0.0;
        let (mut x, mut y, mut rotated) = (0.0, 0.0, false);
        let mut runs = Vec::new();
        let mut operators = Vec::new();
        for op in &content.operations {
            operators.push((op.operator.clone(), op.operands.iter().map(number).collect()));
            match op.operator.as_str() {
                "Tf" => {
                    font = cmaps.get(op.operands[0].as_name().unwrap());
                    size = number(&op.operands[1]);
                }
                "BT" => (x, y, rotated) = (0.0, 0.0, false),
                "Tm" => {
                    let m: Vec<f32> = op.operands.iter().map(number).collect();
                    (x, y, rotated) = (m[4], m[5], m[1].abs() > 1e-3);
                }
                "Td" => (x, y) = (x + number(&op.operands[0]), y + number(&op.operands[1])),
                "Tj" | "TJ" => {
                    let strings: Vec<&Object> = match &op.operands[0] {
                        Object::Array(a) => a.iter().collect(),
                        o => vec![o],
                    };
                    let (map, bold) = font.expect("a font is set before text");
                    let mut text = String::new();
                    for s in strings {
                        if let Object::String(bytes, _) = s {
                            for pair in bytes.chunks(2) {
                                let code = u16::from_be_bytes([pair[0], pair[1]]);
                                text.push_str(map.get(&code).map_or("\u{FFFD}", String::as_str));
                            }
                        }
                    }
                    runs.push(Run { text, x, y, rotated, size, bold: *bold });
                }
                _ => {}
            }
        }
        out.push(PageText { width: media[2] - media[0], height: media[3] - media[1], runs, operators });
    }
    out
}

pub fn all_text(pages: &[PageText]) -> String {
    pages.iter().map(PageText::text).collect::<Vec<_>>().join(" ")
}

/// A PDF text string: UTF-16BE with its byte order mark, else PDFDocEncoding (ASCII here).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(b) => String::from_utf16_lossy(&b.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>()),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The document information's `/Title` and the catalog's `/Lang`.
pub fn title_and_lang(bytes: &[u8]) -> (Option<String>, Option<String>) {
    let pdf = lopdf::Document::load_mem(bytes).expect("a valid PDF");
    let string = |dict: &lopdf::Dictionary, key: &[u8]| match dict.get(key) {
        Ok(Object::String(s, _)) => Some(text_string(s)),
        _ => None,
    };
    let info =
        pdf.trailer.get(b"Info").ok().and_then(|o| o.as_reference().ok()).and_then(|r| pdf.get_dictionary(r).ok());
    let catalog = pdf.catalog().ok();
    (info.and_then(|d| string(d, b"Title")), catalog.and_then(|d| string(d, b"Lang")))
}
