#!/usr/bin/env python3
"""Python peer of the XLSX renderer: writes the synthetic workbook of `benches/xlsx.rs` with
XlsxWriter, the same sheets, cells, formats, formulas (SUMs of totals, the balance `C-D`, the
delivery and % of target ratios, each with its cached result), merges, column widths fitted to
the formatted content and row heights of wrapped text (the same measure as
`rbm::reports::xlsx::measure`, ported below), frozen panes, autofilters, print setup and
conditional formats as `rbm::reports::xlsx::render` writes for
`documents::synthetic(indicators, budget_lines)` (tests/xlsx/documents.rs): keep the data rules
below in step with that file. The Rust renderer also checks each formula against its figure
and adds the document language to the core properties; the peer does neither (less work).

Only the writing is timed (workbook to an in-memory buffer), not building the data.

    python3 -m venv /tmp/xlsx-peer-venv && /tmp/xlsx-peer-venv/bin/pip install xlsxwriter
    /tmp/xlsx-peer-venv/bin/python benches/peers/xlsx_peer.py --runs 10 [--out synthetic.xlsx]

Prints `median_ms=<ms> min_ms=<ms> bytes=<n>`.
"""

import argparse
import datetime
import io
import math
import statistics
import time

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

WATERMARK = "DRAFT: includes unapproved data"
HEADER = "SYN-001 · UNDP quarterly progress report · 2025-Q3"
FOOTER = "Synthetic data"
TITLE = "Synthetic project: quarterly progress report"
ACCOUNTS = ["Contractual services", "Local consultants", "Training", "IT equipment", "Travel"]
STATUS_LABELS = {"on_track": "On track", "needs_attention": "Needs attention", "off_track": "Off track"}
STATUS_COLOURS = [("On track", "#C6EFCE", "#006100"), ("Needs attention", "#FFEB9C", "#9C5700"),
                  ("Off track", "#FFC7CE", "#9C0006")]


def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def ratio(part, whole):
    return 0.0 if whole == 0 else round_half_away(part / whole * 1000.0) / 10.0


def status_for(p):
    return "on_track" if p >= 90.0 else "needs_attention" if p >= 60.0 else "off_track"


def fraction(p):
    """The percentage as the nearest fraction of its decimal text, as the renderer does."""
    return float(repr(p) + "e-2")


def synthetic(indicators, budget_lines):
    start = datetime.date(2025, 7, 1)
    outputs = []
    for g in range(math.ceil(indicators / 20)):
        items = []
        for k in range(g * 20, min((g + 1) * 20, indicators)):
            if k % 10 == 0:
                title = f"Доля государственных услуг, оказанных онлайн, Oʻzbekiston ({k + 1})"
            else:
                title = f"Share of public services delivered online in pilot district {k % 37 + 1}"
            baseline = float((k * 7) % 100)
            target = baseline + 10.0 + (k % 50)
            quarter = float((k * 13) % 40)
            cumulative = float((k * 17) % 120)
            measured = start + datetime.timedelta(days=k % 90)
            items.append((f"{g + 1}.{k % 20 + 1}", title, baseline, target, quarter, cumulative, measured))
        outputs.append((f"Output {g + 1}: results area {g + 1}", items))
    activities = []
    for a in range(math.ceil(budget_lines / 20)):
        lines = []
        for l in range(a * 20, min((a + 1) * 20, budget_lines)):
            budget = 100_000 + (l * 7_919) % 5_000_000
            spent = budget * ((l * 37) % 100) // 100
            label = f"Activity {a // 10 + 1}.{a % 10 + 1} line {l + 1}"
            account = f"7{(l * 31) % 10_000:04} {ACCOUNTS[l % len(ACCOUNTS)]}"
            lines.append((label, account, budget, spent))
        activities.append((f"Activity {a // 10 + 1}.{a % 10 + 1}: delivery area {a + 1}", lines))
    return outputs, activities


# --- The measure of rbm::reports::xlsx::measure: widths in units of Calibri's digit. -----------

