from pathlib import Path

from etl.label_patterns import anchor_pattern, row_pattern
from etl.template import VERSIONS, all_keys, cell_specs, tables

FIXTURES = Path(__file__).parent / "fixtures"


def test_table_three_has_the_documented_number_of_cells() -> None:
    for version, rows in (("2019", 23), ("2021", 25)):
        requests = [spec for spec in cell_specs(version) if spec.table.key == "requests"]
        assert len(requests) == rows * 7
        assert len({spec.row.key for spec in requests}) == rows


def test_table_four_is_fifteen_numbers_in_both_versions() -> None:
    for version in ("2019", "2021"):
        appeals = [spec.key for spec in cell_specs(version) if spec.table.key == "appeals"]
        assert len(appeals) == 15
        assert "appeals.review.corrected" in appeals


def test_keys_are_unique_and_follow_table_row_column() -> None:
    keys = all_keys()
    assert len(keys) == len(set(keys))
    assert all(key.count(".") == 2 for key in keys)
    assert "active.procurement.amount_wan" in keys and "requests.org_subtotal" not in keys
    assert "requests.denied_subtotal.org_subtotal" in keys  # local variant cells come last


def test_label_patterns_accept_the_variants_real_reports_print() -> None:
    active_2021 = {row.key: row for row in tables("2021")[0].rows}
    assert row_pattern(active_2021["normative_docs"]).regex.search("规范性文件")
    assert row_pattern(active_2021["normative_docs"]).regex.search("行政规范性文件")
    assert row_pattern(active_2021["regulations"]).regex.search("规 章")
    requests = {row.key: row for row in tables("2021")[1].rows}
    assert row_pattern(requests["denied_security_stability"]).regex.search('3.危及"三安全一稳定"')
    assert row_pattern(requests["denied_security_stability"]).regex.search("3.危及「三安全一稳定」")
    assert row_pattern(requests["partially_granted"]).regex.fullmatch("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    # "3.其他" needs its number: a bare 其他 is a header word.
    assert not row_pattern(requests["other_other"]).regex.search("法人或其他组织")
    assert row_pattern(requests["total_processed"]).regex.search("（七）总计")
    assert not row_pattern(requests["total_processed"]).regex.search("总计")


def test_check_subjects_read_in_the_reports_own_words() -> None:
    from etl.template import subject_label

    assert subject_label("natural_person") == "自然人"
    assert subject_label("denied_state_secret") == "1.属于国家秘密"
    assert subject_label("denied.natural_person") == "不予公开（小计）｜自然人"
    assert subject_label("review") == "行政复议"
    assert subject_label("*") == "全部单元格"


def test_label_searches_find_what_the_plain_regex_finds() -> None:
    """Trying a label only where its first characters stand must give every match the
    regex gives, in order: on reports, on labels spaced and quoted every way the
    patterns allow, and at the edges of the searched span."""
    texts = [path.read_text("utf-8") for path in sorted(FIXTURES.glob("*.txt")) if path.name.startswith(("gen-", "zhuzhou-c"))]
    texts += [
        "（ 四 ）无 法提供\n\t“ 两微一端”\t1.信访举报投诉类申请\r（二）部分公开（区分处理的）1 2 3",
        "\u3000\u3000「三安全一稳定」、，行政复议 3 . 其他 （七）总计 ((（一",
    ]
    for version in VERSIONS:
        for table in tables(version):
            patterns = [row_pattern(row) for row in table.rows] + [anchor_pattern(anchor) for anchor in table.anchors]
            for pattern in patterns:
                for text in texts:
                    for low, high in ((0, len(text)), (3, len(text) - 5), (len(text) // 2, len(text))):
                        plain = [m.span() for m in pattern.regex.finditer(text, low, high)]
                        assert [m.span() for m in pattern.finditer(text, low, high)] == plain, pattern.regex.pattern


def test_label_searches_find_what_the_plain_regex_finds_among_numbers_and_brackets() -> None:
    """Numbers, brackets and numbering run into and around the labels, in random order: the
    places a label is tried from (its numbering only where a label follows) miss none of
    the plain regex's matches."""
    import random

    pieces = [
        "1",
        "2",
        "3",
        "7",
        ".",
        "、",
        "．",
        "（",
        "(",
        "）",
        ")",
        " ",
        "\u3000",
        "\r",
        "\n",
        "\t",
        "“",
        "”",
        "，",
        "0",
        "12",
    ]
    for version in VERSIONS:
        for table in tables(version):
            pieces += [row.label for row in table.rows] + [anchor.label for anchor in table.anchors]
            pieces += [label[:3] for label in (row.label for row in table.rows)] + [
                label[2:] for label in (row.label for row in table.rows)
            ]
    chooser = random.Random(20261207)
    texts = ["".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 60))) for _ in range(150)]
    for version in VERSIONS:
        for table in tables(version):
            for pattern in [row_pattern(row) for row in table.rows] + [anchor_pattern(anchor) for anchor in table.anchors]:
                for text in texts:
                    plain = [m.span() for m in pattern.regex.finditer(text, 0, len(text))]
                    assert [m.span() for m in pattern.finditer(text, 0, len(text))] == plain, (pattern.regex.pattern, text)
