//! Charts drawn by the server as SVG, readable without JavaScript: every bar has its figure
//! written next to it, and the SVG has a title and a description for screen readers.

use super::i18n::{self, Catalogue};
use crate::domain::progress::{Progress, Status};
use crate::store::finance::FinanceRow;
use crate::store::progress::IndicatorProgress;

fn esc(s: &str) -> String {
    handlebars::html_escape(s)
}

pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::OnTrack => "on-track",
        Status::NeedsAttention => "needs-attention",
        Status::OffTrack => "off-track",
        Status::NoData => "no-data",
        Status::NotRated => "not-rated",
    }
}

/// The % of target a chart shows: of the year's target, else the window's, else the
/// life-of-project target (the same figures as the progress endpoint).
pub fn shown_percent(p: &Progress) -> Option<f64> {
    p.percent_of_year_target.or(p.percent_of_period_target).or(p.percent_of_lop_target)
}

/// Horizontal bars of % of target per indicator, with a line at 100 %.
pub fn progress_chart(c: &Catalogue, lines: &[IndicatorProgress], caption: &str) -> String {
    const LABEL: f64 = 70.0;
    const WIDTH: f64 = 640.0;
    const ROW: f64 = 28.0;
    let plot = WIDTH - LABEL - 90.0;
    let max_pct = 150.0;
    let height = ROW * lines.len() as f64 + 30.0;
    let x = |pct: f64| LABEL + plot * (pct.clamp(0.0, max_pct) / max_pct);
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="pc-title pc-desc" xmlns="http://www.w3.org/2000/svg"><title id="pc-title">{}</title><desc id="pc-desc">{}</desc>"#,
        esc(&c.tr("chart-percent-title")),
        esc(caption)
    );
    for (i, l) in lines.iter().enumerate() {
        let y = ROW * i as f64 + 4.0;
        let pct = shown_percent(&l.progress);
        let cls = status_class(l.progress.status);
        s.push_str(&format!(
            r#"<g class="row {cls}"><title>{}: {}</title><text class="label" x="0" y="{:.1}">{}</text>"#,
            esc(&l.code),
            esc(&l.title),
            y + 15.0,
            esc(&l.code)
        ));
        s.push_str(&format!(r#"<rect class="track" x="{LABEL}" y="{y:.1}" width="{plot:.1}" height="20" rx="2"/>"#));
        let text = match pct {
            Some(p) => {
                s.push_str(&format!(
                    r#"<rect class="bar" x="{LABEL}" y="{y:.1}" width="{:.1}" height="20" rx="2"/>"#,
                    x(p) - LABEL
                ));
                format!("{}\u{a0}%", i18n::number(&c.locale, (p * 10.0).round() / 10.0))
            }
            None => c.locale.status(l.progress.status.as_str()).to_lowercase(),
        };
        s.push_str(&format!(
            r#"<text class="value" x="{:.1}" y="{:.1}">{}</text></g>"#,
            LABEL + plot + 6.0,
            y + 15.0,
            esc(&text)
        ));
    }
    let hundred = x(100.0);
    s.push_str(&format!(
        r#"<line class="target" x1="{hundred:.1}" y1="0" x2="{hundred:.1}" y2="{:.1}"/><text class="axis" x="{hundred:.1}" y="{:.1}" text-anchor="middle">{}</text></svg>"#,
        height - 14.0,
        height - 2.0,
        esc(&c.tr("chart-hundred"))
    ));
    s
}

/// Budget and expenditure per output: a light bar for the budget, a dark one for what is spent.
pub fn delivery_chart(c: &Catalogue, rows: &[FinanceRow], currency: &str, caption: &str) -> String {
    titled_delivery_chart(c, "dc", &c.tr("chart-delivery-title"), rows, currency, caption)
}

/// The same chart for any grouping; `id` keeps the SVG's title ids apart when a page has several.
pub fn titled_delivery_chart(
    c: &Catalogue,
    id: &str,
    title: &str,
    rows: &[FinanceRow],
    currency: &str,
    caption: &str,
) -> String {
    const LABEL: f64 = 70.0;
    const WIDTH: f64 = 640.0;
    const ROW: f64 = 46.0;
    let plot = WIDTH - LABEL - 10.0;
    let max = rows.iter().map(|r| r.budget_minor.max(r.expenditure_minor)).max().unwrap_or(0).max(1) as f64;
    let height = ROW * rows.len() as f64 + 24.0;
    let w = |minor: i64| plot * (minor.max(0) as f64 / max);
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(caption)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 2.0;
        let rate = r
            .delivery_rate_bp
            .map(|b| format!("{}\u{a0}%", i18n::number(&c.locale, (b as f64 / 10.0).round() / 10.0)))
            .unwrap_or_else(|| "–".into());
        let (budget, spent) =
            (i18n::money(&c.locale, r.budget_minor, currency), i18n::money(&c.locale, r.expenditure_minor, currency));
        s.push_str(&format!(
            r#"<g class="row"><title>{}: {} {}, {} {} ({})</title><text class="label" x="0" y="{:.1}">{}</text>"#,
            esc(&r.label),
            esc(&c.tr("budget").to_lowercase()),
            esc(&budget),
            esc(&c.tr("spent")),
            esc(&spent),
            esc(&rate),
            y + 14.0,
            esc(&if r.key == "-" { c.tr("other") } else { r.key.clone() })
        ));
        s.push_str(&format!(
            r#"<rect class="budget" x="{LABEL}" y="{y:.1}" width="{:.1}" height="16" rx="2"/><rect class="spent" x="{LABEL}" y="{:.1}" width="{:.1}" height="16" rx="2"/>"#,
            w(r.budget_minor),
            y + 18.0,
            w(r.expenditure_minor)
        ));
        s.push_str(&format!(
            r#"<text class="value" x="{:.1}" y="{:.1}">{} {}</text><text class="value" x="{:.1}" y="{:.1}">{} {} · {}</text></g>"#,
            LABEL + 4.0,
            y + 12.5,
            esc(&c.tr("budget").to_lowercase()),
            esc(&budget),
            LABEL + 4.0,
            y + 30.5,
            esc(&c.tr("spent")),
            esc(&spent),
            esc(&rate)
        ));
    }
    s.push_str(&format!(
        r#"<g class="legend"><rect class="budget" x="{LABEL}" y="{:.1}" width="12" height="10"/><text class="axis" x="{:.1}" y="{:.1}">{}</text><rect class="spent" x="{:.1}" y="{:.1}" width="12" height="10"/><text class="axis" x="{:.1}" y="{:.1}">{}</text></g></svg>"#,
        height - 14.0,
        LABEL + 16.0,
        height - 5.0,
        esc(&c.tr("budget").to_lowercase()),
        LABEL + 96.0,
        height - 14.0,
        LABEL + 112.0,
        height - 5.0,
        esc(&c.tr("expenditure").to_lowercase())
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, budget: i64, spent: i64) -> FinanceRow {
        FinanceRow {
            key: key.into(),
            label: "Output <one> & \"two\"".into(),
            budget_minor: budget,
            expenditure_minor: spent,
            balance_minor: budget - spent,
            delivery_rate_bp: Some(5000),
            delivery_rate: Some("50.00 %".into()),
        }
    }

    #[test]
    fn the_delivery_chart_writes_its_figures_and_escapes_text() {
        let svg = delivery_chart(
            &i18n::catalogue("en"),
            &[row("1.1", 1_000_000, 500_000), row("-", 0, 0)],
            "USD",
            "a <caption>",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("budget USD 10,000") && svg.contains("spent USD 5,000 · 50\u{a0}%"), "{svg}");
        assert!(svg.contains("Output &lt;one&gt; &amp; &quot;two&quot;"), "{svg}");
        assert!(svg.contains("a &lt;caption&gt;") && !svg.contains("<caption>"));
        assert!(svg.contains(">Other<"), "plan-level lines are labelled");
    }

    #[test]
    fn an_empty_chart_is_still_an_svg() {
        let svg = delivery_chart(&i18n::catalogue("en"), &[], "USD", "");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        let svg = progress_chart(&i18n::catalogue("en"), &[], "");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
