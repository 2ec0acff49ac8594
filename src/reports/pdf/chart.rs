//! Vector drawings: horizontal bar charts and the EU emblem.

use std::f32::consts::PI;

use super::page::{Rgb, Stroke};
use super::{Layout, MUTED, TEXT, baseline};
use crate::reports::document::{self, BarChart};

const TITLE_SIZE: f32 = 10.0;
const TITLE_LEADING: f32 = 13.0;
const LABEL_SIZE: f32 = 8.0;
const LABEL_LEADING: f32 = 10.0;
const TICK_SIZE: f32 = 7.0;
/// Smallest height of one bar's row, and the bar's thickness in it.
const ROW: f32 = 16.0;
const BAR: f32 = 10.0;
/// Room under the bars for the axis and its tick labels.
const AXIS: f32 = 16.0;
/// Room above the bars for the reference line's label.
const REFERENCE_LABEL: f32 = 10.0;
/// Bars of a chart kept together at its start (and with its title and a heading before it).
const KEEP_BARS: usize = 2;
/// Gap above a chart or the emblem.
const GAP_BEFORE: f32 = 6.0;

const BAR_FILL: Rgb = [0.016, 0.408, 0.694];
const REFERENCE: Stroke = Stroke { width: 1.0, color: [0.78, 0.1, 0.1], dashed: true };
const AXIS_LINE: Stroke = Stroke { width: 0.7, color: [0.3, 0.3, 0.35], dashed: false };
const GRIDLINE: Stroke = Stroke { width: 0.3, color: [0.85, 0.86, 0.88], dashed: false };

const EU_BLUE: Rgb = [0.0, 0.2, 0.6];
const EU_YELLOW: Rgb = [1.0, 0.8, 0.0];
/// Height of the flag: 12 mm.
const FLAG_HEIGHT: f32 = 34.0;
const CAPTION_SIZE: f32 = 11.0;

/// A value as the chart shows it: like a percentage cell for "%", else a grouped number.
fn value_label(v: f64, unit: &str, locale: &document::Locale) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let decimals = if v.fract().abs() < 1e-9 && unit != "%" { 0 } else { 1 };
    let n = locale.number(v, decimals);
    if unit.is_empty() { n } else { format!("{n} {unit}") }
}

/// A tick's value: without decimals when whole.
fn tick_label(v: f64, unit: &str, locale: &document::Locale) -> String {
    let decimals = if (v - v.round()).abs() < 1e-9 {
        0
    } else if (v * 10.0 - (v * 10.0).round()).abs() < 1e-9 {
        1
    } else {
        2
    };
    let n = locale.number(v, decimals);
    if unit.is_empty() { n } else { format!("{n} {unit}") }
}

/// A step of 1, 2, 2.5 or 5 times a power of ten giving four to six ticks up to `max`.
fn tick_step(max: f64) -> f64 {
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| max / s <= 6.0).unwrap_or(10.0 * magnitude)
}

