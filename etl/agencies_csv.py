"""The user's agencies.csv: read (what it sets wins over inference, blanks keep the guess)
and written back (the agencies to check, for Excel, with why each needs checking)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from etl.agency_inference import normalise_name
from etl.user_csv import user_csv

CSV_COLUMNS = (
    "name",
    "aliases",
    "province",
    "city",
    "county",
    "level",
    "kind",
    "is_government",
    "parent",
    "reports_from",
    "reports_to",
)


@dataclass(frozen=True)
class Override:
    """One row of the user's agencies.csv: what it sets wins; what it leaves blank keeps
    the inferred value, so a row may correct a single column."""

    name: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None
    kind: str | None = None
    is_government: bool | None = None
    parent: str | None = None
    reports_from: int | None = None  # the roster: the first year the body must report on
    reports_to: int | None = None  # and the last (blank: every year since)

    @property
    def on_roster(self) -> bool:
        return self.reports_from is not None


def load_overrides(path: Path) -> dict[str, Override]:
    """The user's agencies.csv, by name and by each alias (``;``-separated).

    Every column but ``name`` is optional, and so is every cell; an alias maps to the
    row's name, so the reports of both are one agency.
    """
    found: dict[str, Override] = {}
    reader = user_csv(path)
    if "name" not in (reader.fieldnames or []):
        raise ValueError(f"{path}：缺少 name 列（应有列：{', '.join(CSV_COLUMNS)}）")
    for line, row in enumerate(reader, start=2):
        cell = {key: (value or "").strip() or None for key, value in row.items() if key}
        name = normalise_name(cell.get("name") or "")
        if not name:
            continue
        if cell.get("level") not in (None, "省", "市", "县", "乡镇"):
            raise ValueError(f"{path} 第 {line} 行：级别“{cell['level']}”无效，应为 省、市、县 或 乡镇")
        government = cell.get("is_government")
        override = Override(
            name,
            cell.get("province"),
            cell.get("city"),
            cell.get("county"),
            cell.get("level"),
            cell.get("kind"),
            None if government is None else government.lower() in ("1", "true", "是", "yes"),
            normalise_name(cell.get("parent") or "") or None,
            _year(cell.get("reports_from"), path, line),
            _year(cell.get("reports_to"), path, line),
        )
        found[name] = override
        for alias in filter(None, (normalise_name(a) for a in (cell.get("aliases") or "").split(";"))):
            found[alias] = override
    return found


def _year(text: str | None, path: Path, line: int) -> int | None:
    if text is None:
        return None
    if not re.fullmatch(r"(?:19|20)\d{2}", text.strip()):
        raise ValueError(f"{path} 第 {line} 行：年度“{text}”无效，应为四位年份，如 2021")
    return int(text)


def canonical_names(overrides: dict[str, Override]) -> dict[str, str]:
    """Alias → the name it stands for, for every alias in the overrides."""
    return {alias: info.name for alias, info in overrides.items() if alias != info.name}


def overrides_csv(records: list[dict[str, object]]) -> bytes:
    """An agencies.csv (UTF-8 with BOM, for Excel) of these agencies, with a note column
    saying why each needs checking; ``aliases`` may be a list or a ``;``-joined text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*CSV_COLUMNS, "note"], extrasaction="ignore")
    writer.writeheader()
    for record in records:
        row = {column: _csv_value(record.get(column)) for column in (*CSV_COLUMNS, "note")}
        aliases = record.get("aliases")
        row["aliases"] = ";".join(aliases) if isinstance(aliases, list | tuple) else _csv_value(aliases)
        if record.get("needs_name"):  # the placeholder's name becomes an alias of the name the user writes in
            row["aliases"], row["name"] = row["name"], ""
            row["note"] = "请在 name 列填写机关名称"
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: object) -> object:
    if value is None or value != value:  # None, NaN
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    return value
