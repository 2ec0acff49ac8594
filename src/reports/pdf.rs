//! PDF renderer: lays a [`Document`] out ourselves and writes it with printpdf's low-level
//! operations (printpdf's own HTML layout is not used, see DESIGN.md, Reports).
//!
//! How a document is laid out:
//! - A4 portrait, margins of 18 mm. The header (`Document::header`) sits in the top margin
//!   and the footer (`Document::footer`, then "page X of Y" at the right) in the bottom one,
//!   on every page. Pages are laid out first and decorated after, when Y is known.
//! - Text is DejaVu Sans (regular and bold, embedded and subset), wrapped at spaces by the
//!   measured glyph advances; a word longer than the line is cut between characters.
//! - Orientation: `PageBreak { landscape: Some(b) }` sets the orientation of the pages that
//!   follow (the document's orientation); `None` keeps it. A table with `landscape: true`
//!   met on a portrait page starts a new landscape page (or turns the current page if it is
//!   still empty), and all pages it continues on are landscape. Whatever follows the table
//!   goes on below it on that page; the next page started (by a page break or by overflow)
//!   has the document's orientation again. A table always keeps the orientation of the page
//!   it starts on, so its columns line up on every page.
//! - Tables: column widths are the `Column::width` proportions of the usable width; numbers,
//!   money and percentages are right-aligned, other cells follow their column; status cells
//!   are tinted (on track green, needs attention amber, off track red, no data / not rated
//!   grey). A row never splits across pages: one that does not fit starts the next page, and
//!   the header rows are repeated at the top of each page the table continues on. A table
//!   without header rows gets one from the column labels. Group rows are shaded, subtotal
//!   and total rows bold with a rule above. The only exception to "rows never split": a row
//!   taller than a whole page is cut to what fits and ends with "…".
//! - A heading is kept with the start of what follows it; a group row with the next row.
//! - `Document::title` is the PDF's title (metadata); the template prints it as a heading.
//! - Bar charts and the EU emblem are drawn in vector (see `pdf/chart.rs`); the watermark is
//!   large light-grey text across every page, under the content.

mod chart;
mod fonts;
mod page;
mod table;

use printpdf::{PdfDocument, PdfParseErrorSeverity, PdfSaveOptions};

use self::fonts::Fonts;
use self::page::{FontIds, Page, Rgb};
use super::document::{Block, Document, Locale};

/// Why a PDF could not be made: the embedded font failed to load, or printpdf reported an
/// error while writing (a bug or a build problem, never the document's content).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("PDF rendering failed: {0}")]
pub struct PdfError(pub String);

/// Renders `doc` as a PDF file.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::fonts().map_err(PdfError)?;
    let mut pdf = PdfDocument::new(&doc.title);
    let ids = FontIds { regular: pdf.add_font(&fonts.regular.parsed), bold: pdf.add_font(&fonts.bold.parsed) };

    let mut layout = Layout::new(fonts, &ids, &doc.locale);
    for (i, block) in doc.blocks.iter().enumerate() {
        layout.block(block, doc.blocks.get(i + 1));
    }
    let pages = layout.finish(doc);

    let mut warnings = Vec::new();
    let bytes = pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings);
    // printpdf reports what it could not do (a font it could not embed, text outside a text
    // section) as errors but still writes a file: such a file is not one we hand out.
    let errors: Vec<&str> =
        warnings.iter().filter(|w| w.severity == PdfParseErrorSeverity::Error).map(|w| w.msg.as_str()).collect();
    if !errors.is_empty() {
        return Err(PdfError(errors.join("; ")));
    }
    Ok(bytes)
}

/// The page margin on every side, 18 mm.
const MARGIN: f32 = 51.02;
const BODY_SIZE: f32 = 9.5;
const BODY_LEADING: f32 = 13.0;
const PARAGRAPH_GAP: f32 = 6.0;
const HEADING_SIZES: [f32; 3] = [16.0, 13.0, 11.0];
const HEADING_SPACE_BEFORE: [f32; 3] = [10.0, 9.0, 7.0];
const HEADING_SPACE_AFTER: f32 = 5.0;
/// Space a heading wants below it on its page for a following paragraph or list (two lines
/// and a bit), so it is not left alone at the bottom of a page.
const KEEP_WITH_NEXT: f32 = 2.5 * BODY_LEADING;
const LIST_INDENT: f32 = 16.0;
const LIST_ITEM_GAP: f32 = 2.0;
const MARGIN_TEXT_SIZE: f32 = 8.0;

pub(crate) const TEXT: Rgb = [0.1, 0.1, 0.12];
pub(crate) const MUTED: Rgb = [0.4, 0.4, 0.43];
const HEADING: Rgb = [0.0, 0.2, 0.4];
const WATERMARK: Rgb = [0.83, 0.83, 0.83];
const MARGIN_RULE: Rgb = [0.7, 0.7, 0.7];