pub(crate) fn bar_chart(l: &mut Layout, chart: &BarChart) {
    let fonts = l.fonts;
    let ids = l.ids;
    let data_max = chart.bars.iter().map(|b| b.value).filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    let reference = chart.reference.filter(|r| r.is_finite() && *r > 0.0);
    let (axis_max, step) = match chart.max.filter(|m| m.is_finite() && *m > 0.0) {
        Some(m) => (m, tick_step(m)),
        None => {
            let top = data_max.max(reference.unwrap_or(0.0));
            let top = if top > 0.0 { top } else { 1.0 };
            let step = tick_step(top);
            ((top / step).ceil() * step, step)
        }
    };
    let labels: Vec<String> = chart.bars.iter().map(|b| value_label(b.value, &chart.unit, l.locale)).collect();
    let widest_label = chart.bars.iter().map(|b| fonts.regular.width(&b.label, LABEL_SIZE)).fold(0.0, f32::max);
    let label_width = |width: f32| (widest_label + 8.0).clamp(40.0, width * 0.38);
    let mut wrapped = Vec::new();
    let row_height = |label: &str, label_w: f32, wrapped: &mut Vec<(usize, usize)>| {
        fonts.regular.wrap(label, LABEL_SIZE, label_w - 8.0, wrapped);
        (wrapped.len() as f32 * LABEL_LEADING + 4.0).max(ROW)
    };
    let title_height = |width: f32, lines: &mut Vec<(usize, usize)>| {
        fonts.bold.wrap(&chart.title, TITLE_SIZE, width, lines);
        if chart.title.trim().is_empty() { 0.0 } else { lines.len() as f32 * TITLE_LEADING + 4.0 }
    };

    // The title, the first bars and the axis stay together (and with the headings before).
    let label_w = label_width(l.width());
    let first_bars: f32 = chart.bars.iter().take(KEEP_BARS).map(|b| row_height(&b.label, label_w, &mut wrapped)).sum();
    let title_h = title_height(l.width(), &mut l.lines);
    l.begin(title_h + REFERENCE_LABEL + first_bars + AXIS, GAP_BEFORE);
    // The chart's pages keep the orientation of the page it starts on.
    let landscape = l.current().landscape;

    // Columns: labels, the plot, then room for the value written after the longest bar.
    let (left, width) = (l.left(), l.width());
    let label_w = label_width(width);
    let value_w = labels.iter().map(|s| fonts.regular.width(s, LABEL_SIZE)).fold(0.0, f32::max) + 6.0;
    let x0 = left + label_w;
    let plot_w = (width - label_w - value_w).max(20.0);
    let scale = |v: f64| x0 + (if v.is_finite() { v.clamp(0.0, axis_max) } else { 0.0 } / axis_max) as f32 * plot_w;

    let title_h = title_height(width, &mut l.lines);
    if title_h > 0.0 {
        let lines = std::mem::take(&mut l.lines);
        for &(s, e) in &lines {
            let b = baseline(l.y, TITLE_LEADING, TITLE_SIZE);
            l.page().text(ids, left, b, &chart.title[s..e], true, TITLE_SIZE, TEXT);
            l.y += TITLE_LEADING;
        }
        l.lines = lines;
        l.y += 4.0;
    }

    let mut segment_top = l.y + REFERENCE_LABEL;
    l.y = segment_top;
    for (bar, value) in chart.bars.iter().zip(&labels) {
        let row_h = row_height(&bar.label, label_w, &mut wrapped);
        if l.y + row_h + AXIS > l.bottom() && l.y > segment_top {
            axis(l, x0, plot_w, segment_top, axis_max, step, reference, &chart.unit);
            l.new_page(landscape);
            segment_top = l.y + REFERENCE_LABEL;
            l.y = segment_top;
        }
        let top = l.y;
        let page = l.page();
        let first_line = top + (row_h - wrapped.len() as f32 * LABEL_LEADING) / 2.0;
        for (n, &(s, e)) in wrapped.iter().enumerate() {
            let line = &bar.label[s..e];
            let w = fonts.regular.width(line, LABEL_SIZE);
            let b = baseline(first_line + n as f32 * LABEL_LEADING, LABEL_LEADING, LABEL_SIZE);
            page.text(ids, x0 - 6.0 - w, b, line, false, LABEL_SIZE, TEXT);
        }
        let end = scale(bar.value);
        let bar_top = top + (row_h - BAR) / 2.0;
        if end > x0 {
            page.fill_rect(x0, bar_top, end - x0, BAR, BAR_FILL);
        }
        let b = baseline(bar_top, BAR, LABEL_SIZE);
        page.text(ids, end + 3.0, b, value, false, LABEL_SIZE, TEXT);
        l.y += row_h;
    }
    axis(l, x0, plot_w, segment_top, axis_max, step, reference, &chart.unit);
    l.y += 8.0;
}

