//! Tables: column widths fitted to header words and figures, wrapped cells, rows that never
//! split, header rows (and the label of a group that continues) repeated on every page, and a
//! grid whose lines are the same on every page.

use super::page::{Rgb, Stroke};
use super::{Layout, MARGIN, MUTED, TEXT, baseline};
use crate::reports::document::{self, Align, Cell, Column, RowKind, Table, Value};

const SIZE: f32 = 8.0;
const LEADING: f32 = 10.0;
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.5;
const CAPTION_SIZE: f32 = 9.0;
/// The smallest size a header cell shrinks to so that its longest word fits (a column too
/// narrow even for that is widened).
const HEADER_FLOOR: f32 = 6.5;
/// The smallest size a figure shrinks to when its column cannot be widened enough.
const FIGURE_FLOOR: f32 = 6.5;
const CAPTION_LEADING: f32 = 12.0;

const HEADER_BG: Rgb = [0.86, 0.89, 0.93];
const GROUP_BG: Rgb = [0.94, 0.95, 0.97];
const GRID: Stroke = Stroke { width: 0.4, color: [0.68, 0.7, 0.74], dashed: false };
const HEADER_RULE: Stroke = Stroke { width: 0.8, color: [0.25, 0.3, 0.4], dashed: false };
const SUBTOTAL_RULE: Stroke = Stroke { width: 0.7, color: [0.2, 0.2, 0.25], dashed: false };
const TOTAL_RULE: Stroke = Stroke { width: 1.2, color: [0.1, 0.1, 0.15], dashed: false };

/// Text colour and background tint of a status cell.
fn status_colors(code: &str) -> (Rgb, Rgb) {
    match code {
        "on_track" => ([0.0, 0.42, 0.18], [0.84, 0.94, 0.86]),
        "needs_attention" => ([0.55, 0.36, 0.0], [1.0, 0.92, 0.72]),
        "off_track" => ([0.68, 0.08, 0.08], [0.98, 0.84, 0.84]),
        _ => ([0.33, 0.33, 0.35], [0.9, 0.9, 0.91]),
    }
}

/// One cell of a row, measured.
struct CellBox {
    /// First column and one past the last.
    c0: usize,
    c1: usize,
    text: String,
    /// Its lines, a range of `RowBox::lines`.
    lines: (usize, usize),
    /// Font size and line height: `SIZE` and `LEADING` unless the cell had to shrink.
    size: f32,
    leading: f32,
    align: Align,
    color: Rgb,
    background: Option<Rgb>,
}

/// A measured row, reused from row to row to avoid allocating.
#[derive(Default)]
struct RowBox {
    cells: Vec<CellBox>,
    lines: Vec<(usize, usize)>,
    height: f32,
    bold: bool,
    kind: RowKind,
    header: bool,
}

/// The column grid of a table on its pages.
struct Grid {
    /// x of each column boundary, `columns + 1` of them.
    xs: Vec<f32>,
    /// For each boundary, the y where its current vertical line started.
    open: Vec<Option<f32>>,
    /// Scratch: which boundaries the current row has.
    present: Vec<bool>,
}

impl Grid {
    fn new(l: &Layout, t: &Table, headers: &[Vec<Cell>], columns: usize, width: f32) -> Grid {
        let key = (std::ptr::from_ref(t) as usize, width.to_bits());
        let cached = l.columns.borrow().as_ref().filter(|(t, w, _)| (*t, *w) == key).map(|(_, _, xs)| xs.clone());
        let xs = cached.unwrap_or_else(|| {
            let xs = column_xs(l, t, headers, columns, l.left(), width);
            *l.columns.borrow_mut() = Some((key.0, key.1, xs.clone()));
            xs
        });
        Grid { xs, open: vec![None; columns + 1], present: vec![false; columns + 1] }
    }

    fn columns(&self) -> usize {
        self.xs.len() - 1
    }
}

/// Gap above a table (below what precedes it on its page).
pub(crate) const GAP_BEFORE: f32 = 4.0;

/// What stays together at the start of a table (and with the headings before it): the
/// caption, the header rows and the first rows.
struct Start {
    caption: f32,
    header: f32,
    rows: f32,
}

