"""复议诉讼: review and litigation outcomes, correction rates on settled cases."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.charts import chart
from dashboard.ui import about_indicators, data_table, filters, fmt_rate, generated_banner, page_title, warehouse_ready
from etl.indicators import APPEAL_GROUPS as GROUPS
from etl.indicators import APPEAL_OUTCOME_COLOURS, correction

#: The three groups as short chart titles: three long ones overlap on a phone.
FACET_TITLES = {"review": "行政复议", "suit_direct": "直接起诉", "suit_after_review": "复议后起诉"}
OUTCOMES = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

page_title("复议诉讼")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    keys = tuple(f"appeals.{g}.{o}" for g in GROUPS for o in OUTCOMES)
    data = answers.sums_by_year(chosen, keys)
    long = pd.DataFrame(
        [
            {"年度": row["year"], "类别": FACET_TITLES[g], "结果": OUTCOMES[o], "件": row[f"appeals.{g}.{o}"]}
            for _, row in data.iterrows()
            for g in GROUPS
            for o in OUTCOMES
            if o != "total"
        ]
    )
    chart(
        px.bar,
        long,
        x="年度",
        y="件",
        color="结果",
        facet_col="类别",
        title="复议与诉讼结果（件）",
        color_discrete_map=APPEAL_OUTCOME_COLOURS,
    )
    rates = []
    for g, label in GROUPS.items():
        indicator = correction(g)
        rates.append(
            pd.DataFrame(
                {
                    "年度": data["year"],
                    "类别": label,
                    "纠正（分子）": indicator.numerators(data),
                    "已审结（分母）": indicator.denominators(data),
                    "纠错率": indicator.of(data).map(fmt_rate),
                }
            )
        )
    st.subheader(f"纠错率 = {correction('review').formula}")
    about_indicators(*(correction(group) for group in GROUPS))
    data_table(pd.concat(rates).sort_values(["年度"], kind="stable"), hide_index=True)
