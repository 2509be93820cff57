import pytest

from etl.document import ReadError
from etl.readers.text import decode, read_text
from tests.helpers import FIXTURES, ZHUZHOU


@pytest.mark.parametrize(
    "name", ["zhuzhou-gb18030.txt", "zhuzhou-utf16-bom.txt", "zhuzhou-utf16le.txt", "zhuzhou-utf8-bom.txt", "zhuzhou-crlf.txt"]
)
def test_every_encoding_decodes_to_the_same_text(name: str) -> None:
    expected = ZHUZHOU.read_text("utf-8")
    assert decode((FIXTURES / name).read_bytes(), name).replace("\r\n", "\n") == expected


def test_a_character_cut_in_half_at_the_end_is_forgiven() -> None:
    data = "株洲市审计局".encode()[:-1]
    assert decode(data, "x.txt") == "株洲市审计"


@pytest.mark.parametrize(("name", "reason"), [("empty.txt", "空"), ("binary.txt", "二进制")])
def test_unreadable_bytes_are_refused_with_a_reason(name: str, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        decode((FIXTURES / name).read_bytes(), name)


def test_tab_led_lines_are_cells_and_a_blank_line_ends_the_row() -> None:
    document = read_text("标题\n\t规章\n\t0\n\t1\n\n\t规范性文件\n\t2\n", "x.txt")
    assert [[cell.text for cell in row] for row in document.rows] == [["标题"], ["规章", "0", "1"], ["规范性文件", "2"]]
    assert document.rows[1][2].location == "第4行"


def test_a_line_without_tab_after_a_cell_is_its_wrapped_text() -> None:
    document = read_text("\t信息内容\n\t本年新\n制作数量\n\t本年新\n公开数量\n", "x.txt")
    assert [cell.text for cell in document.rows[0]] == ["信息内容", "本年新制作数量", "本年新公开数量"]


def test_a_heading_after_an_empty_cell_is_not_wrapped_into_it() -> None:
    document = read_text("\t\n二、主动公开政府信息情况\n\t第二十条第（一）项\n", "x.txt")
    assert [cell.text for cell in document.rows[1]] == ["二、主动公开政府信息情况"]


def test_crawler_fields_are_kept() -> None:
    document = read_text("标题: 某某局2021年度政府信息公开工作年度报告\n发布时间: 2022-02-08 16:34\n正文", "x.txt")
    assert document.meta["发布时间"] == "2022-02-08 16:34"


def test_a_documents_flat_text_places_every_cell_where_its_rows_put_it() -> None:
    from etl.document import Cell, FlatText

    rows = [[], [Cell("表一", "第1行"), Cell("", "第1行"), Cell("12", "第1行")], [], [Cell("合计", "第3行")], [Cell("", "第4行")]]
    flat = FlatText.of(rows)
    assert flat.text == "\n表一\t\t12\n\n合计\n"
    assert flat.starts == [1, 4, 5, 9, 12]
    assert [flat.text[start : start + len(cell.text)] for start, cell in zip(flat.starts, flat.cells, strict=True)] == [
        "表一",
        "",
        "12",
        "合计",
        "",
    ]
    assert flat.location(10) == "第3行" and flat.place(5)[0] == Cell("12", "第1行")
