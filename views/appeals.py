"""复议诉讼: review and litigation outcomes, correction rates on settled cases."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.indicators import rate
from dashboard.ui import chart, filters, fmt_rate, generated_banner, warehouse_ready

GROUPS = {"review": "行政复议", "suit_direct": "行政诉讼（未经复议直接起诉）", "suit_after_review": "行政诉讼（复议后起诉）"}
OUTCOMES = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

st.title("复议诉讼")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    keys = tuple(f"appeals.{g}.{o}" for g in GROUPS for o in OUTCOMES)
    data = answers.sums_by_year(chosen, keys)
    long = pd.DataFrame(
        [
            {"年度": row["year"], "类别": GROUPS[g], "结果": OUTCOMES[o], "件": row[f"appeals.{g}.{o}"]}
            for _, row in data.iterrows()
            for g in GROUPS
            for o in OUTCOMES
            if o != "total"
        ]
    )
    chart(px.bar(long, x="年度", y="件", color="结果", facet_col="类别", title="复议与诉讼结果（件）"))
    rows = []
    for _, row in data.iterrows():
        for g, label in GROUPS.items():
            settled = row[f"appeals.{g}.total"] - row[f"appeals.{g}.pending"]
            rows.append(
                {
                    "年度": row["year"],
                    "类别": label,
                    "纠正（分子）": row[f"appeals.{g}.corrected"],
                    "已审结（分母）": settled,
                    "纠错率": fmt_rate(rate(row[f"appeals.{g}.corrected"], settled)),
                }
            )
    st.subheader("纠错率 = 结果纠正 ÷（总计 − 尚未审结）")
    st.dataframe(pd.DataFrame(rows), hide_index=True)