/// The axis under the bars of one page (ticks, labels, gridlines) and the reference line.
#[allow(clippy::too_many_arguments)]
fn axis(l: &mut Layout, x0: f32, plot_w: f32, top: f32, max: f64, step: f64, reference: Option<f64>, unit: &str) {
    let fonts = l.fonts;
    let ids = l.ids;
    let locale = l.locale;
    let bottom = l.y;
    let page = l.page();
    let x_of = |v: f64| x0 + (v / max) as f32 * plot_w;
    let ticks = (max / step + 1e-9).floor() as usize;
    for i in 0..=ticks {
        let v = i as f64 * step;
        let x = x_of(v);
        if i > 0 {
            page.line(x, top, x, bottom, GRIDLINE);
        }
        page.line(x, bottom, x, bottom + 3.0, AXIS_LINE);
        let label = tick_label(v, unit, locale);
        let w = fonts.regular.width(&label, TICK_SIZE);
        page.text(ids, x - w / 2.0, bottom + 3.0 + TICK_SIZE + 1.0, &label, false, TICK_SIZE, MUTED);
    }
    page.line(x0, top, x0, bottom, AXIS_LINE);
    page.line(x0, bottom, x0 + plot_w, bottom, AXIS_LINE);
    if let Some(r) = reference.filter(|r| *r <= max) {
        let x = x_of(r);
        page.line(x, top - 2.0, x, bottom, REFERENCE);
        let label = tick_label(r, unit, locale);
        let w = fonts.regular.width(&label, TICK_SIZE);
        page.text(ids, x - w / 2.0, top - 4.0, &label, false, TICK_SIZE, REFERENCE.color);
    }
    l.y = bottom + AXIS;
}

/// The EU emblem: a blue rectangle of 3:2 with twelve upright gold five-pointed stars on a
/// circle, and the caption beside it (EU visibility rules: radius of the circle one third of
/// the height, each star one eighteenth of the height in radius).
pub(crate) fn eu_emblem(l: &mut Layout, caption: &str) {
    let (h, w) = (FLAG_HEIGHT, FLAG_HEIGHT * 1.5);
    let fonts = l.fonts;
    let ids = l.ids;
    let leading = CAPTION_SIZE * 1.3;
    let measure = |l: &mut Layout| {
        let caption_w = (l.width() - w - 10.0).max(40.0);
        fonts.regular.wrap(caption, CAPTION_SIZE, caption_w, &mut l.lines);
        let text_h = l.lines.len() as f32 * leading;
        (text_h, h.max(text_h))
    };
    let (_, block_h) = measure(l);
    l.begin(block_h, GAP_BEFORE);
    let (text_h, block_h) = measure(l);
    let caption_x = l.left() + w + 10.0;
    let (x, y) = (l.left(), l.y + (block_h - h) / 2.0);
    let page = l.pages.last_mut().expect("a page");
    page.fill_rect(x, y, w, h, EU_BLUE);
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    let (ring, outer) = (h / 3.0, h / 18.0);
    let inner = outer * 0.381_966; // the inner radius of a regular five-pointed star
    for k in 0..12 {
        let a = k as f32 * PI / 6.0;
        let (sx, sy) = (cx + ring * a.sin(), cy - ring * a.cos());
        let points = (0..10).map(|j| {
            let t = -PI / 2.0 + j as f32 * PI / 5.0;
            let r = if j % 2 == 0 { outer } else { inner };
            (sx + r * t.cos(), sy + r * t.sin())
        });
        page.fill_polygon(points, EU_YELLOW);
    }
    let mut top = l.y + (block_h - text_h) / 2.0;
    let lines = std::mem::take(&mut l.lines);
    for &(s, e) in &lines {
        let b = baseline(top, leading, CAPTION_SIZE);
        l.page().text(ids, caption_x, b, &caption[s..e], false, CAPTION_SIZE, TEXT);
        top += leading;
    }
    l.lines = lines;
    l.y += block_h + 8.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(100.0), 20.0);
        assert_eq!(tick_step(120.0), 20.0);
        assert!((tick_step(1.0) - 0.2).abs() < 1e-12);
        assert_eq!(tick_step(5_000_000.0), 1_000_000.0);
        let en = document::Locale::default();
        assert_eq!(value_label(100.0, "%", &en), "100.0 %");
        assert_eq!(value_label(1234.0, "USD", &en), "1,234 USD");
        assert_eq!(tick_label(40.0, "%", &en), "40 %");
        assert_eq!(tick_label(0.25, "", &en), "0.25");
    }
}