impl Start {
    fn height(&self) -> f32 {
        self.caption + self.header + self.rows
    }
}

/// Measures the start of `t` on `grid`: the caption wrapped to the grid, the header rows
/// (into `headers`), and the first rows: the first two rows that are not group rows, with
/// the group rows before them; only the first of them when two would take more than a third
/// of a page.
fn measure_start(l: &Layout, t: &Table, grid: &Grid, header_cells: &[Vec<Cell>], headers: &mut Vec<RowBox>) -> Start {
    let width = grid.xs[grid.columns()] - grid.xs[0];
    let caption = match &t.caption {
        Some(c) if !c.trim().is_empty() => {
            let mut lines = Vec::new();
            l.fonts.bold.wrap(c, CAPTION_SIZE, width, &mut lines);
            lines.len() as f32 * CAPTION_LEADING + 2.0
        }
        _ => 0.0,
    };
    headers.clear();
    for cells in header_cells {
        let mut b = RowBox::default();
        measure(l, grid, &t.columns, cells, RowKind::Data, true, &mut b);
        headers.push(b);
    }
    let header: f32 = headers.iter().map(|h| h.height).sum();
    let mut b = RowBox::default();
    let (mut rows, mut one_row, mut data_rows) = (0.0, 0.0, 0);
    for r in &t.rows {
        measure(l, grid, &t.columns, &r.cells, r.kind, false, &mut b);
        rows += b.height;
        if r.kind != RowKind::Group {
            data_rows += 1;
            if data_rows == 1 {
                one_row = rows;
            }
            if data_rows == KEEP_ROWS {
                break;
            }
        }
    }
    let capacity = l.current().height - 2.0 * MARGIN;
    if data_rows > 1 && rows > capacity / 3.0 {
        rows = one_row;
    }
    Start { caption, header, rows }
}

/// Rows that are not group rows kept together at the start of a table.
const KEEP_ROWS: usize = 2;

