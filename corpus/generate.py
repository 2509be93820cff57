"""Generate a corpus: one report per agency per year, with its ground truth, deterministic
from a seed. Each report can be rendered in every format with defects at set rates."""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corpus.agencies import Agency, all_agencies
from corpus.layout import ReportSpec, printed_keys
from corpus.narrative import NARRATIVE_VERSION
from corpus.numbers import active_cells, appeal_cells, request_cells
from corpus.render_docx import fill_official_template, render_docx
from corpus.render_html import render_html
from corpus.render_markdown import render_markdown
from corpus.render_office import export_pdfs
from corpus.render_pdf import render_pdf
from corpus.render_print import print_page
from corpus.render_scan import render_scan
from corpus.render_text import render_text
from etl.template import APPLICANT_COLUMN_KEYS, Version

YEARS = range(2019, 2026)
FORMATS = ("txt", "html", "docx", "pdf", "md")
#: Scans take seconds a page to read (OCR): asked for by name, not in the default mix.
ALL_FORMATS = (*FORMATS, "scan")

#: Each defect's rate, per format that can show it.
DEFECT_RATES: dict[str, dict[str, float]] = {
    "txt": {
        "blank_zero": 0.3,
        "dash_zero": 0.2,
        "wrapped_labels": 0.3,
        "lost_labels": 0.2,
        "extra_value": 0.1,
        "fullwidth": 0.1,
        "units": 0.2,
        "thousands": 0.2,
        "signs": 0.3,
        "extra_column": 0.1,
        "lines": 0.2,
        "tabs": 0.1,
        "crawler": 0.02,
    },
    "html": {"blank_zero": 0.3, "spans": 0.3, "word_markup": 0.2, "page_chrome": 0.5, "gbk": 0.2, "units": 0.2},
    "docx": {"blank_zero": 0.3, "units": 0.2, "thousands": 0.1},
    "pdf": {"blank_zero": 0.3, "thousands": 0.1, "units": 0.2},
    "md": {},
    "scan": {"blank_zero": 0.3, "thousands": 0.1},
}
#: Layouts of one format that other publishing tools make, each rendered by that tool (or
#: its closest imitation); the rest of a format's reports keep its first family.
FAMILIES: dict[str, dict[str, float]] = {
    "txt": {"text": 1.0, "crawler-mixed": 0.03},
    "html": {"page": 1.0},
    "docx": {"word": 1.0},
    "pdf": {"reportlab": 1.0, "chromium": 0.3, "chromium-narrow": 0.1, "libreoffice": 0.3},
    "md": {"ocr": 1.0, "ocr-split": 0.35, "pdf-text": 0.25},
    "scan": {"damaged": 1.0},
}
#: Files that are not whole, in every format: no table 二, or cut off inside table 三 or 四.
PARTIAL_RATES = {"no_active": 0.01, "cut_requests": 0.01, "cut_appeals": 0.01}
BROKEN_RATE = 0.02  # reports whose own numbers break an identity, as real ones do
RESTATED_RATE = 0.02  # reports whose 上年结转 differs from last year's 结转下年度
MISSING_RATE = 0.015  # years an agency's report is missing from the collection


@dataclass
class GeneratedReport:
    spec: ReportSpec
    agency: Agency
    defects: frozenset[str]
    fmt: str
    seed: int
    family: str = ""

    @property
    def family_name(self) -> str:
        return f"{self.fmt}-{self.family or next(iter(FAMILIES[self.fmt]))}"


def _version(year: int, rng: random.Random) -> Version:
    if year <= 2020:
        return "2019"
    return "2019" if year <= 2022 and rng.random() < 0.03 else "2021"  # stragglers keep the old tables


