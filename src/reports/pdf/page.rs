//! One page being laid out: drawing primitives in top-down coordinates (pt from the top-left
//! corner), turned into printpdf operations in the order a PDF needs them: watermark, fills,
//! strokes (batched into one path per line style), then one text section with every string.

use printpdf::{
    Color, FontId, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, PdfPage, Point, Polygon, PolygonRing, Pt,
    Rect, Rgb as PdfRgb, TextItem, TextMatrix, WindingOrder,
};

/// A colour as red, green, blue in 0..=1.
pub(crate) type Rgb = [f32; 3];

/// A4 in pt.
pub(crate) const A4_SHORT: f32 = 595.2756;
pub(crate) const A4_LONG: f32 = 841.8898;

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Stroke {
    pub width: f32,
    pub color: Rgb,
    pub dashed: bool,
}

/// The two font faces of a document, as registered with printpdf.
pub(crate) struct FontIds {
    pub regular: FontId,
    pub bold: FontId,
}

pub(crate) struct Page {
    pub landscape: bool,
    pub width: f32,
    pub height: f32,
    /// Whether any content (not counting header, footer, watermark) was placed.
    pub used: bool,
    underlay: Vec<Op>,
    fills: Vec<Op>,
    fill_color: Option<Rgb>,
    strokes: Vec<(Stroke, Vec<PolygonRing>)>,
    text: Vec<Op>,
    text_font: Option<(bool, f32)>,
    text_color: Option<Rgb>,
    /// Start of the current text line in the text section, in hundredths of a pt: strings are
    /// placed with relative `Td` moves (shorter than a `Tm` per string).
    text_origin: (i32, i32),
}

pub(crate) fn color(c: Rgb) -> Color {
    Color::Rgb(PdfRgb { r: c[0], g: c[1], b: c[2], icc_profile: None })
}

fn pt(x: f32, y: f32) -> LinePoint {
    LinePoint { p: Point { x: Pt(round(x)), y: Pt(round(y)) }, bezier: false }
}