pub(crate) fn table(l: &mut Layout, t: &Table) {
    let columns = column_count(t);
    if columns == 0 {
        return;
    }
    // Orientation: a landscape table starts on a landscape page (the pending headings go
    // with it); its continuation pages keep the orientation of the page it starts on.
    if t.landscape && !l.current().landscape {
        l.new_page(true);
    }
    let header_cells = header_rows(t);
    let mut grid = Grid::new(l, t, &header_cells, columns, l.width());
    let mut headers = Vec::new();
    let start = measure_start(l, t, &grid, &header_cells, &mut headers);
    if !l.start_fits(start.height(), GAP_BEFORE) {
        let width = l.width();
        l.new_page(t.landscape || l.landscape);
        if (l.width() - width).abs() > 0.01 {
            grid = Grid::new(l, t, &header_cells, columns, l.width());
            measure_start(l, t, &grid, &header_cells, &mut headers);
        }
    }
    // Whether the table starts a page (only the headings before it above it).
    // While the table has drawn no row but group rows on a page it starts (below nothing but
    // the headings before it), its rows are cut to fit rather than moved on.
    let mut opening = !l.current().used;
    l.start(GAP_BEFORE);
    let landscape = l.current().landscape;
    if let Some(c) = t.caption.as_deref().filter(|c| !c.trim().is_empty()) {
        l.fonts.bold.wrap(c, CAPTION_SIZE, l.width(), &mut l.lines);
        let lines = std::mem::take(&mut l.lines);
        let (x, ids) = (l.left(), l.ids);
        for &(s, e) in &lines {
            let b = baseline(l.y, CAPTION_LEADING, CAPTION_SIZE);
            l.page().text(ids, x, b, &c[s..e], true, CAPTION_SIZE, TEXT);
            l.y += CAPTION_LEADING;
        }
        l.lines = lines;
        l.y += 2.0;
    }

    start_segment(l, &mut grid, &headers);
    let header_h: f32 = headers.iter().map(|h| h.height).sum();
    // Room for rows on a page below the repeated header.
    let capacity = l.page_capacity() - header_h;
    let mut row = RowBox::default();
    // The next row, when it was measured ahead (the row after a group row).
    let mut next = RowBox::default();
    let mut next_ready = false;
    // The group the rows belong to (from its group row to its subtotal), and its label row
    // " (continued)", measured when a page break falls inside the group.
    let mut group: Option<usize> = None;
    let mut continued = RowBox::default();
    let mut continued_of: Option<usize> = None;
    for (i, r) in t.rows.iter().enumerate() {
        if next_ready {
            std::mem::swap(&mut row, &mut next);
            next_ready = false;
        } else {
            measure(l, &grid, &t.columns, &r.cells, r.kind, false, &mut row);
        }
        let in_group = group.filter(|_| r.kind != RowKind::Group);
        if let Some(g) = in_group
            && continued_of != Some(g)
        {
            let cells = continued_cells(&t.rows[g].cells, l.continued);
            measure(l, &grid, &t.columns, &cells, RowKind::Group, false, &mut continued);
            continued_of = Some(g);
        }
        let mut room = capacity - if in_group.is_some() { continued.height } else { 0.0 };
        if opening {
            // A first row too tall for what the headings and the header leave of the page the
            // table starts is cut to fit there: moving it on would leave a page with only the
            // table's start.
            room = room.min(l.bottom() - l.y);
        }
        if row.height > room {
            clamp(&mut row, room);
        }
        let mut need = row.height;
        // A group row stays with the row after it.
        if r.kind == RowKind::Group
            && let Some(n) = t.rows.get(i + 1)
        {
            measure(l, &grid, &t.columns, &n.cells, n.kind, false, &mut next);
            next_ready = true;
            need += next.height.min(capacity - row.height).max(0.0);
        }
        if l.y + need > l.bottom() + 0.01 && !opening {
            end_segment(l, &mut grid);
            l.new_page(landscape);
            start_segment(l, &mut grid, &headers);
            if in_group.is_some() {
                draw_row(l, &mut grid, &continued);
            }
        }
        draw_row(l, &mut grid, &row);
        opening &= r.kind == RowKind::Group;
        match r.kind {
            // Only a title (a label and no figures) is repeated on the next page; a group row
            // carrying figures (e.g. the EU statement's line 7) is a line of its own.
            RowKind::Group if r.cells.iter().skip(1).all(|c| c.value == Value::Empty) => group = Some(i),
            RowKind::Group | RowKind::Subtotal | RowKind::Total => group = None,
            RowKind::Data => {}
        }
    }
    end_segment(l, &mut grid);
    l.y += 8.0;
}

/// A group row's cells with `suffix` (" (continued)") after its label: the first cell with
/// text (the first cell when none has).
fn continued_cells(cells: &[Cell], suffix: &str) -> Vec<Cell> {
    let mut out = cells.to_vec();
    let at = out.iter().position(|c| matches!(&c.value, Value::Text(s) if !s.trim().is_empty()));
    match at {
        Some(k) => {
            if let Value::Text(s) = &mut out[k].value {
                s.push_str(suffix);
            }
        }
        None if !out.is_empty() => out[0].value = Value::Text(suffix.trim().to_string()),
        None => out.push(Cell::text(suffix.trim())),
    }
    out
}

/// Height of a table's start (caption, header rows, first rows) laid out `width` wide: what a
/// lead-in before it must leave room for.
pub(crate) fn start_height(l: &Layout, t: &Table, width: f32) -> f32 {
    let columns = column_count(t);
    if columns == 0 {
        return 0.0;
    }
    let header_cells = header_rows(t);
    let grid = Grid::new(l, t, &header_cells, columns, width);
    measure_start(l, t, &grid, &header_cells, &mut Vec::new()).height()
}

/// The header rows: the table's, or one of the column labels when it has none.
fn header_rows(t: &Table) -> std::borrow::Cow<'_, [Vec<Cell>]> {
    if t.header.is_empty() && t.columns.iter().any(|c| !c.label.is_empty()) {
        std::borrow::Cow::Owned(vec![t.columns.iter().map(|c| Cell::text(c.label.clone())).collect()])
    } else {
        std::borrow::Cow::Borrowed(&t.header)
    }
}

