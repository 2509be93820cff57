"""Render a report as a government web page, with the markup real pages carry."""

from __future__ import annotations

import html
import random

from corpus.layout import PrintedTable, ReportSpec, print_plan
from corpus.narrative import narrative
from corpus.render_text import format_value

_NAV = '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>'
_SIDEBAR = '<div class="sidebar"><h3>相关报告</h3><ul><li>某县2018年政府信息公开工作年度报告</li><li>网站地图</li></ul></div>'
_FOOTER = '<div class="footer">主办单位：某某市人民政府办公室 网站标识码 3201000001 ICP备案号：苏ICP备05001234号-1</div>'


def render_html(spec: ReportSpec, defects: frozenset[str] = frozenset(), seed: int = 0) -> bytes:
    """The page's bytes (GBK when asked, as many older sites still serve)."""
    rng = random.Random(seed)
    title = f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    encoding = "gbk" if "gbk" in defects else "utf-8"
    words = narrative(spec)
    body = [
        f"<h1>{title}</h1>",
        "<p>一、总体情况</p>",
        *(f"<p>{paragraph}</p>" for paragraph in words.overview),
    ]
    for table in print_plan(spec):
        body.append(f"<p><strong>{table.heading}</strong></p>")
        if table.rows:
            body.append(_table(table, spec, set(defects), rng))
    body += (
        []
        if spec.cut
        else [
            f"<p>五、存在的主要问题及改进情况</p><p>{words.problems}</p>",
            f"<p>六、其他需要报告的事项</p><p>{words.other}</p>",
            f'<p style="text-align:right">{spec.agency}</p>',
            f'<p style="text-align:right">{spec.published.year}年{spec.published.month}月{spec.published.day}日</p>',
        ]
    )
    article = '<div id="zoom" class="article">' + "\n".join(body) + "</div>"
    if "page_chrome" in defects:
        article = _NAV + _SIDEBAR + article + _FOOTER
    page = f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{title}</title></head><body>{article}</body></html>'
    return page.encode("gb18030" if encoding == "gbk" else "utf-8")


def _td(text: str, defects: set[str], rng: random.Random, span: str = "") -> str:
    if text == "":
        inner = "&nbsp;"
    elif "word_markup" in defects:
        inner = f'<p class="MsoNormal"><span style="mso-bidi-font-size:10.5pt">{_split(text, rng)}</span><o:p></o:p></p>'
    else:
        inner = _split(text, rng) if "spans" in defects else html.escape(text)
    return f"<td{span}>{inner}</td>"


def _split(text: str, rng: random.Random) -> str:
    """Labels and numbers broken across <span>s and <br>s, as editors leave them."""
    if len(text) < 2:
        return html.escape(text)
    cut = rng.randint(1, len(text) - 1)
    joint = "<br>" if not text[0].isdigit() and rng.random() < 0.3 else "</span><span>"
    return f"<span>{html.escape(text[:cut])}{joint}{html.escape(text[cut:])}</span>"


def _value(key: str, value: float, defects: set[str], rng: random.Random) -> str:
    if value == 0 and "blank_zero" in defects and rng.random() < 0.5:
        return ""
    return format_value(key, value, defects, rng)


def _label_spans(table: PrintedTable) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]]]:
    """How many rows each group label spans, keyed by (label depth, first row), and the
    cells those spans cover: the official template merges 三、本年度办理结果 and
    （三）不予公开 down their rows."""
    spans: dict[tuple[int, int], int] = {}
    covered: set[tuple[int, int]] = set()
    for depth in (0, 1):
        start = None
        for index, row in enumerate(table.rows):
            inside = len(row.labels) > depth + 1
            if inside and row.labels[depth]:
                start = index
                spans[depth, index] = 1
            elif inside and start is not None:
                spans[depth, start] += 1
                covered.add((depth, index))
            else:
                start = None
    return spans, covered


def _table(table: PrintedTable, spec: ReportSpec, defects: set[str], rng: random.Random) -> str:
    rows = []
    if table.blocks:
        for title, header, printed in table.blocks:
            rows.append(f'<tr><td colspan="4">{title}</td></tr>')
            # A block with fewer than three columns widens its first one, header and rows alike.
            span = f' colspan="{5 - len(header)}"' if len(header) < 4 else ""
            rows.append(
                "<tr>" + "".join(_td(cell, defects, rng, span if i == 1 else "") for i, cell in enumerate(header)) + "</tr>"
            )
            for row in printed:
                cells = [_td(row.labels[0], defects, rng)]
                cells += [
                    _td(_value(k, spec.cells[k], defects, rng), defects, rng, span if i == 0 else "")
                    for i, k in enumerate(row.keys)
                ]
                rows.append("<tr>" + "".join(cells) + "</tr>")
        return "<table border=1>" + "".join(rows) + "</table>"
    if table.rows[0].labels == ():  # table 四
        review, suits = table.header[0]
        outcomes = table.header[1][:5]
        rows.append(f'<tr><td colspan="5">{review}</td><td colspan="10">{suits}</td></tr>')
        groups = "".join(f'<td colspan="5">{group}</td>' for group in table.header[1][5:])
        rows.append("<tr>" + "".join(_td(cell, defects, rng, ' rowspan="2"') for cell in outcomes) + groups + "</tr>")
        rows.append("<tr>" + "".join(_td(cell, defects, rng) for cell in table.header[2]) + "</tr>")
        row = table.rows[0]
        rows.append("<tr>" + "".join(_td(_value(k, spec.cells[k], defects, rng), defects, rng) for k in row.keys) + "</tr>")
        return "<table border=1>" + "".join(rows) + "</table>"
    width = len(table.rows[0].keys)
    rows.append(f'<tr><td colspan="3" rowspan="3">{table.header[0][0]}</td><td colspan="{width}">申请人情况</td></tr>')
    rows.append("<tr><td>自然人</td>" + f'<td colspan="{width - 2}">法人或其他组织</td><td>总计</td></tr>')
    rows.append("<tr>" + "".join(_td(cell, defects, rng) for cell in table.header[2][1:]) + "</tr>")
    spans, covered = _label_spans(table)
    for index, row in enumerate(table.rows):
        if len(row.labels) == 1:
            label_cells = f'<td colspan="3">{row.labels[0]}</td>'
        else:
            cells = []
            for depth, label in enumerate(row.labels):
                if depth == len(row.labels) - 1:
                    cells.append(
                        f'<td colspan="{4 - len(row.labels)}">{label}</td>' if len(row.labels) == 2 else f"<td>{label}</td>"
                    )
                elif (depth, index) in spans:
                    cells.append(f'<td rowspan="{spans[depth, index]}">{label}</td>')
                elif (depth, index) not in covered:
                    cells.append("<td></td>")
            label_cells = "".join(cells)
        values = "".join(_td(_value(k, spec.cells[k], defects, rng), defects, rng) for k in row.keys)
        rows.append(f"<tr>{label_cells}{values}</tr>")
    return "<table border=1>" + "".join(rows) + "</table>"
