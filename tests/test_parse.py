from pathlib import Path

import pytest

from etl.document import ReadError
from etl.parse import NotAReport, parse_file
from etl.template import cell_specs
from tests.helpers import FIXTURES, PINGTAN, ZHUZHOU, truth


def errors(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [issue.rule for issue in report.issues if issue.severity == "error"]


# ---- 株洲市审计局 2019: the extracted-text layout ------------------------------------------------


def test_zhuzhou_metadata() -> None:
    report = parse_file(ZHUZHOU)
    assert (report.agency, report.year, report.template) == ("株洲市审计局", 2019, "2019")
    assert report.published.isoformat() == "2020-01-14"  # type: ignore[union-attr]


def test_zhuzhou_every_printed_number_is_read() -> None:
    values = parse_file(ZHUZHOU).values()
    assert values["active.procurement.projects"] == 52
    assert values["active.procurement.amount_wan"] == 24.47
    assert values["active.penalty.decisions"] == 2
    assert values["active.penalty.prev_items"] == 1 and values["active.penalty.change"] == 1
    assert values["active.normative_docs.made"] == 1 and values["active.normative_docs.total_published"] == 1
    assert values["active.licensing.decisions"] == 0 and values["active.fees.change"] == 0
    request_keys = [spec.key for spec in cell_specs("2019") if spec.table.key == "requests"]
    assert len(request_keys) == 161
    assert all(values[key] == 0 for key in request_keys)
    assert all(values[f"appeals.{group}.{col}"] == 0 for group in ("review", "suit_direct") for col in ("upheld", "total"))
    assert set(values) == {spec.key for spec in cell_specs("2019")}


def test_zhuzhou_passes_every_identity_and_traces_each_cell() -> None:
    report = parse_file(ZHUZHOU)
    assert errors(report) == []
    assert {check.status for check in report.checks} == {"passed"}
    assert len(report.checks) == 7 + 7 + 23 + 3 + 1
    cell = report.cells["active.procurement.amount_wan"]
    assert (cell.raw, cell.read_as, cell.location) == ("24.47万元", "number", "第85行")


def test_zhuzhou_rows_with_one_value_too_many_are_reported() -> None:
    report = parse_file(ZHUZHOU)
    extra = [issue for issue in report.issues if issue.rule == "extra_value"]
    assert len(extra) == 1 and extra[0].severity == "warning"
    assert "requests.denied_state_secret.total" in extra[0].cells


# ---- 平潭 2021: crawler text with run-together cells --------------------------------------------

PINGTAN_REQUESTS = {
    "new_received": (64, 0, 0, 2, 0, 4, 70),
    "granted": (27, 0, 0, 2, 0, 1, 30),
    "partially_granted": (5, 0, 0, 0, 0, 0, 5),
    "denied_internal_affairs": (1, 0, 0, 0, 0, 0, 1),
    "denied_enforcement_files": (6, 0, 0, 0, 0, 0, 6),
    "denied_inquiry": (1, 0, 0, 0, 0, 0, 1),
    "unable_not_held": (22, 0, 0, 0, 0, 3, 25),
    "other_other": (1, 0, 0, 0, 0, 0, 1),
    "total_processed": (63, 0, 0, 2, 0, 4, 69),
    "carried_forward": (1, 0, 0, 0, 0, 0, 1),
}
COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")


def test_pingtan_all_175_request_numbers_are_recovered() -> None:
    report = parse_file(PINGTAN)
    values = report.values()
    request_keys = [spec.key for spec in cell_specs("2021") if spec.table.key == "requests"]
    assert len(request_keys) == 175
    for key in request_keys:
        _, row, column = key.split(".")
        expected = PINGTAN_REQUESTS.get(row, (0,) * 7)[COLUMNS.index(column)]
        assert values[key] == expected, key
    assert report.cells["requests.new_received.natural_person"].read_as == "recovered"


def test_pingtan_appeals_and_active_numbers() -> None:
    report = parse_file(PINGTAN)
    values = report.values()
    assert [values[f"appeals.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 0, 2, 0, 3]
    assert [values[f"appeals.suit_direct.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [12, 0, 0, 0, 12]
    assert values["appeals.suit_after_review.total"] == 0
    assert values["active.regulations.made"] == 0 and values["active.regulations.in_force"] == 0
    assert values["active.licensing.decisions"] == 2293
    assert values["active.penalty.decisions"] == 1282
    assert values["active.coercion.decisions"] == 42
    assert values["active.fees.amount_wan"] == 24252.311082
    assert (report.agency, report.year, report.template, str(report.published)) == ("平潭综合实验区", 2021, "2021", "2022-02-08")


def test_pingtan_identities_all_hold() -> None:
    report = parse_file(PINGTAN)
    assert {check.status for check in report.checks} == {"passed"}


def test_pingtan_run_together_cells_with_several_readings_are_left_empty_and_said() -> None:
    # "行政规范性文件693665": 69/3/665? 6/93/665? No identity binds table 二, so neither.
    report = parse_file(PINGTAN)
    keys = ["active.normative_docs.made", "active.normative_docs.repealed", "active.normative_docs.in_force"]
    assert all(report.values()[key] is None for key in keys)
    assert all(report.cells[key].raw == "693665" for key in keys)
    ambiguous = [issue for issue in report.issues if issue.rule == "ambiguous"]
    assert len(ambiguous) == 1 and ambiguous[0].severity == "error" and set(ambiguous[0].cells) == set(keys)
    assert "69、3、665" in ambiguous[0].message


def test_spaces_between_cells_settle_what_run_together_digits_cannot() -> None:
    values = parse_file(FIXTURES / "pingtan-spaced-active.txt").values()
    assert (values["active.normative_docs.made"], values["active.normative_docs.repealed"]) == (69, 3)
    assert values["active.normative_docs.in_force"] == 665


def test_only_the_cells_that_differ_between_readings_stay_empty() -> None:
    # review digits "11200 13": 1,12,0,0,13 and 11,2,0,0,13 both hold; other, pending and total do not differ.
    report = parse_file(FIXTURES / "pingtan-ambiguous-appeals.txt")
    values = report.values()
    assert values["appeals.review.upheld"] is None and values["appeals.review.corrected"] is None
    assert (values["appeals.review.other"], values["appeals.review.pending"], values["appeals.review.total"]) == (0, 0, 13)
    assert values["appeals.suit_direct.total"] == 0
    issue = next(issue for issue in report.issues if issue.rule == "ambiguous" and "appeals.review.upheld" in issue.cells)
    assert set(issue.cells) == {"appeals.review.upheld", "appeals.review.corrected"}


# ---- Derived and rendered files -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zhuzhou-gb18030.txt", "zhuzhou-utf16-bom.txt", "zhuzhou-utf16le.txt", "zhuzhou-crlf.txt"])
def test_encodings_parse_to_identical_cells(name: str) -> None:
    assert parse_file(FIXTURES / name).values() == parse_file(ZHUZHOU).values()


def test_full_width_digits_and_amounts_in_yuan() -> None:
    report = parse_file(FIXTURES / "zhuzhou-fullwidth-yuan.txt")
    assert report.values()["active.procurement.amount_wan"] == 24.47
    assert report.cells["active.procurement.amount_wan"].raw == "２４４，７００元"
    assert report.values()["active.procurement.projects"] == 52


@pytest.mark.parametrize(
    "name",
    [
        "gen-2019-extracted-defects",
        "gen-2019-extracted-fullwidth",
        "gen-2021-lines-spaces",
        "gen-2021-lines-tabs",
        "gen-2021-local-subtotals",
    ],
)
def test_rendered_reports_read_back_exactly(name: str) -> None:
    expected = truth(name)
    report = parse_file(FIXTURES / f"{name}.txt")
    assert report.values() == expected["cells"]
    assert (report.agency, report.year, report.template) == (expected["agency"], expected["year"], expected["template"])
    assert str(report.published) == expected["published"]
    assert not errors(report)


@pytest.mark.parametrize("name", ["gen-2021-crawler-big", "gen-2019-crawler"])
def test_crawler_text_is_right_wherever_it_is_not_flagged(name: str) -> None:
    expected = truth(name)["cells"]
    report = parse_file(FIXTURES / f"{name}.txt")
    flagged = {key for issue in report.issues if issue.severity == "error" for key in issue.cells}
    for key, value in expected.items():  # type: ignore[union-attr]
        got = report.values()[key]
        assert got == value or (got is None and key in flagged), key
    request_keys = [key for key in expected if key.startswith(("requests.", "appeals."))]  # type: ignore[union-attr]
    assert all(report.values()[key] == expected[key] for key in request_keys)  # type: ignore[index]


def test_local_variant_subtotals_are_read_and_checked() -> None:
    report = parse_file(FIXTURES / "gen-2021-local-subtotals.txt")
    rules = {check.rule for check in report.checks}
    assert {"subtotal", "org_subtotal"} <= rules
    assert "requests.denied_subtotal.total" in report.cells and "requests.granted.org_subtotal" in report.cells


def test_a_report_that_breaks_its_own_identities_is_read_with_errors() -> None:
    report = parse_file(FIXTURES / "zhuzhou-broken-identity.txt")
    assert report.values()["requests.new_received.natural_person"] == 5
    failed = {(check.rule, check.subject) for check in report.checks if check.status == "failed"}
    assert failed == {("balance", "natural_person"), ("applicants", "new_received")}
    balance = next(check for check in report.checks if check.rule == "balance" and check.status == "failed")
    assert (balance.expected, balance.actual) == (5, 0)
    assert "requests.new_received.natural_person" in balance.cells
    assert errors(report).count("balance") == 1 and errors(report).count("applicants") == 1


@pytest.mark.parametrize(
    ("name", "reason"),
    [("empty.txt", "空"), ("binary.txt", "二进制"), ("notice.txt", "不是年度报告")],
)
def test_files_that_are_not_reports_say_why(name: str, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        parse_file(FIXTURES / name)


def test_not_a_report_is_its_own_error_type() -> None:
    with pytest.raises(NotAReport):
        parse_file(FIXTURES / "notice.txt")


def test_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="无法打开"):
        parse_file(tmp_path / "nope.txt")


# ---- Units: a unit printed with the number wins over any assumption --------------------------------


def _procurement_spec(amount_wan: float, projects: int):  # type: ignore[no-untyped-def]
    from corpus.agencies import all_agencies
    from corpus.generate import generate

    report = next(r for r in generate(3, agencies=all_agencies()[:3]) if r.spec.version == "2019")
    report.spec.cells["active.procurement.amount_wan"] = amount_wan
    report.spec.cells["active.procurement.projects"] = projects
    return report.spec


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "txt"])
def test_an_amount_printed_with_yuan_apart_from_its_number_is_read_in_yuan(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corpus.render_docx
    import corpus.render_html
    import corpus.render_pdf
    import corpus.render_text
    from corpus.generate import GeneratedReport, render

    original = corpus.render_text.format_value

    def yuan_apart(key: str, value: float, defects: set[str], rng: object) -> str:
        return "251100 元" if key == "active.procurement.amount_wan" else original(key, value, defects, rng)  # type: ignore[arg-type]

    for module in (corpus.render_docx, corpus.render_html, corpus.render_pdf, corpus.render_text):
        monkeypatch.setattr(module, "format_value", yuan_apart, raising=False)
    spec = _procurement_spec(25.11, 3)
    data, suffix = render(GeneratedReport(spec, None, frozenset(), fmt, 1))  # type: ignore[arg-type]
    path = tmp_path / f"report.{suffix}"
    path.write_bytes(data)
    report = parse_file(path)
    assert report.values()["active.procurement.amount_wan"] == 25.11
    assert report.cells["active.procurement.amount_wan"].note == ""  # no unit was assumed


def test_an_implausible_amount_under_an_assumed_unit_is_an_error(tmp_path: Path) -> None:
    text = ZHUZHOU.read_text("utf-8").replace("24.47万元", "24470000")  # 52 projects, printed without a unit
    path = tmp_path / "株洲市审计局2019年政府信息公开工作年度报告.txt"
    path.write_text(text, "utf-8")
    report = parse_file(path)
    issue = next(issue for issue in report.issues if issue.rule == "unit_implausible")
    assert issue.severity == "error" and issue.cells == ("active.procurement.amount_wan",) and "元" in issue.message
    assert "unit_implausible" not in errors(parse_file(ZHUZHOU))  # 24.47 万元 for 52 projects is believable
