"""Write the warehouse's cells in wide form (one row per report, one column per key).

CSV is UTF-8 with a BOM so that Excel shows the Chinese correctly; .xlsx and Parquet are
the same table rendered another way.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import pandas as pd

from etl.template import all_keys, label_for
from etl.warehouse import WIDE_META_COLUMNS, connect_readonly, wide_cells

ExportFormat = Literal["csv", "xlsx", "parquet"]


def wide_table(db_path: Path, chinese_labels: bool = False) -> pd.DataFrame:
    connection = connect_readonly(db_path)
    try:
        frame = wide_cells(connection, all_keys())
    finally:
        connection.close()
    if chinese_labels:
        frame = frame.rename(columns={**WIDE_META_COLUMNS, **{key: label_for(key) for key in all_keys()}})
    return frame


def render(frame: pd.DataFrame, fmt: ExportFormat, about: dict[str, str] | None = None) -> bytes:
    """The bytes of a table in a download format (shared by the CLI and the dashboard).

    For a spreadsheet the numbers are written as a person reads them: counts as integers
    (11, not 11.0), yes/no as 是/否. An Excel file freezes its header row and, given
    ``about`` (the filters, the warehouse's version, the date), says on a second sheet what
    it holds. Parquet keeps the types as they are, for programs.
    """
    if fmt == "csv":
        return str(_for_people(frame).to_csv(index=False)).encode("utf-8-sig")
    buffer = io.BytesIO()
    if fmt == "xlsx":
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            _for_people(frame).to_excel(writer, index=False, sheet_name="数据", freeze_panes=(1, 0))
            if about:
                pd.DataFrame({"项目": list(about), "内容": list(about.values())}).to_excel(writer, index=False, sheet_name="说明")
    elif fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    else:
        raise ValueError(f"unknown format {fmt}")
    return buffer.getvalue()


def _for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns as integers (NULL stays empty), true/false as 是/否."""
    tidy = frame.copy()
    for column in tidy.columns:
        values = tidy[column]
        if pd.api.types.is_bool_dtype(values):
            tidy[column] = values.map({True: "是", False: "否"})
        elif pd.api.types.is_float_dtype(values):
            present = values.dropna()
            if len(present) and bool((present == present.round()).all()) and bool((present.abs() < 2**53).all()):
                tidy[column] = values.astype("Int64")
    return tidy


def export(db_path: Path, fmt: ExportFormat, out: Path, chinese_labels: bool = False) -> int:
    """Write the export file; returns the number of reports written."""
    frame = wide_table(db_path, chinese_labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(frame, fmt))
    return len(frame)