def _units(c):
    if c in "0123456789$#*+<=>_~":
        return 1038
    table = {" ": 463, "\u00a0": 463, "\u202f": 463, ",": 548, ";": 548, ":": 548, ".": 517, "'": 451,
             '"': 821, "!": 667, "%": 1463, "&": 1397, "(": 621, ")": 621, "[": 621, "]": 621, "{": 621,
             "}": 621, "-": 627, "/": 791, "\\": 791, "?": 945, "@": 1817, "|": 940, "\u2022": 1000,
             "\u201c": 850, "\u201d": 850, "«": 850, "»": 850, "\u2013": 1020, "\u2014": 1833, "ʻ": 500,
             "ʼ": 500, "\u2018": 500, "\u2019": 500, "i": 480, "j": 480, "l": 480, "I": 480, "f": 690,
             "t": 690, "r": 690, "J": 653, "s": 810, "z": 810, "c": 910, "x": 910, "v": 910, "y": 910,
             "k": 910, "m": 1636, "w": 1464, "M": 1751, "W": 1822, "L": 861}
    if c in table:
        return table[c]
    if "a" <= c <= "z":
        return 1060
    if c in "EFSTYZ":
        return 980
    if c in "ABCKPRVX":
        return 1110
    if c in "DGHNOQU":
        return 1310
    if c in "ЖШЩЫЮжшщыюмМ":
        return 1500
    if "\u0400" <= c <= "\u042f":
        return 1200
    if "\u0430" <= c <= "\u045f":
        return 1000
    o = ord(c)
    if (0x1100 <= o <= 0x115F or 0x2E80 <= o <= 0xA4CF or 0xAC00 <= o <= 0xD7A3 or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFF60 or 0xFFE0 <= o <= 0xFFE6):
        return 2076
    if c.isupper():
        return 1200
    if not c.isprintable():
        return 0
    return 1060


class CharWidths(dict):
    def __missing__(self, c):
        w = _units(c) / 1038.0
        self[c] = w
        return w


CW = CharWidths()
BOLD = 1.05
PADDING = 1.6
HEADER_ONE_LINE = 14.0


def text_width(s, bold=False):
    w = sum(CW[c] for c in s)
    return w * BOLD if bold else w


def int_digits(x, decimals):
    scale = 10.0 ** decimals
    r = round_half_away(abs(x) * scale) / scale
    return 1 if r < 10 else len(str(int(r)))