def generate(
    seed: int = 1,
    agencies: list[Agency] | None = None,
    years: range = YEARS,
    formats: tuple[str, ...] = ("txt",),
    cross_year_faults: bool = True,
) -> Iterator[GeneratedReport]:
    """Every agency's run of reports; last year's carried_forward is this year's carried_over,
    except in the few reports that restate it (``spec.cross_year``); and a few years are
    missing from an agency's run, as in a real collection. ``cross_year_faults=False``:
    neither."""
    rng = random.Random(seed)
    for number, agency in enumerate(agencies if agencies is not None else all_agencies()):
        carried: dict[str, int] = {}
        in_force: dict[str, int] = {}
        growth = rng.uniform(0.9, 1.25)
        for year in years:
            version = _version(year, rng)
            size = agency.size * growth ** (year - 2019) * rng.uniform(0.6, 1.4)
            received = int(rng.expovariate(1 / max(size * 30, 0.2))) if rng.random() > 0.15 else 0
            local = rng.random() < 0.05
            cells: dict[str, int | float] = {}
            cells.update(active_cells(version, size / 10, in_force, rng))
            cells.update(request_cells(version, received, carried, rng, local, local))
            cells.update(appeal_cells(size / 40, rng))
            # A stream of its own, so that the gaps and restatements leave every other number as it was.
            across = random.Random(f"{seed}/{agency.name}/{year}")
            restated = cross_year_faults and year > years.start and across.random() < RESTATED_RATE
            if restated:
                _restate_carried_over(cells, across.randint(1, 5))
            carried = {c: int(cells[f"requests.carried_forward.{c}"]) for c in APPLICANT_COLUMN_KEYS}
            published = _published(agency, year, rng.randint(1, 3), rng.randint(1, 28))
            spec = ReportSpec(agency.name, year, version, published, cells, local, local)
            spec.cross_year = ["carried_over"] if restated else []
            if rng.random() < BROKEN_RATE:
                _break_identity(spec, rng)
            fmt = formats[rng.randrange(len(formats))]
            defects = frozenset(d for d, rate in DEFECT_RATES[fmt].items() if rng.random() < rate)
            if cross_year_faults and years.start < year < years.stop - 1 and across.random() < MISSING_RATE:
                continue  # not published, or not collected: a gap in the agency's run
            # Streams of their own, so that families and partial files leave every number as it was.
            family = _family(fmt, random.Random(f"{seed}/{agency.name}/{year}/family"))
            partial = _partial(spec, random.Random(f"{seed}/{agency.name}/{year}/partial"))
            yield GeneratedReport(spec, agency, defects | partial, fmt, seed * 100_000 + number * 10 + year, family)


#: Share of reports published after the deadline of 《政府信息公开条例》 art. 49.
LATE_SHARE = 0.05


def _published(agency: Agency, year: int, month: int, day: int) -> date:
    """When a report appeared: departments by 31 January, governments by 31 March, as
    most do; a few late (drawn from the agency and year alone, so that the corpus's other
    draws stay as they were)."""
    late = random.Random(hashlib.sha256(f"{agency.name}|{year}|late".encode()).digest()).random() < LATE_SHARE
    if agency.kind == "政府":
        return date(year + 1, 4, day) if late else date(year + 1, month, day)
    return date(year + 1, month, day) if late and month > 1 else date(year + 1, 1, day)


def _family(fmt: str, rng: random.Random) -> str:
    draw = rng.random()
    for name, rate in list(FAMILIES[fmt].items())[1:]:
        if draw < rate:
            return name
        draw -= rate
    return next(iter(FAMILIES[fmt]))


def _partial(spec: ReportSpec, rng: random.Random) -> frozenset[str]:
    """At most one way of being incomplete; the cells the file does not print are NULL in
    the truth, since the report does not state them."""
    draw = rng.random()
    for name, rate in PARTIAL_RATES.items():
        if draw < rate:
            if name == "no_active":
                spec.omit = ("active",)
            else:
                spec.cut = name.removeprefix("cut_")
            shown = printed_keys(spec)
            spec.cells = {key: (value if key in shown else None) for key, value in spec.cells.items()}  # type: ignore[misc]
            return frozenset({name})
        draw -= rate
    return frozenset()


def _restate_carried_over(cells: dict[str, int | float], extra: int) -> None:
    """上年结转 restated upwards; 结转下年度 grows with it, so the report's own balance holds."""
    for row in ("carried_over", "carried_forward"):
        for column in ("natural_person", "total"):
            cells[f"requests.{row}.{column}"] = int(cells[f"requests.{row}.{column}"]) + extra


def _break_identity(spec: ReportSpec, rng: random.Random) -> None:
    """A typo in one outcome cell: its row total and its column's outcome sum no longer hold."""
    key = rng.choice(["requests.granted.natural_person", "requests.unable_not_held.natural_person"])
    spec.cells[key] = int(spec.cells[key]) + rng.randint(1, 9)
    spec.broken = ["outcomes", "applicants"]
    if spec.subtotals and "unable" in key:
        spec.broken.append("subtotal")  # 无法提供 has a 小计 row in this layout