/// Columns of the table: its declared columns, or the widest row when none are declared.
fn column_count(t: &Table) -> usize {
    if !t.columns.is_empty() {
        return t.columns.len();
    }
    let span = |cells: &[Cell]| cells.iter().map(|c| usize::from(c.colspan.max(1))).sum::<usize>();
    t.header.iter().map(|r| span(r)).chain(t.rows.iter().map(|r| span(&r.cells))).max().unwrap_or(0)
}

/// A status wraps between its words ("Needs / attention") but never splits one: like a
/// header cell it shrinks instead.
fn keeps_words(value: &Value) -> bool {
    matches!(value, Value::Status(_))
}

/// A value laid out on one line, never wrapped: numbers, money, percentages, dates.
fn is_figure(value: &Value) -> bool {
    matches!(value, Value::Number { .. } | Value::Money { .. } | Value::Percent(_) | Value::Date(_))
}

/// The cells of `rows` that sit in one column (colspan 1), with their column.
fn single_cells<'a>(rows: impl Iterator<Item = (bool, &'a [Cell])>) -> impl Iterator<Item = (usize, bool, &'a Cell)> {
    rows.flat_map(|(bold, cells)| {
        let mut col = 0;
        cells.iter().filter_map(move |c| {
            let span = usize::from(c.colspan.max(1));
            let at = col;
            col += span;
            (span == 1).then_some((at, bold, c))
        })
    })
}

/// Width of the widest word of `text` (words are separated by spaces).
fn widest_word(face: &super::fonts::Face, text: &str, size: f32) -> f32 {
    text.split_whitespace().map(|w| face.width(w, size)).fold(0.0, f32::max)
}

/// Boundaries of the columns. They start as the `Column::width` shares of `width` (equal
/// shares when the widths are missing or not positive), then columns are widened where
/// their content needs it, taking the width from the other columns' slack:
/// - first, when the other columns can spare it: every word of the header cells, status
///   cells and body text at the body size (text words up to a quarter of the table's width:
///   a URL may still break);
/// - else, what must fit: every word of a header or status cell at [`HEADER_FLOOR`] (such a
///   cell shrinks its font down to that floor before its column is widened, and never splits
///   a word), every word of body text at that floor (but a URL: no word over a tenth of the
///   table's width), and every figure (number, money, percentage, date) on one line at the body
///   size, or failing that at [`FIGURE_FLOOR`] (a figure is shrunk rather than wrapped);
///   then, column by column and the cheapest first, what the first step wanted where the
///   others can still spare it.
///
/// The slack of a column is its width beyond what it wants itself (beyond its longest word
/// while it can, so that widening one column does not make another split words; beyond what
/// must fit in it when that is not enough). What still does not fit after all that is shrunk
/// in its cell (see `measure`).
fn column_xs(l: &Layout, t: &Table, headers: &[Vec<Cell>], columns: usize, left: f32, width: f32) -> Vec<f32> {
    let mut w: Vec<f32> = (0..columns)
        .map(|i| t.columns.get(i).map_or(1.0, |c| if c.width.is_finite() && c.width > 0.0 { c.width } else { 1.0 }))
        .collect();
    let sum: f32 = w.iter().sum();
    w.iter_mut().for_each(|x| *x *= width / sum);

    // The padding, and a hair more so that what is measured to fit does fit.
    let pad = 2.0 * PAD_X + 0.1;
    // What must fit (`need`), what must fit at the smallest sizes (`floor`), what is wanted.
    let mut need = vec![0.0f32; columns];
    let mut floor = vec![0.0f32; columns];
    let mut want = vec![0.0f32; columns];
    // Header cells (bold, never split a word), then the body's cells (bold in group, subtotal
    // and total rows).
    let header_cells =
        single_cells(headers.iter().map(|r| (true, r.as_slice()))).map(|(c, b, cell)| (c, true, b, cell));
    let body_cells = single_cells(t.rows.iter().map(|r| (r.kind != RowKind::Data, r.cells.as_slice())))
        .map(|(c, b, cell)| (c, false, b, cell));
    for (c, header, bold, cell) in header_cells.chain(body_cells) {
        if c >= columns || matches!(cell.value, Value::Empty) {
            continue;
        }
        let face = l.fonts.face(bold);
        let text = document::format_in(&cell.value, l.locale);
        if !header && is_figure(&cell.value) {
            let fw = face.width(&text, SIZE);
            need[c] = need[c].max(fw + pad);
            floor[c] = floor[c].max(fw * FIGURE_FLOOR / SIZE + pad);
            want[c] = want[c].max(fw + pad);
        } else if header || keeps_words(&cell.value) {
            let ww = widest_word(face, &text, SIZE);
            need[c] = need[c].max(ww * HEADER_FLOOR / SIZE + pad);
            floor[c] = floor[c].max(ww * HEADER_FLOOR / SIZE + pad);
            want[c] = want[c].max(ww + pad);
        } else {
            let ww = widest_word(face, &text, SIZE);
            want[c] = want[c].max((ww + pad).min(width / 4.0));
            // Its longest word at the floor must fit, unless that word is rather a URL or a
            // code (over a tenth of the table's width): `measure` cuts those.
            let at_floor = ww * HEADER_FLOOR / SIZE + pad;
            if at_floor <= width / 10.0 {
                need[c] = need[c].max(at_floor);
                floor[c] = floor[c].max(at_floor);
            }
        }
    }
    if want.iter().zip(&w).all(|(n, w)| n <= w) {
        return boundaries(left, width, &w);
    }
    let mut trial = w.clone();
    if widen(&mut trial, &want, &want) {
        return boundaries(left, width, &trial);
    }
    let keep: Vec<f32> = want.iter().zip(&w).zip(&need).map(|((&wd, &w), &n)| if wd <= w { wd } else { n }).collect();
    if !(widen(&mut w, &need, &keep) || widen(&mut w, &need, &need)) {
        widen(&mut w, &floor, &floor);
    }
    let mut order: Vec<usize> = (0..columns).filter(|&c| want[c] > w[c] + 0.01).collect();
    order.sort_by(|&a, &b| (want[a] - w[a]).total_cmp(&(want[b] - w[b])));
    for c in order {
        let mut one = vec![0.0f32; columns];
        one[c] = want[c];
        let keep: Vec<f32> = (0..columns).map(|k| if w[k] >= want[k] { want[k] } else { w[k] }).collect();
        let mut trial = w.clone();
        if widen(&mut trial, &one, &keep) {
            w = trial;
        }
    }
    boundaries(left, width, &w)
}

