"""Downloads read as a person expects in Excel: integers, 是/否, a frozen header, and a
sheet that says what the file holds."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from etl.export import render


def _table() -> pd.DataFrame:
    return pd.DataFrame({"机关": ["甲", "乙"], "新收申请": [11.0, None], "金额（万元）": [1.5, 2.0], "政府": [True, False]})


def test_counts_are_integers_yes_no_is_in_words_and_amounts_keep_their_decimals() -> None:
    text = render(_table(), "csv").decode("utf-8-sig")
    assert text.splitlines() == ["机关,新收申请,金额（万元）,政府", "甲,11,1.5,是", "乙,,2.0,否"]


def test_an_excel_file_freezes_its_header_and_says_what_it_holds() -> None:
    about = {"内容": "数据查询", "筛选": "2019–2024年；省份：湖南省", "导出时间": "2026-12-01 10:00"}
    book = openpyxl.load_workbook(io.BytesIO(render(_table(), "xlsx", about)))
    assert book.sheetnames == ["数据", "说明"]
    data = book["数据"]
    assert data.freeze_panes == "A2" and data["B2"].value == 11 and data["D3"].value == "否"
    assert [row for row in book["说明"].iter_rows(values_only=True)][1:] == list(about.items())


def test_parquet_keeps_the_types_for_programs() -> None:
    back = pd.read_parquet(io.BytesIO(render(_table(), "parquet")))
    assert back["新收申请"].dtype == "float64" and back["政府"].dtype == bool
