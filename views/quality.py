"""数据质量: failed checks, cells read in unusual ways, checks across years, failed files."""

import streamlit as st

from dashboard.ui import ask, filters, generated_banner, linked_table, short_label, warehouse_ready

READ_AS = {
    "number": "按数字读取",
    "blank": "空白（按 0）",
    "dash": "横线/斜线/无（按 0）",
    "recovered": "由勾稽关系还原",
    "unreadable": "无法确定",
    "missing": "未找到该行",
}

st.title("数据质量")
if warehouse_ready():
    generated_banner()
    chosen = filters()
    failed = ask("failed_checks", chosen)
    counts = ask("read_as_counts", chosen)
    cross = ask("cross_year_warnings", chosen)
    bad_files = ask("ingest_failures")
    cards = st.columns(4)
    cards[0].metric("未通过的勾稽关系", len(failed))
    cards[1].metric("涉及报告", failed["report_id"].nunique() if len(failed) else 0)
    cards[2].metric("跨年度结转不一致", len(cross))
    cards[3].metric("导入失败的文件", len(bad_files))
    st.subheader("未通过的勾稽关系（报告自身的数字）")
    linked_table(
        failed,
        {
            "agency": "机关",
            "year": "年度",
            "rule": "规则",
            "subject": "对象",
            "expected": "合计（报告值）",
            "actual": "各项之和",
            "cells": "单元格",
        },
    )
    st.subheader("单元格读取方式（无法确定、未找到和由勾稽关系还原的单元格列在下表，最多 500 个）")
    st.dataframe(
        counts.assign(read_as=counts["read_as"].map(READ_AS)).rename(columns={"read_as": "读取方式", "cells": "单元格数"}),
        hide_index=True,
    )
    unusual = ask("unusual_cells", chosen)
    linked_table(
        unusual.assign(key=unusual["key"].map(short_label), read_as=unusual["read_as"].map(READ_AS)),
        {
            "agency": "机关",
            "year": "年度",
            "key": "单元格",
            "value": "值",
            "raw": "原文",
            "read_as": "读取方式",
            "location": "位置",
        },
    )
    st.subheader("跨年度检查：本年“上年结转”与上年“结转下年度”")
    st.dataframe(
        cross.rename(
            columns={
                "agency": "机关",
                "year": "年度",
                "last_year_carried_forward": "上年结转下年度",
                "carried_over": "本年上年结转",
            }
        ),
        hide_index=True,
        column_config={"report_id": None},
    )
    st.subheader("导入失败的文件")
    st.dataframe(
        bad_files.rename(columns={"logged_at": "时间", "file": "文件", "stage": "阶段", "reason": "原因"}), hide_index=True
    )
