from etl.label_patterns import row_pattern
from etl.template import all_keys, cell_specs, tables


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
    assert row_pattern(active_2021["normative_docs"]).search("规范性文件")
    assert row_pattern(active_2021["normative_docs"]).search("行政规范性文件")
    assert row_pattern(active_2021["regulations"]).search("规 章")
    requests = {row.key: row for row in tables("2021")[1].rows}
    assert row_pattern(requests["denied_security_stability"]).search('3.危及"三安全一稳定"')
    assert row_pattern(requests["denied_security_stability"]).search("3.危及「三安全一稳定」")
    assert row_pattern(requests["partially_granted"]).fullmatch("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    # "3.其他" needs its number: a bare 其他 is a header word.
    assert not row_pattern(requests["other_other"]).search("法人或其他组织")
    assert row_pattern(requests["total_processed"]).search("（七）总计")
    assert not row_pattern(requests["total_processed"]).search("总计")


def test_check_subjects_read_in_the_reports_own_words() -> None:
    from etl.template import subject_label

    assert subject_label("natural_person") == "自然人"
    assert subject_label("denied_state_secret") == "1.属于国家秘密"
    assert subject_label("denied.natural_person") == "不予公开（小计）｜自然人"
    assert subject_label("review") == "行政复议"
    assert subject_label("*") == "全部单元格"