/// Widens the columns below `need` by taking width from the others, each giving in
/// proportion to its slack above `keep`. Returns whether every need was met.
fn widen(w: &mut [f32], need: &[f32], keep: &[f32]) -> bool {
    let deficit: f32 = w.iter().zip(need).map(|(w, n)| (n - w).max(0.0)).sum();
    if deficit <= 0.01 {
        return true;
    }
    let slack: Vec<f32> =
        w.iter().zip(need).zip(keep).map(|((&w, &n), &k)| if w > n { (w - n.max(k)).max(0.0) } else { 0.0 }).collect();
    let available: f32 = slack.iter().sum();
    if available <= 0.0 {
        return false;
    }
    let take = deficit.min(available);
    for (c, x) in w.iter_mut().enumerate() {
        if *x < need[c] {
            *x += (need[c] - *x) * take / deficit;
        } else {
            *x -= slack[c] * take / available;
        }
    }
    available >= deficit
}

/// The column boundaries from the left edge and the columns' widths, the last one exactly at
/// the right margin.
fn boundaries(left: f32, width: f32, w: &[f32]) -> Vec<f32> {
    let mut xs = Vec::with_capacity(w.len() + 1);
    let mut x = left;
    xs.push(x);
    for cw in w {
        x += cw;
        xs.push(x);
    }
    xs[w.len()] = left + width;
    xs
}

/// How a cell's text is aligned: figures to the right, the rest as its column says.
fn alignment(value: &Value, column: Option<&Column>, colspan: usize, header: bool) -> Align {
    if header {
        return if colspan > 1 { Align::Center } else { column.map_or(Align::Left, |c| c.align) };
    }
    match value {
        Value::Number { .. } | Value::Money { .. } | Value::Percent(_) => Align::Right,
        _ if colspan > 1 => Align::Left,
        _ => column.map_or(Align::Left, |c| c.align),
    }
}

