"""The CSV files users give us (agencies.csv, a province's deadlines), as Excel saves
them: UTF-8 with or without a BOM, or GB18030 on a Chinese system."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def user_csv(path: Path) -> csv.DictReader[str]:
    """The file's rows by column name, whichever of those encodings it was saved in."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")  # saved by Excel on a Chinese system
    return csv.DictReader(io.StringIO(text, newline=""))
