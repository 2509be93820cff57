"""A scanned row label misread by a character is put back in the template's words, and
nothing else is."""

from __future__ import annotations

import pytest

from etl.readers.ocr_labels import corrected_label


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        (
            "（六）其他处理1.申请人无正当理由途期不补正、行政机关不再处理其政府信息公开申请",
            "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
        ("1.本机关不掌据相关政府信息", "1.本机关不掌握相关政府信息"),
        ("一、本年新收政府信息公开申情数量", "一、本年新收政府信息公开申请数量"),
        ("四、正政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议、行政诉讼情况"),  # a speck of the seal read in
        ("三、收到和处理政府信息公开请情况", "三、收到和处理政府信息公开申请情况"),  # a character lost
    ],
)
def test_a_label_one_character_off_is_corrected(read: str, meant: str) -> None:
    assert corrected_label(read) == meant


@pytest.mark.parametrize(
    "text",
    [
        "2.重复申请",  # right already
        "行政处罚",  # short phrases are too close to one another to correct
        "行政许可",
        "本年度共收到申请2126件",  # narrative with numbers in it
        "1.本机关不掌握政府信息",  # too far from the phrase
    ],
)
def test_what_is_right_or_too_far_off_is_left_as_read(text: str) -> None:
    assert corrected_label(text) == text