def render(report: GeneratedReport) -> tuple[bytes, str]:
    """The file's bytes and its suffix."""
    spec, defects, seed = report.spec, report.defects, report.seed
    family = report.family_name
    if family in ("pdf-chromium", "pdf-chromium-narrow"):
        page = render_html(spec, defects & {"blank_zero", "units", "thousands"}, seed)
        style = "hairline" if seed % 3 == 0 else "plain"
        return _cached(report, lambda: print_page(page, family.endswith("narrow"), style)), "pdf"
    if family == "pdf-libreoffice":
        return _cached(report, lambda: export_pdfs([office_document(report)])[0]), "pdf"
    if report.fmt == "scan":
        return _cached(report, lambda: render_scan(spec, defects, seed)), "pdf"
    if report.fmt == "html":
        return render_html(spec, defects, seed), "html"
    if report.fmt == "docx":
        return render_docx(spec, defects, seed), "docx"
    if report.fmt == "pdf":
        return render_pdf(spec, defects, seed), "pdf"
    if report.fmt == "md":
        return render_markdown(spec, seed, family.removeprefix("md-")).encode("utf-8"), "md"
    layout = "crawler" if "crawler" in defects else "lines" if "lines" in defects else "extracted"
    if family == "txt-crawler-mixed":
        layout = "crawler-mixed"
    return render_text(spec, layout, defects, seed).encode("utf-8"), "txt"


def office_document(report: GeneratedReport) -> bytes:
    """The Word file an office exports: the official 2021 template filled in where it fits
    (most agencies write their report in it), else our own ruled tables."""
    spec = report.spec
    if spec.version == "2021" and not (spec.with_org_subtotal or spec.subtotals or spec.omit or spec.cut):
        return fill_official_template(spec, report.defects, report.seed)
    return render_docx(spec, report.defects, report.seed)


#: Bump when a renderer changes what it prints, so cached renderings are made anew.
RENDER_VERSION = "1"  # crawler text is not cached; this covers the chromium and office families


def _cache_path(report: GeneratedReport) -> Path | None:
    """Where a tool's rendering of a report is kept (``CORPUS_RENDER_CACHE``), so that a
    benchmark run again renders nothing again. Keyed by what the report is, not by the
    bytes handed to the tool (a Word file records the time it was written)."""
    folder = os.environ.get("CORPUS_RENDER_CACHE")
    if not folder:
        return None
    spec = report.spec
    identity = [
        RENDER_VERSION,
        NARRATIVE_VERSION,
        report.family_name,
        report.seed,
        sorted(report.defects),
        spec.agency,
        spec.year,
        spec.version,
    ]
    identity += [
        spec.published.isoformat(),
        spec.with_org_subtotal,
        spec.subtotals,
        spec.omit,
        spec.cut,
        sorted(spec.cells.items()),
    ]
    digest = hashlib.sha256(json.dumps(identity, ensure_ascii=False, default=str).encode()).hexdigest()
    return Path(folder) / digest[:2] / f"{digest}.pdf"


def _cached(report: GeneratedReport, make: Callable[[], bytes]) -> bytes:
    path = _cache_path(report)
    if path is not None and path.exists():
        return path.read_bytes()
    data = make()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return data


def prerender(reports: Iterable[GeneratedReport], batch: int = 200) -> int:
    """Export every LibreOffice-family report into the cache in a few batches (LibreOffice
    starts once per batch instead of once per file). Returns how many were exported."""
    pending: list[tuple[Path, bytes]] = []
    for report in reports:
        if report.family_name != "pdf-libreoffice":
            continue
        path = _cache_path(report)
        if path is not None and not path.exists():
            pending.append((path, office_document(report)))
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        for (path, _), pdf in zip(chunk, export_pdfs([document for _, document in chunk]), strict=True):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf)
    return len(pending)


def write(report: GeneratedReport, folder: Path) -> Path:
    """Write the report file and its truth beside it; returns the report's path."""
    data, suffix = render(report)
    stem = f"{report.spec.agency}{report.spec.year}年政府信息公开工作年度报告"
    path = folder / report.agency.province / f"{stem}.{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    truth = {
        "agency": report.spec.agency,
        "year": report.spec.year,
        "template": report.spec.version,
        "published": report.spec.published.isoformat(),
        "format": report.fmt,
        "family": report.family_name,
        "defects": sorted(report.defects),
        "broken": report.spec.broken,
        "cross_year": report.spec.cross_year,
        "cells": report.spec.cells,
    }
    path.with_suffix(".truth.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    return path