/// The size `s` of text `natural` pt wide at [`SIZE`] must be set at to be at most `room`
/// wide (a hair under, so that the wrap's comparison never splits it after all).
fn shrink_to(natural: f32, room: f32) -> f32 {
    if natural <= room { SIZE } else { SIZE * room / natural * 0.995 }
}

/// The size a cell is set at so that its longest word (`word` pt wide at [`SIZE`]) fits in
/// `room`, shrinking no further than [`HEADER_FLOOR`]; `None` when even the floor is too wide.
fn word_size(word: f32, room: f32) -> Option<f32> {
    match shrink_to(word, room) {
        size if size >= HEADER_FLOOR => Some(size),
        _ if word * HEADER_FLOOR / SIZE <= room => Some(HEADER_FLOOR),
        _ => None,
    }
}

/// Measures a row into `out`: each cell's text, wrapped to its columns, and the row height.
/// Header and status cells wrap between words only, shrinking (to [`HEADER_FLOOR`], below only if even
/// that does not fit) so that their longest word fits; figures stay on one line, shrinking
/// if they must; other text wraps at spaces, shrinking down to [`HEADER_FLOOR`] so that its
/// longest word fits, and cutting a word only when even that is too wide.
fn measure(l: &Layout, grid: &Grid, columns: &[Column], cells: &[Cell], kind: RowKind, header: bool, out: &mut RowBox) {
    out.cells.clear();
    out.lines.clear();
    out.kind = kind;
    out.header = header;
    out.bold = header || matches!(kind, RowKind::Group | RowKind::Subtotal | RowKind::Total);
    let face = l.fonts.face(out.bold);
    let n = grid.columns();
    let mut col = 0;
    let mut height = LEADING;
    for cell in cells {
        if col >= n {
            break;
        }
        let span = usize::from(cell.colspan.max(1)).min(n - col);
        let (c0, c1) = (col, col + span);
        col = c1;
        let text = document::format_in(&cell.value, l.locale);
        let inner = (grid.xs[c1] - grid.xs[c0] - 2.0 * PAD_X).max(1.0);
        let first = out.lines.len();
        let (size, leading) = if header || keeps_words(&cell.value) {
            let word = widest_word(face, &text, SIZE);
            // Below the floor only when even the floor does not fit: a header never cuts a word.
            let size = word_size(word, inner).unwrap_or_else(|| shrink_to(word, inner));
            face.wrap_onto(&text, size, inner, &mut out.lines);
            (size, LEADING * size.max(HEADER_FLOOR) / SIZE)
        } else if is_figure(&cell.value) {
            out.lines.push((0, text.len()));
            (shrink_to(face.width(&text, SIZE), inner), LEADING)
        } else {
            // A word wider than the cell shrinks the cell's text to the floor rather than be
            // cut ("Outcom" / "e" in a full IPTT); one too wide even then (a URL) is cut.
            let size = word_size(widest_word(face, &text, SIZE), inner).unwrap_or(SIZE);
            face.wrap_onto(&text, size, inner, &mut out.lines);
            (size, LEADING * size / SIZE)
        };
        height = height.max((out.lines.len() - first) as f32 * leading);
        let (color, background) = match &cell.value {
            Value::Status(code) if !header => {
                let (fg, bg) = status_colors(code);
                (fg, Some(bg))
            }
            _ => (TEXT, None),
        };
        out.cells.push(CellBox {
            c0,
            c1,
            text,
            lines: (first, out.lines.len()),
            size,
            leading,
            align: alignment(&cell.value, columns.get(c0), span, header),
            color,
            background,
        });
    }
    // Columns no cell reaches are empty cells of their own, so the grid stays whole.
    for c in col..n {
        out.cells.push(CellBox {
            c0: c,
            c1: c + 1,
            text: String::new(),
            lines: (out.lines.len(), out.lines.len()),
            size: SIZE,
            leading: LEADING,
            align: Align::Left,
            color: TEXT,
            background: None,
        });
    }
    out.height = height + 2.0 * PAD_Y;
}

