//! PDF renderer: lays a [`Document`] out ourselves and writes it with printpdf's low-level
//! operations (printpdf's own HTML layout is not used, see DESIGN.md, Reports).
//!
//! How a document is laid out:
//! - A4 portrait, margins of 18 mm. The header (`Document::header`) sits in the top margin
//!   and the footer (`Document::footer`, then "page X of Y" at the right) in the bottom one,
//!   on every page. Pages are laid out first and decorated after, when Y is known.
//! - Text is DejaVu Sans (regular and bold, embedded and subset), wrapped at spaces by the
//!   measured glyph advances; in body text a word longer than the whole line (a URL) is cut
//!   between characters, as nothing else fits.
//! - Orientation: `PageBreak { landscape: Some(b) }` sets the orientation of the pages that
//!   follow (the document's orientation); `None` keeps it. A table with `landscape: true`
//!   met on a portrait page starts a new landscape page (or turns the current page if it is
//!   still empty), and all pages it continues on are landscape. Whatever follows the table
//!   goes on below it on that page; the next page started (by a page break or by overflow)
//!   has the document's orientation again. A table always keeps the orientation of the page
//!   it starts on, so its columns line up on every page.
//! - Lead-in of a landscape table: the short run of text before it (the document's title and
//!   introduction, a section's headings and introductory paragraph) goes on the table's
//!   landscape page instead of staying behind on a nearly empty portrait page; the exact rule
//!   is on [`Layout::lead_in_turns_landscape`].
//! - Keep-with-next: a heading never ends a page. Headings are placed with the start of the
//!   block after them, on the page where that block starts (consecutive headings all move
//!   together, also to a landscape page a table turns to, and across a page break): a
//!   paragraph's or list item's first two lines; a table's caption, header rows and first
//!   two rows (with the group rows among them; one row when two would take over a third of a
//!   page); a chart's title, first two bars and axis; the EU emblem. A paragraph's first two
//!   lines always stay together, and a paragraph of at most two lines right before a table
//!   (its introduction) stays with the table's start.
//! - No empty page: starting a page on an unused one reuses it (turning it if need be), so a
//!   page break followed by an orientation change, or a table that needs a new page right
//!   after a page break, never leaves a blank page; a page break at the very end is dropped.
//! - Tables: column widths are the `Column::width` proportions of the usable width, adjusted
//!   to the content (see `pdf/table.rs`): a header or status cell wraps between words only
//!   and shrinks its font (to 6.5 pt at least) rather than split a word, its column widened
//!   when even that is not enough; a figure (number, money, percentage, date) never wraps:
//!   its column takes width from the text columns, else the figure shrinks. Numbers, money
//!   and percentages are right-aligned, other cells follow their column; status cells are
//!   tinted (on track green, needs attention amber, off track red, no data / not rated
//!   grey). A row never splits across pages: one that does not fit starts the next page, and
//!   the header rows are repeated at the top of each page the table continues on; when the
//!   page breaks inside a group (the rows after a group row, up to its subtotal), the group
//!   row follows the header again with " (continued)" after its label. A table without
//!   header rows gets one from the column labels. Group rows are shaded, subtotal and total
//!   rows bold with a rule above; a group row stays with the row after it. The only exception
//!   to "rows never split": a row taller than a whole page is cut to what fits and ends with
//!   "…".
//! - Metadata: `Document::title` is the PDF's title (document information, shown by viewers
//!   instead of the file name) and `Document::lang` its language (the catalog's `/Lang`);
//!   the template prints the title as a heading.
//! - Bar charts and the EU emblem are drawn in vector (see `pdf/chart.rs`); the watermark is
//!   large light-grey text across every page, under the content.

mod chart;
mod fonts;
mod page;
mod table;

use printpdf::{PdfDocument, PdfParseErrorSeverity, PdfSaveOptions};

use self::fonts::Fonts;
use self::page::{A4_LONG, A4_SHORT, FontIds, Page, Rgb};
use super::document::{Block, Document, Locale, Table};

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

    let continued = format!(" ({})", doc.locale.continued);
    let mut layout = Layout::new(fonts, &ids, &doc.locale, &continued);
    for (i, block) in doc.blocks.iter().enumerate() {
        if layout.lead_in_turns_landscape(&doc.blocks, i) {
            layout.new_page(true);
        }
        layout.block(block, doc.blocks.get(i + 1));
    }
    // Headings at the very end of the document have nothing to keep with.
    layout.place_pending();
    let pages = layout.finish(doc);

    let mut warnings = Vec::new();
    let mut out = pdf.with_pages(pages).to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    // printpdf reports what it could not do (a font it could not embed, text outside a text
    // section) as errors but still writes a file: such a file is not one we hand out.
    let errors: Vec<&str> =
        warnings.iter().filter(|w| w.severity == PdfParseErrorSeverity::Error).map(|w| w.msg.as_str()).collect();
    if !errors.is_empty() {
        return Err(PdfError(errors.join("; ")));
    }
    set_catalog_metadata(&mut out, &doc.locale.lang)?;
    // What printpdf's `save` does with the default options: compress, then write.
    out.compress();
    let mut bytes = Vec::new();
    out.save_to(&mut bytes).map_err(|e| PdfError(format!("cannot write the PDF: {e}")))?;
    Ok(bytes)
}