def number_width(digits, decimals, negative, suffix):
    w = (digits + decimals) * CW["0"] + ((digits - 1) // 3) * CW[","]
    if decimals:
        w += CW["."]
    if negative:
        w += CW["-"]
    return w + text_width(suffix)


def money_width(minor, suffix=" USD"):
    whole = abs(minor) // 100
    return number_width(len(str(whole)), 2, minor < 0, suffix)


def wrapped_lines(s, width, bold=False):
    avail = max((width - 0.6) / (BOLD if bold else 1.0), 1.0)
    lines = 0
    for paragraph in s.split("\n"):
        lines += 1
        if sum(CW[c] for c in paragraph) <= avail:
            continue
        space = CW[" "]
        line = 0.0
        first = True
        for word in paragraph.split(" "):
            w = sum(CW[c] for c in word)
            needed = w if first else line + space + w
            if needed <= avail:
                line = needed
                first = False
                continue
            if not first:
                lines += 1
            while w > avail:
                lines += 1
                w -= avail
            line = w
            first = False
    return max(lines, 1)


def column_widths(weights, content, figures, headers):
    """Widths as rbm's `column_widths`: `content` the widest shown value of each column,
    `figures` whether it holds figures, `headers` its header labels."""
    total = max(14.0 * len(weights), 60.0)
    s = sum(weights)
    out = []
    for col, w in enumerate(weights):
        word = max((max(text_width(x, True) for x in h.replace("\n", " ").split(" ")) for h in headers[col]),
                   default=0.0)
        label = max((text_width(h, True) for h in headers[col]), default=0.0)
        header = max(word, min(label, HEADER_ONE_LINE))
        if figures[col]:
            width = max(content[col], header)
        else:
            cap = min(max(1.5 * total * w / s, 24.0), 60.0)
            width = max(min(content[col], cap), header)
        out.append(math.ceil(min(max(width + PADDING, 6.0), 255.0) * 4.0) / 4.0)
    return out


def set_lines(ws, row, lines):
    if lines > 1:
        ws.set_row(row, min(lines * 15.0, 409.0))


def sum_formula(column, ranges):
    args = [f"{column}{a}" if a == b else f"{column}{a}:{column}{b}" for a, b in ranges]
    if len(args) <= 255:
        return "SUM(" + ",".join(args) + ")"
    chunks = ["SUM(" + ",".join(args[i:i + 255]) + ")" for i in range(0, len(args), 255)]
    return "SUM(" + ",".join(chunks) + ")"


class Styles:
    def __init__(self, wb):
        self.wb = wb
        self.cache = {}
        self.watermark = wb.add_format({"bold": True, "font_size": 14, "font_color": "#C00000"})
        self.title = wb.add_format({"bold": True, "font_size": 18})
        self.subtitle = wb.add_format({"italic": True, "font_color": "#595959"})
        self.heading = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F3864"})
        self.paragraph = wb.add_format({"valign": "top", "text_wrap": True})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.caption = wb.add_format({"bold": True, "font_size": 12})

    def cell(self, role, kind, align):
        key = (role, kind, align)
        f = self.cache.get(key)
        if f is not None:
            return f
        props = {}
        if kind == "percent":
            props["num_format"] = "0.0%"
        elif kind == "date":
            props["num_format"] = "dd mmm yyyy"
        elif kind == "number0":
            props["num_format"] = "#,##0"
        elif kind == "usd":
            props["num_format"] = '#,##0.00 "USD"'
        if align in ("right", "center"):
            props["align"] = align
        if role == "header":
            props.update({"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#D9E1F2",
                          "border": 1, "border_color": "#8EA9DB"})
        elif role == "data":
            props["valign"] = "top"
            if kind == "text":
                props["text_wrap"] = True
        elif role == "group":
            props.update({"bold": True, "bg_color": "#EDEDED", "valign": "top", "text_wrap": True})
        elif role == "subtotal":
            props.update({"bold": True, "top": 1, "valign": "top"})
        elif role == "total":
            props.update({"bold": True, "top": 1, "bottom": 6, "valign": "top"})
        if role in ("subtotal", "total") and kind == "text":
            props["text_wrap"] = True
        f = self.wb.add_format(props)
        self.cache[key] = f
        return f


def page_setup(ws, landscape):
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_header("&L" + HEADER + '&R&"-,Bold"&KC00000' + WATERMARK)
    ws.set_footer("&L" + FOOTER + "&Rpage &P of &N")
    ws.set_tab_color("#C00000")


def write_report(wb, st):
    ws = wb.add_worksheet("Report")
    ws.set_column(0, 0, 100)
    ws.set_column(1, 1, 16)
    page_setup(ws, False)
    ws.write_string(0, 0, WATERMARK, st.watermark)
    ws.write_string(1, 0, TITLE, st.title)
    ws.set_row(1, 24)
    ws.write_string(2, 0, HEADER, st.subtitle)
    ws.write_string(4, 0, "Summary", st.heading)
    ws.write_string(5, 0, "A synthetic project to measure the renderers.", st.paragraph)
    ws.write_url(6, 0, "internal:Indicators!A1", st.link,
                 string="Table: Progress per output: indicators (sheet “Indicators”)")
    ws.write_url(7, 0, "internal:Budget!A1", st.link,
                 string="Table: Budget and expenditure by output and activity (USD) (sheet “Budget”)")


def finish_table(ws, first_header, last_header, first_body, nrows, filtered_rows, ncols, status_col):
    ws.freeze_panes(first_body, 0)
    ws.repeat_rows(first_header, last_header)
    ws.autofilter(last_header, 0, last_header + filtered_rows, ncols - 1)
    if status_col is not None and nrows:
        for label, fill, font in STATUS_COLOURS:
            fmt = ws_formats[(fill, font)]
            ws.conditional_format(first_body, status_col, first_body + nrows - 1, status_col,
                                  {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": fmt})


ws_formats = {}


def write_indicators(wb, st, outputs):
    ws = wb.add_worksheet("Indicators")
    weights = [0.8, 5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.4, 1.2]
    aligns = ["left", "left", "right", "right", "right", "right", "right", "center", "center"]
    labels = ["Code", "Indicator", "Baseline", "Annual target", "Quarter actual", "Cumulative", "% of target",
              "Status", "Measured"]
    # Widths: every cell's shown width first (rows as the renderer has them).
    rows = []
    content = [0.0] * 9
    for title, items in outputs:
        for code, name, baseline, target, quarter, cumulative, measured in items:
            p = ratio(cumulative, target)
            label = STATUS_LABELS[status_for(p)]
            day = measured.strftime("%d %b %Y")
            shown = [text_width(code), text_width(name), number_width(int_digits(baseline, 0), 0, False, ""),
                     number_width(int_digits(target, 0), 0, False, ""),
                     number_width(int_digits(quarter, 0), 0, False, ""),
                     number_width(int_digits(cumulative, 0), 0, False, ""),
                     number_width(int_digits(p, 1), 1, False, "%"), text_width(label), text_width(day)]
            for c in range(9):
                if shown[c] > content[c]:
                    content[c] = shown[c]
            rows.append((code, name, baseline, target, quarter, cumulative, measured, p, label))
    figures = [False, False, True, True, True, True, True, False, True]
    widths = column_widths(weights, content, figures, [[x] for x in labels])
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    page_setup(ws, True)
    ws.write_string(0, 0, WATERMARK, st.watermark)
    ws.write_string(1, 0, "Progress per output: indicators", st.caption)
    h = lambda col: st.cell("header", "text", aligns[col])
    ws.merge_range(2, 0, 2, 1, "Indicator", h(0))
    ws.merge_range(2, 2, 2, 5, "2025", h(2))
    ws.merge_range(2, 6, 2, 8, "Progress", h(6))
    set_lines(ws, 2, max(wrapped_lines("Indicator", widths[0] + widths[1], True),
                         wrapped_lines("2025", sum(widths[2:6]), True),
                         wrapped_lines("Progress", sum(widths[6:9]), True)))
    for c, label in enumerate(labels):
        ws.write_string(3, c, label, h(c))
    set_lines(ws, 3, max(wrapped_lines(label, widths[c], True) for c, label in enumerate(labels)))
    row = 4
    nrows = 0
    k = 0
    for title, items in outputs:
        ws.merge_range(row, 0, row, 8, title, st.cell("group", "text", "left"))
        set_lines(ws, row, wrapped_lines(title, sum(widths), True))
        row += 1
        nrows += 1
        for _ in items:
            code, name, baseline, target, quarter, cumulative, measured, p, label = rows[k]
            k += 1
            d = lambda col, kind: st.cell("data", kind, aligns[col])
            ws.write_string(row, 0, code, d(0, "text"))
            ws.write_string(row, 1, name, d(1, "text"))
            ws.write_number(row, 2, baseline, d(2, "number0"))
            ws.write_number(row, 3, target, d(3, "number0"))
            ws.write_number(row, 4, quarter, d(4, "number0"))
            ws.write_number(row, 5, cumulative, d(5, "number0"))
            ws.write_formula(row, 6, f"F{row + 1}/D{row + 1}", d(6, "percent"), fraction(p))
            ws.write_string(row, 7, label, d(7, "text"))
            ws.write_datetime(row, 8, datetime.datetime.combine(measured, datetime.time()), d(8, "date"))
            set_lines(ws, row, max(wrapped_lines(code, widths[0]), wrapped_lines(name, widths[1]),
                                   wrapped_lines(label, widths[7])))
            row += 1
            nrows += 1
    finish_table(ws, 2, 3, 4, nrows, nrows, 9, 7)


def write_budget(wb, st, activities):
    ws = wb.add_worksheet("Budget")
    weights = [4.0, 1.2, 1.6, 1.6, 1.6, 1.0]
    aligns = ["left", "left", "right", "right", "right", "right"]
    labels = ["Output / activity", "Account", "Budget", "Expenditure", "Balance", "Delivery"]
    content = [0.0] * 6
    total_b = total_e = 0
    for title, lines in activities:
        sb = se = 0
        for label, account, b, e in lines:
            shown = [text_width(label), text_width(account), money_width(b), money_width(e), money_width(b - e),
                     number_width(int_digits(ratio(e, b), 1), 1, False, "%")]
            for c in range(6):
                if shown[c] > content[c]:
                    content[c] = shown[c]
            sb += b
            se += e
        # Subtotal figures, bold.
        for c, w in ((2, money_width(sb)), (3, money_width(se)), (4, money_width(sb - se)),
                     (5, number_width(int_digits(ratio(se, sb), 1), 1, False, "%"))):
            content[c] = max(content[c], w * BOLD)
        total_b += sb
        total_e += se
    for c, w in ((2, money_width(total_b)), (3, money_width(total_e)), (4, money_width(total_b - total_e)),
                 (5, number_width(int_digits(ratio(total_e, total_b), 1), 1, False, "%"))):
        content[c] = max(content[c], w * BOLD)
    widths = column_widths(weights, content, [False, False, True, True, True, True], [[x] for x in labels])
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    page_setup(ws, True)
    ws.write_string(0, 0, WATERMARK, st.watermark)
    ws.write_string(1, 0, "Budget and expenditure by output and activity (USD)", st.caption)
    for c, label in enumerate(labels):
        ws.write_string(2, c, label, st.cell("header", "text", aligns[c]))
    set_lines(ws, 2, max(wrapped_lines(label, widths[c], True) for c, label in enumerate(labels)))
    row = 3
    nrows = 0
    all_runs = []
    total_b = total_e = 0
    for title, lines in activities:
        ws.merge_range(row, 0, row, 5, title, st.cell("group", "text", "left"))
        set_lines(ws, row, wrapped_lines(title, sum(widths), True))
        row += 1
        nrows += 1
        first = row
        sb = se = 0
        for label, account, b, e in lines:
            d = lambda col, kind: st.cell("data", kind, aligns[col])
            r = row + 1
            ws.write_string(row, 0, label, d(0, "text"))
            ws.write_string(row, 1, account, d(1, "text"))
            ws.write_number(row, 2, b / 100, d(2, "usd"))
            ws.write_number(row, 3, e / 100, d(3, "usd"))
            ws.write_formula(row, 4, f"C{r}-D{r}", d(4, "usd"), (b - e) / 100)
            ws.write_formula(row, 5, f"D{r}/C{r}", d(5, "percent"), fraction(ratio(e, b)))
            set_lines(ws, row, max(wrapped_lines(label, widths[0]), wrapped_lines(account, widths[1])))
            sb += b
            se += e
            row += 1
            nrows += 1
        runs = [(first + 1, row)]
        all_runs.extend(runs)
        s = lambda col, kind: st.cell("subtotal", kind, aligns[col])
        label = "Subtotal " + title.split(":")[0]
        ws.merge_range(row, 0, row, 1, label, s(0, "text"))
        for col, value in ((2, sb), (3, se), (4, sb - se)):
            letter = xl_col_to_name(col)
            ws.write_formula(row, col, sum_formula(letter, runs), s(col, "usd"), value / 100)
        ws.write_formula(row, 5, f"D{row + 1}/C{row + 1}", s(5, "percent"), fraction(ratio(se, sb)))
        set_lines(ws, row, wrapped_lines(label, widths[0] + widths[1], True))
        row += 1
        nrows += 1
        total_b += sb
        total_e += se
    t = lambda col, kind: st.cell("total", kind, aligns[col])
    ws.merge_range(row, 0, row, 1, "Total", t(0, "text"))
    for col, value in ((2, total_b), (3, total_e), (4, total_b - total_e)):
        letter = xl_col_to_name(col)
        ws.write_formula(row, col, sum_formula(letter, all_runs), t(col, "usd"), value / 100)
    ws.write_formula(row, 5, f"D{row + 1}/C{row + 1}", t(5, "percent"), fraction(ratio(total_e, total_b)))
    nrows += 1
    finish_table(ws, 2, 2, 3, nrows, nrows - 1, 6, None)


def write_workbook(outputs, activities, target):
    wb = xlsxwriter.Workbook(target, {"in_memory": True})
    # A formula the document leaves empty caches "" (as the renderer's sheets do).

    wb.set_properties({"title": TITLE, "subject": HEADER})
    ws_formats.clear()
    for _, fill, font in STATUS_COLOURS:
        ws_formats[(fill, font)] = wb.add_format({"bg_color": fill, "font_color": font})
    st = Styles(wb)
    write_report(wb, st)
    write_indicators(wb, st, outputs)
    write_budget(wb, st, activities)
    wb.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--budget-lines", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out")
    args = parser.parse_args()
    outputs, activities = synthetic(args.indicators, args.budget_lines)
    buffer = io.BytesIO()
    write_workbook(outputs, activities, buffer)  # warm-up
    size = len(buffer.getvalue())
    times = []
    for _ in range(args.runs):
        buffer = io.BytesIO()
        start = time.perf_counter()
        write_workbook(outputs, activities, buffer)
        times.append((time.perf_counter() - start) * 1000.0)
    if args.out:
        with open(args.out, "wb") as f:
            f.write(buffer.getvalue())
    print(f"python xlsxwriter {xlsxwriter.__version__} synthetic ({args.indicators} indicators, "
          f"{args.budget_lines} budget lines): median_ms={statistics.median(times):.1f} "
          f"min_ms={min(times):.1f} bytes={size} runs={args.runs}")


if __name__ == "__main__":
    main()
