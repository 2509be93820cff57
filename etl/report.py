"""The records one parsed report is made of, shared by the checks, the warehouse and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

from etl.document import Box
from etl.narrative import Part
from etl.template import Version

Severity = Literal["error", "warning"]
CheckStatus = Literal["passed", "failed", "not_assessable"]


@dataclass(frozen=True)
class Issue:
    severity: Severity
    rule: str
    message: str
    cells: tuple[str, ...] = ()
    location: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
            "cells": list(self.cells),
            "location": self.location,
        }


@dataclass(frozen=True)
class Problem:
    """What a stage found wrong with some cells, before it becomes an issue of the report:
    which rule, in words, the cells' keys and where in the text (an offset)."""

    rule: str
    message: str
    keys: tuple[str, ...]
    offset: int


class CellRecord(NamedTuple):
    """One cell as the report gives it. (A named tuple: a report has two hundred, and a
    frozen record costs five times as much to make.)"""

    key: str
    value: int | float | None
    raw: str
    read_as: str  # number / blank / dash / recovered / unreadable / missing
    location: str
    note: str = ""
    box: Box | None = None  # where the page prints it, for sources with pages (PDF, scans)


class CheckResult(NamedTuple):
    """One identity judged on one report (a named tuple, as ``CellRecord``: forty a report)."""

    rule: str
    subject: str
    status: CheckStatus
    expected: float | None  # the stated side (a total), or None when not assessable
    actual: float | None  # the sum of its parts
    cells: tuple[str, ...]
    severity: Severity = "error"


@dataclass
class ParsedReport:
    source: str
    sha256: str
    format: str
    agency: str | None
    year: int | None
    template: Version
    published: date | None
    cells: dict[str, CellRecord] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    agency_from: str = ""
    published_from: str = ""  # "page" or "signature"
    parts: list[Part] = field(default_factory=list)  # 一 … 六 as text, for the annual review
    scope: str = "own"  # "own" (本级) or "area" (the whole area's figures, 全市…)
    scope_sentence: str = ""  # the sentence that makes it an area's report

    def values(self) -> dict[str, int | float | None]:
        return {key: cell.value for key, cell in self.cells.items()}

    def as_json(self) -> dict[str, object]:
        """The ``parse --json`` contract other tools rely on."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "published": self.published.isoformat() if self.published else None,
            "cells": self.values(),
            "issues": [issue.as_json() for issue in self.issues],
        }
