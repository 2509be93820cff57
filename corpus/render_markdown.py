"""Render a report as an OCR tool's Markdown: pipe tables with the tools' usual faults.

Table 三 is split in two, the header is replaced by placeholders (数据1…), a page footer
sits between rows, and some labels stand in a row of their own above their numbers.
"""

from __future__ import annotations

import random

from corpus.layout import ReportSpec, print_plan
from corpus.render_text import INTRO, format_value


def render_markdown(spec: ReportSpec, seed: int = 0) -> str:
    rng = random.Random(seed)
    out = [
        f"# {spec.agency}{spec.year}年政府信息公开工作年度报告",
        "",
        INTRO.format(year=spec.year),
        "",
        "## 一、总体情况",
        "本年度政务公开工作有序推进。",
        "",
    ]
    for table in print_plan(spec):
        out += [f"## {table.heading}", ""]
        rows = table.rows if not table.blocks else [row for _, _, rows in table.blocks for row in rows]
        width = max(len(row.keys) for row in rows) + 1
        out += ["| " + " | ".join(f"数据{i}" for i in range(1, width + 1)) + " |", "|" + "---|" * width]
        for index, row in enumerate(rows):
            label = "".join(row.labels)
            values = [format_value(key, spec.cells[key], set(), rng) for key in row.keys]
            if table.heading.startswith("三") and index == len(rows) // 2:
                out += ["", "— 4 —", "", "| " + " | ".join(f"数据{i}" for i in range(1, width + 1)) + " |", "|" + "---|" * width]
            if label and rng.random() < 0.2:
                out.append(f"| {label} |" + " |" * (width - 1))
                out.append("| |" + " | ".join(values) + " |")
            else:
                out.append(f"| {label} | " + " | ".join(values) + " |")
        out.append("")
    out += [
        "## 五、存在的主要问题及改进情况",
        "政策解读形式还不够丰富。",
        "## 六、其他需要报告的事项",
        "无。",
        "",
        spec.agency,
        f"{spec.published.year}年{spec.published.month}月{spec.published.day}日",
    ]
    return "\n".join(out)
