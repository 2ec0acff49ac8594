#!/usr/bin/env python3
"""Python peer of the PDF renderer: writes the synthetic document of `benches/pdf.rs`
(`tests/pdf_docs::synthetic(1000, 10000)`: a 1 000-row indicator table in 50 output groups and a
10 000-line budget table with a subtotal per output and a total) with ReportLab's platypus, with
the same embedded DejaVu fonts (subset by ReportLab), repeated header rows, "page X of Y",
header, footer and a diagonal watermark on every page.

Only the rendering is timed (document to an in-memory buffer), not building the data.

    python3 -m venv /tmp/pdf-peer-venv && /tmp/pdf-peer-venv/bin/pip install reportlab
    /tmp/pdf-peer-venv/bin/python benches/peers/pdf_peer.py --runs 5 [--out synthetic.pdf]

Prints `median_ms=<ms> min_ms=<ms> bytes=<n> pages=<n>`.
"""

import argparse
import io
import os
import statistics
import time

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, PageBreak, Paragraph, SimpleDocTemplate, TableStyle

HERE = os.path.dirname(os.path.abspath(__file__))
FONTS = os.path.join(HERE, "..", "..", "assets", "fonts")
pdfmetrics.registerFont(TTFont("DejaVu", os.path.join(FONTS, "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", os.path.join(FONTS, "DejaVuSans-Bold.ttf")))

HEADER = "SYN-001 · synthetic project · 2020-Q1 to 2024-Q4"
FOOTER = "Synthetic project for the benchmark"
WATERMARK = "DRAFT: includes unapproved data"
INDICATORS = ["Civil servants trained", "Joint initiatives introduced", "Public Service Centres connected",
              "Staff trained on the e-learning platform", "Round tables held"]
STATUSES = ["On track", "Needs attention", "Off track", "No data"]
CELL = ParagraphStyle("cell", fontName="DejaVu", fontSize=7.5, leading=9)


def money(minor):
    return f"{minor / 100:,.2f} USD"


def num(v):
    return f"{v:,.0f}"


class NumberedCanvas(canvas.Canvas):
    """Two passes: keep each page's state, then draw "page X of Y" once the count is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved = []

    def showPage(self):
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("DejaVu", 7)
            self.drawString(18 * mm, A4[1] - 12 * mm, HEADER)
            self.drawString(18 * mm, 10 * mm, FOOTER)
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {self._pageNumber} of {total}")
            self.saveState()
            self.setFillColor(colors.Color(0.85, 0.85, 0.85))
            self.setFont("DejaVu-Bold", 40)
            self.translate(A4[0] / 2, A4[1] / 2)
            self.rotate(35)
            self.drawCentredString(0, 0, WATERMARK)
            self.restoreState()
            super().showPage()
        super().save()


def indicator_rows(outputs, per_output):
    rows, styles, n = [["Indicator", "Baseline", "Annual target", "Quarter actual", "Cumulative", "% of target",
                        "Status"]], [], 0
    for o in range(outputs):
        styles.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        styles.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), colors.Color(0.93, 0.93, 0.93)))
        rows.append([f"Output {o + 1}: Regional Hub of Civil Service, strand {o + 1}", "", "", "", "", "", ""])
        for _ in range(per_output):
            target = 40.0 + (n % 17) * 25.0
            cumulative = target * ((n * 37) % 130) / 100.0
            rows.append([Paragraph(f"{o + 1}.{n + 1} {INDICATORS[n % len(INDICATORS)]}", CELL),
                         num((n % 9) * 10.0), num(target), num(round(cumulative / 4.0)), num(round(cumulative)),
                         f"{cumulative / target * 100:.1f} %", STATUSES[n % len(STATUSES)]])
            n += 1
    return rows, styles


def budget_rows(outputs, lines):
    rows = [["Output / activity", "Funding source", "Account", "Budget", "Expenditure", "Balance", "Delivery"]]
    styles, line, tb, te = [], 0, 0, 0
    per = -(-lines // outputs)
    for o in range(outputs):
        styles.append(("SPAN", (0, len(rows)), (-1, len(rows))))
        rows.append([f"Output {o + 1}", "", "", "", "", "", ""])
        sb = se = 0
        for _ in range(per):
            if line == lines:
                break
            budget = 1_000_000 + (line * 7_919 % 50_000) * 100
            spent = budget * ((line * 31) % 110) // 100
            sb, se = sb + budget, se + spent
            rows.append([Paragraph(f"Activity {o + 1}.{line + 1}: workshops and expert missions", CELL),
                         ["UNDP TRAC", "Republic budget", "European Union"][line % 3], ["71200", "71300", "72100",
                                                                                           "74200"][line % 4],
                         money(budget), money(spent), money(budget - spent), f"{spent * 100 / budget:.1f} %"])
            line += 1
        tb, te = tb + sb, te + se
        styles.append(("FONTNAME", (0, len(rows)), (-1, len(rows)), "DejaVu-Bold"))
        rows.append([f"Subtotal output {o + 1}", "", "", money(sb), money(se), money(sb - se),
                     f"{se * 100 / sb:.1f} %"])
    styles.append(("FONTNAME", (0, len(rows)), (-1, len(rows)), "DejaVu-Bold"))
    rows.append(["Total", "", "", money(tb), money(te), money(tb - te), f"{te * 100 / tb:.1f} %"])
    return rows, styles


def table(rows, extra, widths):
    t = LongTable(rows, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVu"), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                           ("FONTNAME", (0, 0), (-1, 0), "DejaVu-Bold"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.86, 0.9, 0.96)),
                           ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")] + extra))
    return t


def render(indicators, lines):
    usable = A4[0] - 36 * mm
    ind, ind_style = indicator_rows(50, indicators // 50)
    bud, bud_style = budget_rows(100, lines)
    story = [Paragraph("Indicator performance", ParagraphStyle("h1", fontName="DejaVu-Bold", fontSize=14)),
             table(ind, ind_style, [usable * w / 13.7 for w in (4.4, 1.5, 1.5, 1.5, 1.7, 1.3, 1.8)]),
             PageBreak(),
             Paragraph("Budget", ParagraphStyle("h1", fontName="DejaVu-Bold", fontSize=14)),
             table(bud, bud_style, [usable * w / 15.0 for w in (4.0, 2.0, 1.6, 2.0, 2.0, 2.0, 1.4)])]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm)
    doc.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--indicators", type=int, default=1000)
    p.add_argument("--lines", type=int, default=10000)
    p.add_argument("--out")
    a = p.parse_args()
    times, data = [], b""
    for _ in range(a.runs):
        t = time.perf_counter()
        data = render(a.indicators, a.lines)
        times.append((time.perf_counter() - t) * 1000)
    if a.out:
        with open(a.out, "wb") as f:
            f.write(data)
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")
    print(f"median_ms={statistics.median(times):.1f} min_ms={min(times):.1f} bytes={len(data)} pages={pages}")


if __name__ == "__main__":
    main()
