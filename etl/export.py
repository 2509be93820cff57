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


def render(frame: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """The bytes of a table in a download format (shared by the CLI and the dashboard)."""
    if fmt == "csv":
        return str(frame.to_csv(index=False)).encode("utf-8-sig")
    buffer = io.BytesIO()
    if fmt == "xlsx":
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="数据")
    elif fmt == "parquet":
        frame.to_parquet(buffer, index=False)
    else:
        raise ValueError(f"unknown format {fmt}")
    return buffer.getvalue()


def export(db_path: Path, fmt: ExportFormat, out: Path, chinese_labels: bool = False) -> int:
    """Write the export file; returns the number of reports written."""
    frame = wide_table(db_path, chinese_labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(frame, fmt))
    return len(frame)