/// The catalog entries printpdf does not write: the document's language (`/Lang`, what
/// screen readers and search go by) and the viewer preference to show the title (set in the
/// document information by printpdf) instead of the file name.
fn set_catalog_metadata(pdf: &mut lopdf::Document, lang: &str) -> Result<(), PdfError> {
    let root = pdf
        .trailer
        .get(b"Root")
        .and_then(lopdf::Object::as_reference)
        .map_err(|e| PdfError(format!("the PDF has no catalog: {e}")))?;
    let catalog = pdf
        .get_object_mut(root)
        .and_then(lopdf::Object::as_dict_mut)
        .map_err(|e| PdfError(format!("the PDF has no catalog: {e}")))?;
    let lang = lang.trim();
    if !lang.is_empty() {
        catalog.set("Lang", lopdf::Object::string_literal(lang));
    }
    catalog.set("ViewerPreferences", lopdf::dictionary! { "DisplayDocTitle" => true });
    Ok(())
}

/// The page margin on every side, 18 mm.
const MARGIN: f32 = 51.02;
const BODY_SIZE: f32 = 9.5;
const BODY_LEADING: f32 = 13.0;
const PARAGRAPH_GAP: f32 = 6.0;
const HEADING_SIZES: [f32; 3] = [16.0, 13.0, 11.0];
const HEADING_SPACE_BEFORE: [f32; 3] = [10.0, 9.0, 7.0];
const HEADING_SPACE_AFTER: f32 = 5.0;
/// Lines of a paragraph or list item kept together at its start (and with a heading before it).
const KEEP_LINES: usize = 2;
/// A lead-in (see [`Layout::lead_in_turns_landscape`]) is short when it takes at most this
/// share of a landscape page's content height (a third of a portrait page's).
const LEAD_IN_SHARE: f32 = 0.5;
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

/// Size, leading and space before of a heading level (1 to 3; others are clamped).
fn heading_style(level: u8) -> (f32, f32, f32) {
    let i = usize::from(level.clamp(1, 3) - 1);
    (HEADING_SIZES[i], HEADING_SIZES[i] * 1.3, HEADING_SPACE_BEFORE[i])
}

