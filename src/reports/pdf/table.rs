//! Tables: fixed column widths, wrapped cells, rows that never split, header rows repeated on
//! every page, and a grid whose lines are the same on every page.

use super::page::{A4_LONG, A4_SHORT, Rgb, Stroke};
use super::{Layout, MARGIN, MUTED, TEXT, baseline};
use crate::reports::document::{self, Align, Cell, Column, RowKind, Table, Value};

const SIZE: f32 = 8.0;
const LEADING: f32 = 10.0;
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.5;
const CAPTION_SIZE: f32 = 9.0;
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
    fn columns(&self) -> usize {
        self.xs.len() - 1
    }
}

pub(crate) fn table(l: &mut Layout, t: &Table) {
    let columns = column_count(t);
    if columns == 0 {
        return;
    }
    // Orientation: a landscape table starts on a landscape page; its continuation pages keep
    // the orientation of the page it starts on.
    if t.landscape && !l.page().landscape {
        l.new_page(true);
    }
    let landscape = l.page().landscape;

    let grid_xs = column_xs(t, columns, l.left(), l.width());
    let mut grid = Grid { xs: grid_xs, open: vec![None; columns + 1], present: vec![false; columns + 1] };

    let headers: Vec<RowBox> = header_rows(t)
        .iter()
        .map(|cells| {
            let mut b = RowBox::default();
            measure(l, &grid, &t.columns, cells, RowKind::Data, true, &mut b);
            b
        })
        .collect();
    let header_h: f32 = headers.iter().map(|h| h.height).sum();

    // The caption, the header and the first row go on one page.
    let mut row = RowBox::default();
    // The next row, when it was measured ahead (the first row, a row after a group row).
    let mut next = RowBox::default();
    let mut next_ready = false;
    let caption_h = match &t.caption {
        Some(c) if !c.trim().is_empty() => {
            l.fonts.bold.wrap(c, CAPTION_SIZE, l.width(), &mut l.lines);
            l.lines.len() as f32 * CAPTION_LEADING + 2.0
        }
        _ => 0.0,
    };
    let first_h = match t.rows.first() {
        Some(r) => {
            measure(l, &grid, &t.columns, &r.cells, r.kind, false, &mut next);
            next_ready = true;
            // A group row brings the row after it.
            let follower = match t.rows.get(1) {
                Some(n) if r.kind == RowKind::Group => {
                    measure(l, &grid, &t.columns, &n.cells, n.kind, false, &mut row);
                    row.height
                }
                _ => 0.0,
            };
            next.height + follower
        }
        None => 0.0,
    };
    if !l.at_page_top() {
        l.y += 4.0;
    }
    if l.y + caption_h + header_h + first_h > l.bottom() && !l.at_page_top() {
        l.new_page(landscape);
    }
    if caption_h > 0.0
        && let Some(c) = &t.caption
    {
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
    // Room for rows on a page below the repeated header.
    let capacity = l.page_capacity() - header_h;
    for (i, r) in t.rows.iter().enumerate() {
        if next_ready {
            std::mem::swap(&mut row, &mut next);
            next_ready = false;
        } else {
            measure(l, &grid, &t.columns, &r.cells, r.kind, false, &mut row);
        }
        if row.height > capacity {
            clamp(&mut row, capacity);
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
        if l.y + need > l.bottom() + 0.01 {
            end_segment(l, &mut grid);
            l.new_page(landscape);
            start_segment(l, &mut grid, &headers);
        }
        draw_row(l, &mut grid, &row);
    }
    end_segment(l, &mut grid);
    l.y += 8.0;
}

/// Height of a table's start (caption, header rows, first row) on the page it would start
/// on: what a heading before it keeps with.
pub(crate) fn start_height(l: &Layout, t: &Table) -> f32 {
    let columns = column_count(t);
    if columns == 0 {
        return 0.0;
    }
    let landscape = t.landscape || l.current().landscape;
    let width = if landscape { A4_LONG } else { A4_SHORT } - 2.0 * MARGIN;
    let grid = Grid { xs: column_xs(t, columns, l.left(), width), open: Vec::new(), present: Vec::new() };
    let mut b = RowBox::default();
    let mut h = 0.0;
    for cells in header_rows(t).iter() {
        measure(l, &grid, &t.columns, cells, RowKind::Data, true, &mut b);
        h += b.height;
    }
    for (i, r) in t.rows.iter().take(2).enumerate() {
        // The first row, and the second when the first is a group row (they go together).
        if i == 0 || t.rows[0].kind == RowKind::Group {
            measure(l, &grid, &t.columns, &r.cells, r.kind, false, &mut b);
            h += b.height;
        }
    }
    let mut lines = Vec::new();
    match &t.caption {
        Some(c) if !c.trim().is_empty() => {
            l.fonts.bold.wrap(c, CAPTION_SIZE, width, &mut lines);
            h + lines.len() as f32 * CAPTION_LEADING + 2.0
        }
        _ => h,
    }
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

/// Boundaries of the columns: `Column::width` shares of `width` (equal shares when the
/// widths are missing or not positive).
fn column_xs(t: &Table, columns: usize, left: f32, width: f32) -> Vec<f32> {
    let weights: Vec<f32> = (0..columns)
        .map(|i| t.columns.get(i).map_or(1.0, |c| if c.width.is_finite() && c.width > 0.0 { c.width } else { 1.0 }))
        .collect();
    let sum: f32 = weights.iter().sum();
    let mut xs = Vec::with_capacity(columns + 1);
    let mut x = left;
    xs.push(x);
    for w in weights {
        x += width * w / sum;
        xs.push(x);
    }
    // The last boundary exactly at the right margin.
    xs[columns] = left + width;
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

/// Measures a row into `out`: each cell's text, wrapped to its columns, and the row height.
fn measure(l: &Layout, grid: &Grid, columns: &[Column], cells: &[Cell], kind: RowKind, header: bool, out: &mut RowBox) {
    out.cells.clear();
    out.lines.clear();
    out.kind = kind;
    out.header = header;
    out.bold = header || matches!(kind, RowKind::Group | RowKind::Subtotal | RowKind::Total);
    let face = l.fonts.face(out.bold);
    let n = grid.columns();
    let mut col = 0;
    let mut max_lines = 1;
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
        face.wrap_onto(&text, SIZE, inner, &mut out.lines);
        max_lines = max_lines.max(out.lines.len() - first);
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
            align: Align::Left,
            color: TEXT,
            background: None,
        });
    }
    out.height = max_lines as f32 * LEADING + 2.0 * PAD_Y;
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
                Align::Right => cx1 - PAD_X - face.width(line, SIZE),
                Align::Center => (cx0 + cx1 - face.width(line, SIZE)) / 2.0,
            };
            let b = baseline(top + PAD_Y + n as f32 * LEADING, LEADING, SIZE);
            page.text(ids, x, b, line, row.bold, SIZE, color);
        }
    }
    page.line(x0, bottom, x1, bottom, GRID);
    l.y = bottom;
}

/// Header text colour: dark, a touch softer than body text.
const MUTED_HEADER: Rgb = [MUTED[0] * 0.5, MUTED[1] * 0.5, MUTED[2] * 0.55];