/// Cuts a row taller than a page to the lines that fit, ending each cut cell with "…".
fn clamp(row: &mut RowBox, capacity: f32) {
    let keep = (((capacity - 2.0 * PAD_Y) / LEADING).floor() as usize).max(1);
    for cell in &mut row.cells {
        let (first, end) = cell.lines;
        if end - first > keep {
            let last = first + keep - 1;
            let (s, e) = row.lines[last];
            let mut cut = cell.text[s..e].to_owned();
            cut.push('…');
            // Re-point the last kept line at the shortened copy appended to the text.
            let at = cell.text.len();
            cell.text.push_str(&cut);
            row.lines[last] = (at, cell.text.len());
            cell.lines = (first, first + keep);
        }
    }
    row.height = keep as f32 * LEADING + 2.0 * PAD_Y;
}

/// Starts the table on the current page: the top rule and the header rows.
fn start_segment(l: &mut Layout, grid: &mut Grid, headers: &[RowBox]) {
    let (x0, x1) = (grid.xs[0], grid.xs[grid.columns()]);
    let top = l.y;
    if !headers.is_empty() {
        let h: f32 = headers.iter().map(|h| h.height).sum();
        l.page().fill_rect(x0, top, x1 - x0, h, HEADER_BG);
    }
    l.page().line(x0, top, x1, top, GRID);
    for (i, h) in headers.iter().enumerate() {
        draw_row(l, grid, h);
        if i + 1 == headers.len() {
            let y = l.y;
            l.page().line(x0, y, x1, y, HEADER_RULE);
        }
    }
}

/// Closes the vertical lines of the table on the current page.
fn end_segment(l: &mut Layout, grid: &mut Grid) {
    let y = l.y;
    for k in 0..grid.xs.len() {
        if let Some(start) = grid.open[k].take() {
            let x = grid.xs[k];
            l.page().line(x, start, x, y, GRID);
        }
    }
}

fn draw_row(l: &mut Layout, grid: &mut Grid, row: &RowBox) {
    let top = l.y;
    let bottom = top + row.height;
    let (x0, x1) = (grid.xs[0], grid.xs[grid.columns()]);
    let ids = l.ids;
    let face = l.fonts.face(row.bold);

    // Vertical lines: one per boundary for as long as consecutive rows share it.
    grid.present.iter_mut().for_each(|p| *p = false);
    for c in &row.cells {
        grid.present[c.c0] = true;
        grid.present[c.c1] = true;
    }
    for k in 0..grid.xs.len() {
        match (grid.present[k], grid.open[k]) {
            (true, None) => grid.open[k] = Some(top),
            (false, Some(start)) => {
                let x = grid.xs[k];
                l.page().line(x, start, x, top, GRID);
                grid.open[k] = None;
            }
            _ => {}
        }
    }

    if !row.header {
        match row.kind {
            RowKind::Group => l.page().fill_rect(x0, top, x1 - x0, row.height, GROUP_BG),
            RowKind::Subtotal => l.page().line(x0, top, x1, top, SUBTOTAL_RULE),
            RowKind::Total => l.page().line(x0, top, x1, top, TOTAL_RULE),
            RowKind::Data => {}
        }
    }
    let page = l.pages.last_mut().expect("a page");
    for cell in &row.cells {
        let (cx0, cx1) = (grid.xs[cell.c0], grid.xs[cell.c1]);
        if let Some(bg) = cell.background {
            page.fill_rect(cx0, top, cx1 - cx0, row.height, bg);
        }
        let color = if row.header { MUTED_HEADER } else { cell.color };
        for (n, &(s, e)) in row.lines[cell.lines.0..cell.lines.1].iter().enumerate() {
            let line = &cell.text[s..e];
            let x = match cell.align {
                Align::Left => cx0 + PAD_X,
                Align::Right => cx1 - PAD_X - face.width(line, cell.size),
                Align::Center => (cx0 + cx1 - face.width(line, cell.size)) / 2.0,
            };
            let b = baseline(top + PAD_Y + n as f32 * cell.leading, cell.leading, cell.size);
            page.text(ids, x, b, line, row.bold, cell.size, color);
        }
    }
    page.line(x0, bottom, x1, bottom, GRID);
    l.y = bottom;
}

/// Header text colour: dark, a touch softer than body text.
const MUTED_HEADER: Rgb = [MUTED[0] * 0.5, MUTED[1] * 0.5, MUTED[2] * 0.55];