impl Page {
    pub fn new(landscape: bool) -> Page {
        let (width, height) = if landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) };
        Page {
            landscape,
            width,
            height,
            used: false,
            underlay: Vec::new(),
            fills: Vec::new(),
            fill_color: None,
            strokes: Vec::new(),
            text: Vec::new(),
            text_font: None,
            text_color: None,
            text_origin: (0, 0),
        }
    }

    fn set_fill(&mut self, c: Rgb) {
        self.used = true;
        if self.fill_color != Some(c) {
            self.fills.push(Op::SetFillColor { col: color(c) });
            self.fill_color = Some(c);
        }
    }

    /// A filled rectangle; `y` is its top edge.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgb) {
        if ![x, y, w, h].iter().all(|v| v.is_finite()) {
            return;
        }
        self.set_fill(c);
        let mut rect = Rect::from_xywh(Pt(round(x)), Pt(round(self.height - y - h)), Pt(round(w)), Pt(round(h)));
        rect.mode = Some(PaintMode::Fill);
        rect.winding_order = Some(WindingOrder::NonZero);
        self.fills.push(Op::DrawRectangle { rectangle: rect });
    }

    /// A filled polygon through `points` (top-down coordinates).
    pub fn fill_polygon(&mut self, points: impl IntoIterator<Item = (f32, f32)>, c: Rgb) {
        self.set_fill(c);
        let h = self.height;
        let ring = PolygonRing { points: points.into_iter().map(|(x, y)| pt(x, h - y)).collect() };
        self.fills.push(Op::DrawPolygon {
            polygon: Polygon { rings: vec![ring], mode: PaintMode::Fill, winding_order: WindingOrder::NonZero },
        });
    }

    /// A straight line segment. Segments of one style are drawn as one path.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, style: Stroke) {
        if ![x1, y1, x2, y2].iter().all(|v| v.is_finite()) {
            return;
        }
        self.used = true;
        let ring = PolygonRing { points: vec![pt(x1, self.height - y1), pt(x2, self.height - y2)] };
        match self.strokes.iter_mut().find(|(s, _)| *s == style) {
            Some((_, rings)) => rings.push(ring),
            None => self.strokes.push((style, vec![ring])),
        }
    }

    fn set_text_style(&mut self, fonts: &FontIds, bold: bool, size: f32, c: Rgb) {
        self.used = true;
        if self.text_font != Some((bold, size)) {
            let id = if bold { &fonts.bold } else { &fonts.regular };
            self.text.push(Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(size) });
            self.text_font = Some((bold, size));
        }
        if self.text_color != Some(c) {
            self.text.push(Op::SetFillColor { col: color(c) });
            self.text_color = Some(c);
        }
    }

    /// A string with its baseline's left end at (`x`, `baseline`).
    #[allow(clippy::too_many_arguments)]
    pub fn text(&mut self, fonts: &FontIds, x: f32, baseline: f32, s: &str, bold: bool, size: f32, c: Rgb) {
        if s.trim().is_empty() || !x.is_finite() || !baseline.is_finite() {
            return;
        }
        self.set_text_style(fonts, bold, size, c);
        let to = (hundredths(x), hundredths(self.height - baseline));
        let (dx, dy) = (to.0 - self.text_origin.0, to.1 - self.text_origin.1);
        self.text_origin = to;
        self.text.push(Op::SetTextCursor { pos: Point { x: Pt(dx as f32 / 100.0), y: Pt(dy as f32 / 100.0) } });
        self.text.push(Op::ShowText { items: vec![TextItem::Text(printable(s))] });
    }

    /// A string drawn under everything else, rotated by `angle` radians counter-clockwise
    /// around its baseline start (`x`, `y` in PDF coordinates: from the bottom-left corner).
    #[allow(clippy::too_many_arguments)]
    pub fn underlay_text(&mut self, fonts: &FontIds, x: f32, y: f32, angle: f32, s: &str, size: f32, c: Rgb) {
        let (sin, cos) = angle.sin_cos();
        self.underlay.extend([
            Op::SaveGraphicsState,
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(fonts.bold.clone()), size: Pt(size) },
            Op::SetFillColor { col: color(c) },
            Op::SetTextMatrix { matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]) },
            Op::ShowText { items: vec![TextItem::Text(printable(s))] },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
    }

    /// The printpdf page: watermark, fills, strokes, then the text section.
    pub fn finish(self) -> PdfPage {
        let mut ops = self.underlay;
        ops.reserve(self.fills.len() + self.strokes.len() * 5 + self.text.len() + 4);
        ops.extend(self.fills);
        if !self.strokes.is_empty() {
            ops.push(Op::SaveGraphicsState);
            for (style, rings) in self.strokes {
                ops.push(Op::SetOutlineColor { col: color(style.color) });
                ops.push(Op::SetOutlineThickness { pt: Pt(style.width) });
                ops.push(Op::SetLineDashPattern {
                    dash: if style.dashed { LineDashPattern::new(0.0, &[3.0, 2.0]) } else { LineDashPattern::solid() },
                });
                ops.push(Op::DrawPolygon {
                    polygon: Polygon { rings, mode: PaintMode::Stroke, winding_order: WindingOrder::NonZero },
                });
            }
            ops.push(Op::RestoreGraphicsState);
        }
        if !self.text.is_empty() {
            ops.push(Op::StartTextSection);
            ops.extend(self.text);
            ops.push(Op::EndTextSection);
        }
        let mm = |pt: f32| printpdf::Mm(pt / 2.834_646);
        let mut page = PdfPage::new(mm(self.width), mm(self.height), ops);
        // Exact A4 boxes (the mm round trip would leave them a hair off).
        for b in [&mut page.media_box, &mut page.trim_box, &mut page.crop_box] {
            *b = Rect::from_wh(Pt(self.width), Pt(self.height));
        }
        page
    }
}

/// `v` pt in hundredths of a pt, the precision positions are written with.
fn hundredths(v: f32) -> i32 {
    (v * 100.0).round() as i32
}

/// `v` rounded to a hundredth of a pt (short numbers in the content stream).
fn round(v: f32) -> f32 {
    hundredths(v) as f32 / 100.0
}

/// `s` with control characters (tabs, stray line breaks) shown as spaces: the font has no
/// glyph for them, and a viewer would draw a box.
fn printable(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
    } else {
        s.to_owned()
    }
}
