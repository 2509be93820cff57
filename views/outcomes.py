"""办理结果: the outcome mix by year, reasons inside each group, and the rates of TEMPLATE.md."""

import plotly.express as px
import streamlit as st

from dashboard import answers
from dashboard.indicators import rate_column
from dashboard.ui import chart, filters, generated_banner, rates_as_text, short_label, warehouse_ready
from etl.template import tables

st.title("办理结果")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    rows = [row for version in ("2019", "2021") for row in tables(version)[1].rows if row.role == "leaf"]
    leaves = tuple(dict.fromkeys(f"requests.{row.key}.total" for row in rows))
    groups = {
        "granted": "予以公开",
        "partially_granted": "部分公开",
        "denied": "不予公开",
        "unable": "无法提供",
        "not_processed": "不予处理",
        "other": "其他处理",
    }
    data = answers.sums_by_year(
        chosen,
        (
            *leaves,
            "requests.total_processed.total",
            "requests.new_received.total",
            "requests.carried_over.total",
            "requests.carried_forward.total",
        ),
    )
    mix = data[["year"]].copy()
    for name, label in groups.items():
        members = [
            k
            for k in leaves
            if k.split(".")[1] == name
            or k.split(".")[1].startswith(name + "_")
            or (name == "other" and k.split(".")[1] == "other")
        ]
        mix[label] = data[members].sum(axis=1, min_count=1)
    long = mix.melt(id_vars="year", var_name="结果", value_name="件")
    left, right = st.columns(2)
    with left:
        chart(px.bar(long, x="year", y="件", color="结果", title="办理结果（件）", labels={"year": "年度"}))
    with right:
        chart(
            px.bar(long, x="year", y="件", color="结果", title="办理结果构成（占比）", labels={"year": "年度"}).update_layout(
                barnorm="percent"
            )
        )
    reasons = []
    for group in ("denied", "unable", "not_processed"):
        for key in leaves:
            if key.split(".")[1].startswith(group + "_"):
                reasons.append({"类别": groups[group], "原因": short_label(key).split("｜")[0], "件": data[key].sum(min_count=1)})
    chart(
        px.bar(
            reasons,
            x="件",
            y="原因",
            color="类别",
            orientation="h",
            title="不予公开、无法提供、不予处理的原因（所选年度合计）",
            height=600,
            labels={"原因": ""},
        )
    )
    rates = mix[["year"]].copy()
    rates["公开率"] = rate_column(
        mix.assign(d=mix["予以公开"] + mix["部分公开"], t=data["requests.total_processed.total"]), "d", "t"
    )
    rates["不予公开率"] = rate_column(mix.assign(t=data["requests.total_processed.total"]), "不予公开", "t")
    rates["无法提供率"] = rate_column(mix.assign(t=data["requests.total_processed.total"]), "无法提供", "t")
    rates["结转率"] = rate_column(
        data.assign(a=data["requests.new_received.total"] + data["requests.carried_over.total"]),
        "requests.carried_forward.total",
        "a",
    )
    rates["办理总计（分母）"] = data["requests.total_processed.total"]
    st.subheader("比率（分母为零时显示“—”）")
    shown = rates_as_text(rates, ["公开率", "不予公开率", "无法提供率", "结转率"])
    st.dataframe(shown.rename(columns={"year": "年度"}), hide_index=True)
