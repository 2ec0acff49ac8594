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
        let mut cmaps: HashMap<Vec<u8>, HashMap<u16, String>> = HashMap::new();
        for (name, font) in pdf.get_page_fonts(page_id).unwrap() {
            let to_unicode = font.get(b"ToUnicode").expect("every font has a ToUnicode CMap");
            let stream = pdf.get_object(to_unicode.as_reference().unwrap()).unwrap().as_stream().unwrap();
            let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            cmaps.insert(name, parse_to_unicode(&String::from_utf8_lossy(&data)));
        }
        let content = Content::decode(&pdf.get_page_content(page_id)).unwrap();
        let mut font: Option<&HashMap<u16, String>> = None;
        let (mut x, mut y, mut rotated) = (0.0, 0.0, false);
        let mut runs = Vec::new();
        let mut operators = Vec::new();
        for op in &content.operations {
            operators.push((op.operator.clone(), op.operands.iter().map(number).collect()));
            match op.operator.as_str() {
                "Tf" => font = cmaps.get(op.operands[0].as_name().unwrap()),
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
                    let map = font.expect("a font is set before text");
                    let mut text = String::new();
                    for s in strings {
                        if let Object::String(bytes, _) = s {
                            for pair in bytes.chunks(2) {
                                let code = u16::from_be_bytes([pair[0], pair[1]]);
                                text.push_str(map.get(&code).map_or("\u{FFFD}", String::as_str));
                            }
                        }
                    }
                    runs.push(Run { text, x, y, rotated });
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