/// Where a line of text set at `size` in a line box of height `leading` starting at `top`
/// has its baseline: the capitals are centred in the box.
pub(crate) fn baseline(top: f32, leading: f32, size: f32) -> f32 {
    top + leading / 2.0 + 0.36 * size
}

/// The layout state: the pages so far and the cursor on the last one.
pub(crate) struct Layout<'a> {
    pub fonts: &'static Fonts,
    pub ids: &'a FontIds,
    pub pages: Vec<Page>,
    /// Orientation of new pages (set by `PageBreak { landscape: Some(_) }`).
    pub landscape: bool,
    /// Cursor: top of the free space on the current page, in pt from the top edge.
    pub y: f32,
    /// Scratch buffer for wrapped lines.
    pub lines: Vec<(usize, usize)>,
    /// How the report's language writes numbers, money, dates and statuses in table cells.
    pub locale: &'a Locale,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'static Fonts, ids: &'a FontIds, locale: &'a Locale) -> Self {
        Layout { fonts, ids, pages: vec![Page::new(false)], landscape: false, y: MARGIN, lines: Vec::new(), locale }
    }

    pub fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    pub fn current(&self) -> &Page {
        self.pages.last().expect("there is always a page")
    }

    pub fn left(&self) -> f32 {
        MARGIN
    }

    pub fn width(&self) -> f32 {
        self.current().width - 2.0 * MARGIN
    }

    pub fn bottom(&self) -> f32 {
        self.current().height - MARGIN
    }

    /// Height of the content area of the current page.
    pub fn page_capacity(&self) -> f32 {
        self.bottom() - MARGIN
    }

    pub fn at_page_top(&self) -> bool {
        !self.current().used
    }

    /// Starts a new page of the given orientation; an unused current page is reused.
    pub fn new_page(&mut self, landscape: bool) {
        if self.current().used {
            self.pages.push(Page::new(landscape));
        } else if self.current().landscape != landscape {
            *self.page() = Page::new(landscape);
        }
        self.y = MARGIN;
    }

    /// Makes sure `h` pt fit below the cursor, starting a new page (of the document's
    /// orientation) if not. What is taller than a whole page starts at the top of a page.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() + 0.01 && self.current().used {
            self.new_page(self.landscape);
        }
    }

    fn block(&mut self, block: &Block, next: Option<&Block>) {
        match block {
            Block::Heading { level, text } => self.heading(*level, text, next),
            Block::Paragraph(text) => {
                self.paragraph(text, self.left(), self.width(), None);
                self.y += PARAGRAPH_GAP;
            }
            Block::List { ordered, items } => self.list(*ordered, items),
            Block::Table(t) => table::table(self, t),
            Block::PageBreak { landscape } => {
                if let Some(l) = landscape {
                    self.landscape = *l;
                }
                self.new_page(self.landscape);
            }
            Block::BarChart(c) => chart::bar_chart(self, c),
            Block::EuEmblem { caption } => chart::eu_emblem(self, caption),
        }
    }

    /// A heading, kept on one page with the start of the block after it (`next`). A heading
    /// before a landscape table goes on the table's first (landscape) page.
    fn heading(&mut self, level: u8, text: &str, next: Option<&Block>) {
        let i = usize::from(level.clamp(1, 3) - 1);
        let size = HEADING_SIZES[i];
        let leading = size * 1.3;
        if let Some(Block::Table(t)) = next
            && t.landscape
            && !self.current().landscape
        {
            self.new_page(true);
        }
        let follow = match next {
            Some(Block::Table(t)) => table::start_height(self, t),
            Some(Block::BarChart(_)) => chart::START_HEIGHT,
            Some(Block::EuEmblem { .. }) => chart::FLAG_HEIGHT + 6.0,
            Some(Block::Paragraph(_) | Block::List { .. }) => KEEP_WITH_NEXT,
            _ => 0.0,
        };
        self.fonts.bold.wrap(text, size, self.width(), &mut self.lines);
        let h = self.lines.len() as f32 * leading;
        if !self.at_page_top() {
            self.y += HEADING_SPACE_BEFORE[i];
        }
        self.ensure(h + HEADING_SPACE_AFTER + follow.min(self.page_capacity() / 3.0));
        let lines = std::mem::take(&mut self.lines);
        let (x, ids) = (self.left(), self.ids);
        for &(s, e) in &lines {
            let b = baseline(self.y, leading, size);
            self.page().text(ids, x, b, &text[s..e], true, size, HEADING);
            self.y += leading;
        }
        self.lines = lines;
        self.y += HEADING_SPACE_AFTER;
    }

    /// A wrapped paragraph at `x`, `width` wide, breaking across pages between lines. With a
    /// `marker`, that string is drawn left of the first line (list bullets and numbers).
    fn paragraph(&mut self, text: &str, x: f32, width: f32, marker: Option<(&str, f32)>) {
        self.fonts.regular.wrap(text, BODY_SIZE, width, &mut self.lines);
        let lines = std::mem::take(&mut self.lines);
        let ids = self.ids;
        for (n, &(s, e)) in lines.iter().enumerate() {
            self.ensure(BODY_LEADING);
            let b = baseline(self.y, BODY_LEADING, BODY_SIZE);
            if n == 0
                && let Some((m, mx)) = marker
            {
                self.page().text(ids, mx, b, m, false, BODY_SIZE, TEXT);
            }
            self.page().text(ids, x, b, &text[s..e], false, BODY_SIZE, TEXT);
            self.y += BODY_LEADING;
        }
        self.lines = lines;
    }

    fn list(&mut self, ordered: bool, items: &[String]) {
        let (left, width) = (self.left(), self.width());
        let mut marker = String::new();
        for (i, item) in items.iter().enumerate() {
            marker.clear();
            if ordered {
                marker.push_str(&(i + 1).to_string());
                marker.push('.');
            } else {
                marker.push('•');
            }
            let mw = self.fonts.regular.width(&marker, BODY_SIZE);
            let mx = left + LIST_INDENT - 4.0 - mw;
            self.paragraph(item, left + LIST_INDENT, width - LIST_INDENT, Some((&marker, mx)));
            self.y += LIST_ITEM_GAP;
        }
        self.y += PARAGRAPH_GAP - LIST_ITEM_GAP;
    }

    /// Decorates every page (watermark, header, footer with "page X of Y") and hands the
    /// pages to printpdf.
    fn finish(self, doc: &Document) -> Vec<printpdf::PdfPage> {
        let Layout { fonts, ids, pages, .. } = self;
        let total = pages.len();
        pages
            .into_iter()
            .enumerate()
            .map(|(i, mut page)| {
                if let Some(w) = doc.watermark.as_deref().filter(|w| !w.trim().is_empty()) {
                    watermark(fonts, ids, &mut page, w);
                }
                let (left, right) = (MARGIN, page.width - MARGIN);
                let header = doc.header.trim();
                if !header.is_empty() {
                    let b = MARGIN - 18.0;
                    let text = fit(fonts, header, right - left);
                    page.text(ids, left, b, &text, false, MARGIN_TEXT_SIZE, MUTED);
                    page.line(left, MARGIN - 12.0, right, MARGIN - 12.0, RULE_THIN);
                }
                let label = doc.locale.page(i + 1, total);
                let lw = fonts.regular.width(&label, MARGIN_TEXT_SIZE);
                let b = page.height - MARGIN + 24.0;
                page.line(left, page.height - MARGIN + 12.0, right, page.height - MARGIN + 12.0, RULE_THIN);
                page.text(ids, right - lw, b, &label, false, MARGIN_TEXT_SIZE, MUTED);
                let footer = doc.footer.trim();
                if !footer.is_empty() {
                    let text = fit(fonts, footer, right - left - lw - 12.0);
                    page.text(ids, left, b, &text, false, MARGIN_TEXT_SIZE, MUTED);
                }
                page.finish()
            })
            .collect()
    }
}

