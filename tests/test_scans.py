"""Scans read by OCR: the real 淮安 report rasterised into an image-only PDF and read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from etl.parse import parse_file
from etl.readers.ocr import ocr_available
from tests.helpers import SAMPLES

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


def test_a_number_wiped_off_the_scan_is_recovered_from_the_sums_and_said(tmp_path: Path) -> None:
    from PIL import ImageDraw

    from etl.readers.pdf_engine import read_pages

    page_four = list(read_pages(HUAIAN.read_bytes()))[3]  # where table 三 prints 本年新收 总计 (3119)
    ((_, x0, x1, top, bottom),) = [w for w in page_four.words if w[0] == "3119"]
    word = {"x0": x0, "x1": x1, "top": top, "bottom": bottom}
    (page,) = _rasterised([3])
    scale = 200 / 72
    ImageDraw.Draw(page).rectangle(  # type: ignore[arg-type]
        (word["x0"] * scale - 2, word["top"] * scale - 2, word["x1"] * scale + 2, word["bottom"] * scale + 2), fill="white"
    )
    path = tmp_path / "wiped.png"
    page.save(path)  # type: ignore[attr-defined]
    report = parse_file(path)
    cell = report.cells["requests.new_received.total"]
    assert (cell.value, cell.read_as) == (3119, "recovered")
    repaired = [issue for issue in report.issues if issue.rule == "scan_repaired"]
    assert ("requests.new_received.total",) in [issue.cells for issue in repaired]
    assert all(issue.severity == "error" and len(issue.cells) == 1 for issue in repaired)
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


def test_a_zip_of_page_photos_is_one_report_read_page_by_page_with_progress(tmp_path: Path) -> None:
    import zipfile

    from etl.ingest import ingest
    from etl.warehouse import connect_readonly

    path = tmp_path / "淮安市人民政府2024年报告扫描页.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number, page in zip((10, 9), _rasterised([4, 3], dpi=150), strict=True):  # names out of order on purpose
            buffer = io.BytesIO()
            page.save(buffer, "JPEG", quality=85, dpi=(150, 150))  # type: ignore[attr-defined]
            archive.writestr(f"扫描/第{number}页.jpg", buffer.getvalue())
    heard: list[tuple[str, int, int]] = []
    summary = ingest([path], tmp_path / "w.duckdb", on_page=lambda file, done, total: heard.append((file.name, done, total)))
    assert [o.status for o in summary.outcomes] == ["loaded"]
    assert heard == [(path.name, 1, 2), (path.name, 2, 2)]
    connection = connect_readonly(tmp_path / "w.duckdb")
    try:
        ((value, read_as, page, box),) = connection.execute(
            "SELECT value, read_as, page, box FROM cells WHERE key = 'requests.new_received.total'"
        ).fetchall()
    finally:
        connection.close()
    assert (value, read_as, page) == (3119, "ocr", 1) and box[0] < box[2]  # 第9页 is the first page


def test_a_pdf_whose_text_layer_is_gibberish_is_read_by_ocr(tmp_path: Path) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    (page,) = _rasterised([3])  # table 三's first page
    path = tmp_path / "scanner-ocr-layer.pdf"
    width, height = 595.0, 842.0
    pdf = canvas.Canvas(str(path), pagesize=(width, height))
    pdf.drawImage(ImageReader(page), 0, 0, width, height)
    layer = pdf.beginText(40, 800)
    layer.setTextRenderMode(3)  # invisible, as scanners lay their OCR over the image
    for line in range(40):
        layer.textLine("lIl1 0O0o ~~ #### iiii lIl1 0O0o ~~ ####" + str(line))
    pdf.drawText(layer)
    pdf.save()
    report = parse_file(path)
    assert report.format == "scan" and report.values()["requests.new_received.total"] == 3119
