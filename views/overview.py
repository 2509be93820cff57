"""总览: headline figures with year-over-year change, and the trends behind them."""

import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import chart
from dashboard.ui import (
    COUNT,
    Tile,
    about_indicators,
    data_table,
    filters,
    fmt_count,
    fmt_rate,
    generated_banner,
    page_title,
    rates_as_text,
    tiles,
    warehouse_ready,
)
from etl.indicators import DISCLOSURE, FEW_CASES, REVIEW_CORRECTION, rate_column

page_title("总览")
if warehouse_ready():
    generated_banner()
    years = answers.overview(filters())
    if years.empty:
        st.info("当前筛选条件下没有报告。")
        st.stop()
    years[DISCLOSURE.name] = rate_column(years, "disclosed", "processed")
    years[REVIEW_CORRECTION.name] = rate_column(years, "review_corrected", "review_settled")
    years["通过全部校验"] = rate_column(years, "reports_passing", "reports")
    last = years.iloc[-1]
    before = years.iloc[-2] if len(years) > 1 else None
    st.caption(f"最新年度：{int(last['year'])} 年（与上一年相比）")
    bases = {
        DISCLOSURE.name: ("processed", DISCLOSURE.formula),
        REVIEW_CORRECTION.name: ("review_settled", REVIEW_CORRECTION.formula),
        "通过全部校验": ("reports", "通过全部勾稽关系的报告 ÷ 报告数"),
    }
    rate_tiles, cases_lines = [], []
    for name, (base, formula) in bases.items():
        delta = (
            None
            if before is None or before[name] != before[name] or last[name] != last[name]
            else f"{(last[name] - before[name]) * 100:+.1f} 个百分点"
        )
        cases = last[base]
        few = cases == cases and cases < FEW_CASES
        note = f"{formula}；分母 n = {fmt_count(cases)}" + (f"（少于 {FEW_CASES}，比率不稳定）" if few else "")
        rate_tiles.append(Tile(name, fmt_rate(last[name]) + ("*" if few else ""), delta, note))
        cases_lines.append(f"n = {fmt_count(cases)}" + ("，样本少" if few else ""))
    cards = tiles(
        Tile("报告数", fmt_count(last["reports"]), None if before is None else int(last["reports"] - before["reports"])),
        Tile("机关数", fmt_count(last["agencies"]), None if before is None else int(last["agencies"] - before["agencies"])),
        Tile("覆盖年度", f"{len(years)} 年", help=f"{int(years['year'].min())}–{int(years['year'].max())} 年"),
        Tile(
            "新收申请", fmt_count(last["received"]), None if before is None else fmt_count(last["received"] - before["received"])
        ),
        *rate_tiles,
    )
    for card, line in zip(cards[4:], cases_lines, strict=True):
        card.caption(line)
    left, right = st.columns(2)
    with left:
        chart(
            px.bar, years, x="year", y="received", title="新收政府信息公开申请（件）", labels={"year": "年度", "received": "件"}
        )
    with right:
        rates = years.melt(
            id_vars="year", value_vars=["公开率", "复议纠错率", "通过全部校验"], var_name="指标", value_name="比率"
        )
        chart(
            px.line,
            rates,
            x="year",
            y="比率",
            color="指标",
            markers=True,
            title="比率趋势",
            labels={"year": "年度"},
            yaxes={"tickformat": ".0%"},
        )
    about_indicators(DISCLOSURE, REVIEW_CORRECTION)
    table = years.rename(
        columns={
            "year": "年度",
            "reports": "报告数",
            "agencies": "机关数",
            "received": "新收申请",
            "disclosed": "予以公开+部分公开",
            "processed": "办理总计",
            "review_corrected": "复议纠正",
            "review_settled": "复议已审结",
        }
    )
    counts = ["报告数", "机关数", "新收申请", "予以公开+部分公开", "办理总计", "复议纠正", "复议已审结"]
    by_year = rates_as_text(table.drop(columns=["reports_passing"]), ["公开率", "复议纠错率", "通过全部校验"])
    data_table(by_year, formats=dict.fromkeys(counts, COUNT), hide_index=True)