const RULE_THIN: page::Stroke = page::Stroke { width: 0.4, color: MARGIN_RULE, dashed: false };

/// `s` shortened with "…" to fit `max` pt on one line at the margin text size.
fn fit(fonts: &Fonts, s: &str, max: f32) -> String {
    let face = &fonts.regular;
    let s = s.replace(['\n', '\r', '\t'], " ");
    if face.width(&s, MARGIN_TEXT_SIZE) <= max {
        return s;
    }
    let budget = max - face.width("…", MARGIN_TEXT_SIZE);
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        let mut buf = [0u8; 4];
        let cw = face.width(c.encode_utf8(&mut buf), MARGIN_TEXT_SIZE);
        if w + cw > budget {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// Large light-grey text along the page's diagonal, centred.
fn watermark(fonts: &Fonts, ids: &FontIds, page: &mut Page, text: &str) {
    let text = text.trim();
    let (w, h) = (page.width, page.height);
    let diagonal = (w * w + h * h).sqrt();
    let at_1pt = fonts.bold.width(text, 1.0).max(0.01);
    let size = (0.75 * diagonal / at_1pt).min(110.0);
    let angle = h.atan2(w);
    let (sin, cos) = angle.sin_cos();
    let (tw, cap) = (at_1pt * size, 0.73 * size);
    // Start of the baseline so that the text's middle (half its width, half its capitals)
    // falls on the page centre.
    let x = w / 2.0 - tw / 2.0 * cos + cap / 2.0 * sin;
    let y = h / 2.0 - tw / 2.0 * sin - cap / 2.0 * cos;
    page.underlay_text(ids, x, y, angle, text, size, WATERMARK);
}