fn is_text(block: &Block) -> bool {
    matches!(block, Block::Heading { .. } | Block::Paragraph(_) | Block::List { .. })
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
    /// Headings met but not placed yet: they go on the page where the next block starts
    /// (keep-with-next), placed by [`Layout::begin`] or [`Layout::place_pending`].
    pending: Vec<(u8, &'a str)>,
    /// " (continued)" in the document's language, for group rows on continuation pages.
    pub continued: &'a str,
    /// How the document's language writes figures.
    pub locale: &'a Locale,
    /// The column boundaries last fitted: the table (by address), the width, the boundaries.
    /// A table's columns are fitted to all its cells; a heading or paragraph before it asks
    /// for the same widths as the table itself.
    pub columns: std::cell::RefCell<Option<(usize, u32, Vec<f32>)>>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'static Fonts, ids: &'a FontIds, locale: &'a Locale, continued: &'a str) -> Self {
        Layout {
            fonts,
            ids,
            pages: vec![Page::new(false)],
            landscape: false,
            y: MARGIN,
            lines: Vec::new(),
            pending: Vec::new(),
            continued,
            locale,
            columns: std::cell::RefCell::new(None),
        }
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

    /// Whether nothing is on the current page yet (pending headings do not count).
    pub fn at_page_top(&self) -> bool {
        !self.current().used
    }

    /// Starts a new page of the given orientation; an unused current page is reused (turned
    /// if need be), so no page is ever left empty.
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

    /// Height the pending headings take at the cursor, `width` wide: each with its space
    /// before (but the first at the top of a page) and after.
    fn pending_height(&self, width: f32, at_top: bool) -> f32 {
        let mut lines = Vec::new();
        let mut h = 0.0;
        for (k, &(level, text)) in self.pending.iter().enumerate() {
            let (size, leading, before) = heading_style(level);
            if k > 0 || !at_top {
                h += before;
            }
            self.fonts.bold.wrap(text, size, width, &mut lines);
            h += lines.len() as f32 * leading + HEADING_SPACE_AFTER;
        }
        h
    }

    /// Whether the start of a block, `h` pt high after a gap of `gap` pt, fits below the
    /// cursor together with the pending headings. An empty page always fits: what is taller
    /// than a page starts at the top of one.
    pub fn start_fits(&self, h: f32, gap: f32) -> bool {
        if !self.current().used {
            return true;
        }
        self.y + self.pending_height(self.width(), false) + gap + h <= self.bottom() + 0.01
    }

    /// Places the pending headings at the cursor, then the gap before the block.
    pub fn start(&mut self, gap: f32) {
        self.place_pending();
        if !self.at_page_top() {
            self.y += gap;
        }
    }

    /// Starts a block whose first `h` pt must stay together, and with the headings before it:
    /// on this page if they fit, else on a new page (of the document's orientation).
    pub fn begin(&mut self, h: f32, gap: f32) {
        if !self.start_fits(h, gap) {
            self.new_page(self.landscape);
        }
        self.start(gap);
    }

    /// Draws the pending headings at the cursor.
    pub fn place_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let (x, ids) = (self.left(), self.ids);
        for &(level, text) in &pending {
            let (size, leading, before) = heading_style(level);
            if !self.at_page_top() {
                self.y += before;
            }
            self.fonts.bold.wrap(text, size, self.width(), &mut self.lines);
            let lines = std::mem::take(&mut self.lines);
            for &(s, e) in &lines {
                let b = baseline(self.y, leading, size);
                self.page().text(ids, x, b, &text[s..e], true, size, HEADING);
                self.y += leading;
            }
            self.lines = lines;
            self.y += HEADING_SPACE_AFTER;
        }
        self.pending = pending;
        self.pending.clear();
    }

    fn block(&mut self, block: &'a Block, next: Option<&Block>) {
        match block {
            // Placed with the start of what follows (keep-with-next).
            Block::Heading { level, text } => self.pending.push((*level, text)),
            Block::Paragraph(text) => {
                let keep = match next {
                    Some(Block::Table(t)) => self.intro_keep(text, t),
                    _ => 0.0,
                };
                self.paragraph(text, 0.0, None, keep);
                self.y += PARAGRAPH_GAP;
            }
            Block::List { ordered, items } => self.list(*ordered, items),
            Block::Table(t) => table::table(self, t),
            // Pending headings go on to the new page.
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

    /// The lead-in rule: a landscape table met on a portrait page starts a new landscape page,
    /// and the short run of text before it goes there with it rather than stay behind on a
    /// nearly empty portrait page (the IPTT's title and introduction, a section's heading and
    /// its introductory paragraph).
    ///
    /// The lead-in of a landscape table is the run of headings, paragraphs and lists right
    /// before it, starting either at the top of a page (nothing placed on it yet: the
    /// document's start, after a page break or an overflow) or, on a page that already has
    /// content, at the last run of headings before the table. It is short when, laid out at
    /// landscape width, it takes at most half the content height of a landscape page (about a
    /// third of a portrait page's, some 18 lines of body text) and the table's start
    /// (caption, header rows, first rows) fits below it. A short lead-in turns a page that is
    /// still empty to landscape, and on a page with content starts a new landscape page;
    /// then everything up to the table lands on the table's page. A longer lead-in stays where
    /// it is, and only the headings right before the table move with it (keep-with-next).
    ///
    /// Returns whether block `i` starts such a lead-in (and the page should turn landscape).
    fn lead_in_turns_landscape(&self, blocks: &[Block], i: usize) -> bool {
        if self.current().landscape || !is_text(&blocks[i]) {
            return false;
        }
        let is_heading = |b: &Block| matches!(b, Block::Heading { .. });
        let page_top = !self.current().used && self.pending.is_empty();
        let heading_run_start = is_heading(&blocks[i]) && (i == 0 || !is_heading(&blocks[i - 1]));
        if !page_top && !heading_run_start {
            return false;
        }
        let end = i + blocks[i..].iter().take_while(|b| is_text(b)).count();
        let Some(Block::Table(t)) = blocks.get(end) else { return false };
        if !t.landscape {
            return false;
        }
        if !page_top {
            // Only the last heading run before the table: no heading after its first text.
            let run = blocks[i..end].iter().take_while(|b| is_heading(b)).count();
            if blocks[i + run..end].iter().any(is_heading) {
                return false;
            }
        }
        let (width, capacity) = (A4_LONG - 2.0 * MARGIN, A4_SHORT - 2.0 * MARGIN);
        let mut h = 0.0;
        let mut lines = Vec::new();
        for (k, b) in blocks[i..end].iter().enumerate() {
            h += match b {
                Block::Heading { level, text } => {
                    let (size, leading, before) = heading_style(*level);
                    self.fonts.bold.wrap(text, size, width, &mut lines);
                    (if k > 0 { before } else { 0.0 }) + lines.len() as f32 * leading + HEADING_SPACE_AFTER
                }
                Block::Paragraph(text) => {
                    self.fonts.regular.wrap(text, BODY_SIZE, width, &mut lines);
                    lines.len() as f32 * BODY_LEADING + PARAGRAPH_GAP
                }
                Block::List { items, .. } => {
                    let mut list_h = PARAGRAPH_GAP - LIST_ITEM_GAP;
                    for item in items {
                        self.fonts.regular.wrap(item, BODY_SIZE, width - LIST_INDENT, &mut lines);
                        list_h += lines.len() as f32 * BODY_LEADING + LIST_ITEM_GAP;
                    }
                    list_h
                }
                _ => 0.0,
            };
            if h > capacity * LEAD_IN_SHARE {
                return false;
            }
        }
        h + table::GAP_BEFORE + table::start_height(self, t, width) <= capacity
    }

    /// What a paragraph right before table `t` keeps with below it: a short one (at most
    /// [`KEEP_LINES`] lines) introduces the table and stays with its start (caption, header
    /// rows, first rows), when the table starts on this page's orientation.
    fn intro_keep(&self, text: &str, t: &Table) -> f32 {
        if t.landscape && !self.current().landscape {
            return 0.0;
        }
        let mut lines = Vec::new();
        self.fonts.regular.wrap(text, BODY_SIZE, self.width(), &mut lines);
        if lines.len() > KEEP_LINES {
            return 0.0;
        }
        PARAGRAPH_GAP + table::GAP_BEFORE + table::start_height(self, t, self.width())
    }

    /// A wrapped paragraph, `indent` pt from the left margin, breaking across pages between
    /// lines; its first lines stay together (and with the headings before it, and with `keep`
    /// pt of what follows it when it is that short). Lines are wrapped to the width of the
    /// page they land on. With a `marker`, that string is drawn left of the first line (list
    /// bullets and numbers).
    fn paragraph(&mut self, text: &str, indent: f32, marker: Option<&str>, keep: f32) {
        let mut width = self.width() - indent;
        self.fonts.regular.wrap(text, BODY_SIZE, width, &mut self.lines);
        let first = self.lines.len().min(KEEP_LINES);
        let keep = if self.lines.len() <= KEEP_LINES { keep } else { 0.0 };
        self.begin(first as f32 * BODY_LEADING + keep, 0.0);
        let ids = self.ids;
        let x = self.left() + indent;
        let mut at = 0;
        let mut first = true;
        while at < text.len() || first {
            // The rest of the paragraph, wrapped to this page's width.
            width = self.width() - indent;
            let rest = &text[at..];
            self.fonts.regular.wrap(rest, BODY_SIZE, width, &mut self.lines);
            let lines = std::mem::take(&mut self.lines);
            let mut turned = false;
            for &(s, e) in &lines {
                self.ensure(BODY_LEADING);
                if (self.width() - indent - width).abs() > 0.01 {
                    // An overflow onto a page of the other orientation: wrap the rest anew.
                    at += s;
                    turned = true;
                    break;
                }
                let b = baseline(self.y, BODY_LEADING, BODY_SIZE);
                if first && let Some(m) = marker {
                    let mw = self.fonts.regular.width(m, BODY_SIZE);
                    self.page().text(ids, x - 4.0 - mw, b, m, false, BODY_SIZE, TEXT);
                }
                first = false;
                self.page().text(ids, x, b, &rest[s..e], false, BODY_SIZE, TEXT);
                self.y += BODY_LEADING;
            }
            self.lines = lines;
            if !turned {
                break;
            }
        }
    }

    fn list(&mut self, ordered: bool, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let mut marker = String::new();
        for (i, item) in items.iter().enumerate() {
            marker.clear();
            if ordered {
                marker.push_str(&(i + 1).to_string());
                marker.push('.');
            } else {
                marker.push('•');
            }
            self.paragraph(item, LIST_INDENT, Some(&marker), 0.0);
            self.y += LIST_ITEM_GAP;
        }
        self.y += PARAGRAPH_GAP - LIST_ITEM_GAP;
    }

    /// Decorates every page (watermark, header, footer with "page X of Y") and hands the
    /// pages to printpdf.
    fn finish(self, doc: &Document) -> Vec<printpdf::PdfPage> {
        let Layout { fonts, ids, mut pages, .. } = self;
        // `new_page` never leaves a page empty but the last (a page break at the very end):
        // drop it, keeping one page for an empty document.
        if pages.len() > 1 && !pages.last().is_some_and(|p| p.used) {
            pages.pop();
        }
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
