"""Every supported format, read from real files: the samples and renderings of one content."""

from pathlib import Path

import pytest

from etl.document import ReadError
from etl.parse import parse_file
from etl.readers import read_document, sniff_format
from etl.readers.html import decode_html, read_html
from etl.readers.markdown import read_markdown
from tests.helpers import FIXTURES, SAMPLES, truth

FORMATS = FIXTURES / "formats"
NAMES = ["same-2019-blanks", "same-2021-blanks", "same-2021-local"]


def errors(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [issue.message for issue in report.issues if issue.severity == "error"]


# ---- The real samples ------------------------------------------------------------------------------


def test_huaian_pdf_every_number_and_identity() -> None:
    report = parse_file(SAMPLES / "huaian-gov-2024.pdf")
    values = report.values()
    assert (report.agency, report.year, report.template, report.format) == ("淮安市人民政府", 2024, "2021", "pdf")
    assert values["requests.new_received.total"] == 3119
    assert values["requests.total_processed.total"] == 3050
    assert values["active.penalty.decisions"] == 3985758
    assert values["appeals.review.total"] == 351
    assert [values[f"appeals.review.{c}"] for c in ("upheld", "corrected", "other", "pending")] == [72, 64, 178, 37]
    assert [values[f"appeals.suit_after_review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [
        12,
        1,
        1,
        6,
        20,
    ]
    assert [values[f"requests.new_received.{c}"] for c in ("natural_person", "commercial", "research", "legal_service")] == [
        3001,
        53,
        0,
        61,
    ]
    assert values["requests.other_no_correction.total"] == 71  # its label wraps over three lines
    assert values["requests.partially_granted.natural_person"] == 447  # its label wraps around the numbers
    assert values["requests.unable_needs_creation.total"] == 11  # the first row after the page break
    assert values["active.fees.amount_wan"] == 96171.6 and values["active.regulations.in_force"] == 11
    assert not errors(report)
    assert {check.status for check in report.checks} == {"passed"}
    assert report.cells["requests.new_received.total"].location == "第4页"


def test_city_html_every_number_and_identity() -> None:
    report = parse_file(SAMPLES / "city-2025.html")
    values = report.values()
    assert (report.agency, report.year, report.template) == ("测试市", 2025, "2021")
    assert values["active.licensing.decisions"] == 11398889
    assert values["active.normative_docs.repealed"] == 984
    assert values["requests.new_received.total"] == 14069
    assert values["requests.carried_forward.total"] == 819
    assert values["requests.other_other.total"] == 965
    assert [values[f"appeals.suit_after_review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [
        74,
        1,
        30,
        51,
        156,
    ]
    assert not errors(report)
    assert {check.status for check in report.checks} == {"passed"}


REAL = FIXTURES / "real"


@pytest.mark.parametrize("name", ["city-2025.print.pdf", "city-2025.word.pdf"])
def test_browser_printed_and_word_exported_pdfs_read_exactly_as_the_page(name: str) -> None:
    """Chrome's print (no borders, radical code points, blank cells leave no text) and
    LibreOffice's export (borders as segments) of the same page give its numbers."""
    page = parse_file(SAMPLES / "city-2025.html")
    report = parse_file(REAL / name)
    assert report.values() == page.values()
    assert not errors(report)
    assert {check.status for check in report.checks} == {"passed"}


# ---- One content, every format ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("suffix", ["txt", "html", "docx", "pdf", "md"])
def test_every_format_reads_the_same_cells(name: str, suffix: str) -> None:
    expected = truth(f"formats/{name}")
    report = parse_file(FORMATS / f"{name}.{suffix}")
    assert report.values() == expected["cells"]
    assert (report.agency, report.year, report.template, str(report.published)) == (
        expected["agency"],
        expected["year"],
        expected["template"],
        expected["published"],
    )
    assert not errors(report)


def test_blank_cells_are_zero_and_marked_in_every_format() -> None:
    for suffix in ("txt", "html", "docx", "pdf"):
        report = parse_file(FORMATS / f"same-2021-blanks.{suffix}")
        blanks = [cell for cell in report.cells.values() if cell.read_as == "blank"]
        assert blanks and all(cell.value == 0 for cell in blanks), suffix


@pytest.mark.parametrize(
    "name",
    [
        "same-2021-blanks-official-template.docx",
        "same-2021-blanks-gbk-page.html",
        "same-2021-blanks-pdf-named.txt",
        "same-2021-blanks-html-named.txt",
    ],
)
def test_official_template_gbk_page_and_wrong_extensions(name: str) -> None:
    report = parse_file(FORMATS / name)
    assert report.values() == truth("formats/same-2021-blanks")["cells"]


def test_format_is_told_by_content() -> None:
    assert sniff_format((FORMATS / "same-2021-blanks-pdf-named.txt").read_bytes()) == "pdf"
    assert sniff_format((FORMATS / "same-2021-blanks.docx").read_bytes()) == "docx"
    assert sniff_format((FORMATS / "same-2021-blanks-html-named.txt").read_bytes()) == "html"
    assert read_document(FORMATS / "same-2021-blanks.md").format == "md"


def test_a_scan_without_text_layer_asks_for_ocr() -> None:
    with pytest.raises(ReadError, match="OCR"):
        parse_file(FORMATS / "scan-no-text.pdf")


def test_legacy_doc_and_zip_are_refused_with_a_way_forward(tmp_path: Path) -> None:
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match=r"\.docx"):
        parse_file(doc)
    archive = tmp_path / "reports.txt"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ReadError, match="解压"):
        parse_file(archive)


# ---- Awkward markup ------------------------------------------------------------------------------------


def test_html_spans_breaks_word_markup_and_nbsp() -> None:
    page = """<html><body><div class="nav">首页 &gt; 年报</div><table>
    <tr><td><span>一、本年新收政府</span><span>信息公开申请数量</span></td>
        <td><p class="MsoNormal"><span style="mso-bidi-font-size:10.5pt">1</span><span>2</span><o:p></o:p></p></td>
        <td>&nbsp;</td><td>3<br></td></tr></table></body></html>"""
    rows = read_html(page, "x.html").rows
    cells = [cell.text for cell in rows[-1]]
    assert cells == ["一、本年新收政府信息公开申请数量", "12", "", "3"]


def test_html_declared_gbk_is_decoded() -> None:
    data = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>行政许可</body></html>'
    assert "行政许可" in decode_html(data.encode("gb18030"), "x.html")


def test_markdown_tables_placeholders_and_footers() -> None:
    text = "| 数据1 | 数据2 |\n|---|---|\n| 规章 | 3 |\n\n— 4 —\n\n| **行政许可** | 5 |"
    rows = read_markdown(text, "x.md").rows
    assert [[cell.text for cell in row] for row in rows] == [["数据1", "数据2"], ["规章", "3"], ["— 4 —"], ["行政许可", "5"]]


def test_word_runs_read_as_word_shows_them(tmp_path: Path) -> None:
    """Tabs, line breaks (not page breaks), hyphens that do not break and hyperlinks in a
    paragraph and in a table cell, read from the document's XML."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    paragraph = document.add_paragraph("收到申请")
    run = paragraph.add_run("12")
    run.add_tab()
    run.add_text("件")
    run.add_break(WD_BREAK.LINE)
    run.add_text("下一行")
    run.add_break(WD_BREAK.PAGE)
    run.add_text("同一行")
    run._r.append(OxmlElement("w:noBreakHyphen"))
    link = OxmlElement("w:hyperlink")
    linked = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "链接"
    linked.append(text)
    link.append(linked)
    paragraph._p.append(link)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "新收政府信息公开申请数量"
    table.cell(0, 1).paragraphs[0].add_run("3")
    table.cell(0, 1).add_paragraph("4")
    merged = OxmlElement("w:vMerge")
    merged.set(qn("w:val"), "restart")
    table.cell(0, 0)._tc.get_or_add_tcPr().append(merged)
    path = tmp_path / "runs.docx"
    document.save(str(path))
    rows = read_document(path).rows
    assert [cell.text for cell in rows[0]] == ["收到申请12\t件\n下一行同一行-链接"]
    assert [cell.text for cell in rows[1]] == ["新收政府信息公开申请数量", "3 4"]
    assert rows[1][0].location == "表格1第1行"


def test_radical_forms_in_any_cell_are_folded_and_a_file_without_them_is_left_as_it_is(tmp_path: Path) -> None:
    """Browsers' PDFs print 一, 二, 行 as Kangxi radicals (⼀ ⼆ ⾏), which no label matches."""
    text = (SAMPLES / "zhuzhou-audit-2019.txt").read_text("utf-8")
    plain = read_document(tmp_path / "plain.txt", text.encode("utf-8"))
    assert "⼀" not in text and "一、总体情况" in text
    radical = read_document(
        tmp_path / "radical.txt", text.replace("一、总体情况", "⼀、总体情况").replace("行政", "⾏政").encode()
    )
    assert [[cell.text for cell in row] for row in radical.rows] == [[cell.text for cell in row] for row in plain.rows]
    assert parse_file_cells(tmp_path, text.replace("行政复议", "⾏政复议")) == parse_file_cells(tmp_path, text)


def parse_file_cells(folder: Path, text: str) -> dict[str, object]:
    path = folder / "report.txt"
    path.write_text(text, "utf-8")
    return {key: cell.value for key, cell in parse_file(path).cells.items()}


def test_a_text_has_variants_exactly_when_folding_changes_it() -> None:
    """One scan tells whether a file needs folding at all (translating every file cost more than reading it)."""
    from etl.document import _VARIANTS, fold_variants, has_variants

    plain = "一、总体情况 行政复议 12 ３ abc"
    assert not has_variants(plain) and fold_variants(plain) == plain
    for code in _VARIANTS:
        text = plain + chr(code)
        assert has_variants(text) == (fold_variants(text) != text), hex(code)
