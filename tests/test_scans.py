"""Scans read by OCR: the real 淮安 report rasterised into an image-only PDF and read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from etl.parse import parse_file
from etl.readers.ocr import ocr_available
from tests.conftest import SAMPLES

HUAIAN = SAMPLES / "huaian-gov-2024.pdf"
pytestmark = pytest.mark.skipif(not ocr_available(), reason="the ocr extra is not installed (make install installs it)")


def _rasterised(pages: list[int] | None = None, dpi: int = 200) -> list[object]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(HUAIAN)
    chosen = range(len(document)) if pages is None else pages
    return [document[index].render(scale=dpi / 72).to_pil().convert("RGB") for index in chosen]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    images = _rasterised()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=200)  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("scan") / "淮安市人民政府2024年政府信息公开工作年度报告.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def test_an_image_only_pdf_reads_as_its_text_pdf_or_says_which_cells_it_doubts(scanned: Path) -> None:
    text = parse_file(HUAIAN).values()
    report = parse_file(scanned)
    assert report.format == "scan" and report.template == "2021" and report.year == 2024
    values = report.values()
    right = [key for key in text if values.get(key) == text[key]]
    assert len(right) >= 0.96 * len(text)
    named = {key for issue in report.issues if issue.severity == "error" for key in issue.cells}
    assert [key for key in text if key not in right and key not in named] == []  # no silent error
    assert values["requests.new_received.total"] == 3119 and values["appeals.review.total"] == 351
    cell = report.cells["requests.new_received.total"]
    assert cell.read_as == "ocr" and "置信度" in cell.note


def test_a_lost_digit_the_sums_pin_down_is_recovered_and_said(scanned: Path) -> None:
    report = parse_file(scanned)
    repaired = [issue for issue in report.issues if issue.rule == "scan_repaired"]
    assert repaired and all(issue.severity == "error" and len(issue.cells) == 1 for issue in repaired)
    for issue in repaired:
        assert report.cells[issue.cells[0]].read_as == "recovered"


def test_a_page_photo_is_read_too(tmp_path: Path) -> None:
    (page,) = _rasterised([3])  # table 三's first page
    path = tmp_path / "page.png"
    page.save(path)  # type: ignore[attr-defined]
    report = parse_file(path)
    assert report.format == "scan"
    assert report.values()["requests.new_received.total"] == 3119


def test_a_page_scanned_askew_is_straightened(tmp_path: Path) -> None:
    from PIL import Image

    (page,) = _rasterised([3])
    text = parse_file(HUAIAN).values()
    straight_path, askew_path = tmp_path / "straight.png", tmp_path / "askew.png"
    page.save(straight_path)  # type: ignore[attr-defined]
    page.rotate(3, expand=True, fillcolor="white", resample=Image.BICUBIC).save(askew_path)  # type: ignore[attr-defined]

    def right(path: Path) -> int:
        values = parse_file(path).values()
        return sum(values.get(key) == text[key] for key in text if key.startswith("requests.") and values.get(key) is not None)

    straight = right(straight_path)
    assert straight >= 80 and right(askew_path) >= straight - 3  # rows stay level across the table


def test_a_damaged_scan_from_the_corpus_has_no_silent_error(tmp_path: Path) -> None:
    from corpus.generate import generate, render

    report = next(r for r in generate(21, formats=("scan",)) if not r.defects)
    data, _ = render(report)
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    parsed = parse_file(path)
    named = {key for issue in parsed.issues if issue.severity == "error" for key in issue.cells}
    values = parsed.values()
    wrong = [key for key, truth in report.spec.cells.items() if values.get(key) != truth]
    assert len(wrong) <= 0.1 * len(report.spec.cells)
    assert [key for key in wrong if key not in named] == []
