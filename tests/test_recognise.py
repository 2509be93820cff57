"""Finding the template's labels in a report's text: the chain of labels in template order."""

from __future__ import annotations

from etl.document import FlatText
from etl.readers import read_document
from etl.recognise import _find_markers, detect_version, find_tables
from tests.helpers import ZHUZHOU


def _request_markers(text: str) -> list[tuple[str, int]]:
    """The requests table's labels found in a report's text, as (row or heading, start)."""
    flat = FlatText.of(read_document(ZHUZHOU, text.encode("utf-8")).rows)
    version = detect_version(flat.text)
    assert version is not None
    (requests,) = [found for found in find_tables(flat, version) if found.table.key == "requests"]
    markers = _find_markers(flat.text, requests.start, requests.end, requests.table)
    return [(marker.row.key if marker.row else marker.anchor.name if marker.anchor else "", marker.start) for marker in markers]


def test_labels_printed_once_in_order_are_all_in_the_chain() -> None:
    text = ZHUZHOU.read_text("utf-8")
    found = _request_markers(text)
    names = [name for name, _ in found]
    assert len(names) == len(set(names)) >= 10
    assert [start for _, start in found] == sorted(start for _, start in found)
    assert names[:3] == ["new_received", "carried_over", "outcomes"]


def test_a_label_printed_again_out_of_order_is_left_out_of_the_chain() -> None:
    text = ZHUZHOU.read_text("utf-8")
    assert text.count("\t（三）不予公开") == 1
    stray = text.replace("\t（三）不予公开", "\t（一）予以公开\n\t（三）不予公开")
    found = _request_markers(stray)
    assert [name for name, _ in found] == [name for name, _ in _request_markers(text)]
    granted = [start for name, start in found if name == "granted"]
    partially = [start for name, start in found if name == "partially_granted"]
    assert len(granted) == 1 and granted[0] < partially[0]  # the first 予以公开 is the row's label


def test_a_text_squeezed_line_by_line_is_the_text_squeezed_whole() -> None:
    """The version is told from the text normalised (NFKC) without spaces, worked out line
    by line: the same as over the whole text, whatever stands beside the line breaks
    (combining marks, compatibility forms, Kangxi radicals, full-width signs)."""
    import random
    import re

    from etl.recognise import _squeezed_line
    from etl.values import normalise

    alphabet = "本年新制作数量增／减－−ａ１２３⽂⼀\u0301\u0308\u3099ﾞｶ㈠℡¨‾ \u3000\t\r\n\n\u00a0e"
    chooser = random.Random(20261207)
    for _ in range(3000):
        text = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 40)))
        assert "".join(_squeezed_line(line) for line in text.split("\n")) == re.sub(r"\s+", "", normalise(text)), repr(text)


def test_the_version_is_told_from_headers_wrapped_across_lines() -> None:
    assert detect_version("本年新制\n作数量 本年新公\n开数量 采购总金\r\n额") == "2019"
    assert detect_version("本年制发件数\n本年废止\n件数") == "2021"
    assert detect_version("本年制发件数 本年新制作数量") is None
