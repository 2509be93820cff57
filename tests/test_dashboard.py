"""The real Streamlit app, page by page (AppTest), against a real warehouse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES as ALL_PAGES
from etl.ingest import ingest
from etl.template import label_for, spec_by_key
from tests.helpers import PINGTAN, ROOT, ZHUZHOU, open_page, sql

PAGES = [page.name for page in ALL_PAGES]
CHART_PAGES = [page.name for page in ALL_PAGES if page.charts]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_warehouse(warehouse: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, page, monkeypatch)
    if page in CHART_PAGES:
        assert len(app.get("plotly_chart")) >= 1
    if page not in ("import_reports", "report"):  # the report page marks generated reports only
        assert any("生成的演示" in w.value for w in app.warning), "generated data must be marked"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_works_on_an_empty_warehouse(tmp_path: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(tmp_path / "nothing.duckdb", page, monkeypatch)
    if page != "import_reports":
        assert any("还没有报告" in info.value for info in app.info)


@pytest.mark.parametrize("change", ["removed", "an old schema"])
def test_a_page_open_when_its_warehouse_changes_under_it_says_so(
    warehouse: Path, v1_warehouse: Path, tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The years' slider is still set on the first run after (its filters ask the warehouse
    for its years): the page says what happened, it does not fail."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, db)
    app = open_page(db, "overview", monkeypatch)
    assert app.session_state["years"]
    if change == "removed":
        db.unlink()
    else:
        os.replace(v1_warehouse, db)
    app.run()
    assert not app.exception
    said = [element.value for element in [*app.info, *app.warning, *app.error]]
    assert any("还没有报告" in text or "升级" in text for text in said), said


def test_overview_figures_match_the_warehouse(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "overview", monkeypatch)
    (latest,) = sql(warehouse, "SELECT max(year) FROM reports WHERE is_current")[0]
    (count,) = sql(warehouse, "SELECT count(*) FROM reports WHERE is_current AND year = ?", [latest])[0]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告数"] == str(count)
    received = sql(
        warehouse,
        "SELECT sum(value) FROM cells JOIN reports USING (report_id) WHERE is_current AND year = ? AND key = 'requests.new_received.total'",
        [latest],
    )[0][0]
    assert metrics["新收申请"].replace(",", "") in (f"{received:.0f}", f"{received / 1e4:.1f}万")


def test_the_overviews_reports_passing_every_check_are_those_with_no_failed_error_check(warehouse: Path) -> None:
    from dashboard.queries import Filters, overview

    stored = dict(
        sql(
            warehouse,
            """SELECT year, count(*) FILTER (WHERE report_id NOT IN
                                                (SELECT report_id FROM checks WHERE status = 'failed' AND severity = 'error'))
               FROM reports WHERE is_current GROUP BY year""",
        )
    )
    years = overview(warehouse, Filters()).set_index("year")
    assert years["reports_passing"].to_dict() == stored
    assert (years["reports_passing"] < years["reports"]).any() and (years["reports_passing"] > 0).all()


def test_explore_filters_apply_and_the_table_is_what_downloads_get(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "explore", monkeypatch, state={"kind": ["公安"]})
    table = app.dataframe[0].value
    expected = sql(
        warehouse, "SELECT count(*) FROM reports r JOIN agencies a USING (agency_id) WHERE r.is_current AND a.kind = '公安'"
    )[0][0]
    assert len(table) == expected > 0
    assert set(table["类别"]) == {"公安"}
    one = table.iloc[0]
    value = sql(
        warehouse,
        "SELECT c.value FROM cells c WHERE c.report_id = ? AND c.key = 'requests.new_received.total'",
        [int(one["报告编号"])],
    )[0][0]
    assert one[label_for("requests.new_received.total")] == value
    assert [b.label for b in app.get("download_button")] == ["下载 CSV", "下载 Excel", "下载 Parquet"]


def test_procurement_after_2020_is_not_reported_not_zero(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "procurement", monkeypatch, state={"template": ["2021"]})
    table = app.dataframe[0].value
    assert set(table["采购项目数量"]) == {"未报告"}


def test_quality_lists_the_failed_checks(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "quality", monkeypatch)
    counted = "SELECT count(*) FROM checks c JOIN reports r USING (report_id) WHERE r.is_current AND c.status = 'failed' AND "
    ((failed,),) = sql(warehouse, counted + "c.severity = 'error'")
    ((across,),) = sql(warehouse, counted + "c.rule LIKE 'cross_year%'")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["未通过的勾稽关系"] == f"{failed:,}"
    own = app.dataframe[0].value
    assert len(own) == failed and not any("_" in subject for subject in own["对象"])  # in the report's words, not keys
    assert across > 0 and metrics["跨年度检查未通过"] == f"{across:,}"
    listed = next(frame.value for frame in app.dataframe if "对比年度" in frame.value.columns)
    assert len(listed) == across and set(listed["对比年度"]) <= {str(year) for year in range(2019, 2025)} | {"—"}


def test_the_unusual_cells_listed_are_every_such_cell_of_the_current_reports(warehouse: Path) -> None:
    from dashboard.queries import Filters, unusual_cells

    for filters, among in [(Filters(), "TRUE"), (Filters(provinces=("湖南省",)), "a.province = '湖南省'")]:
        stored = sql(
            warehouse,
            f"""SELECT c.report_id, c.key, c.read_as FROM cells c JOIN reports r USING (report_id)
                JOIN agencies a USING (agency_id)
                WHERE r.is_current AND c.read_as IN ('recovered', 'unreadable', 'missing') AND {among} ORDER BY ALL""",
        )
        listed = unusual_cells(warehouse, filters, limit=100_000)
        assert sorted(zip(listed["report_id"], listed["key"], listed["read_as"], strict=True)) == [tuple(r) for r in stored]
        assert stored and {"recovered", "missing"} <= {read_as for *_, read_as in stored}
    assert len(unusual_cells(warehouse, Filters(), limit=3)) == 3


def test_report_detail_opens_from_the_link_and_shows_the_template(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (report_id,) = sql(warehouse, "SELECT report_id FROM reports JOIN agencies USING (agency_id) WHERE name = '株洲市审计局'")[0]
    app = open_page(warehouse, "report", monkeypatch, state={"report": "株洲市审计局 2019年"})
    assert app.selectbox(key="report").value == "株洲市审计局 2019年"  # the link's ?report= opens it (see the browser test)
    assert report_id
    tables = [frame.value for frame in app.dataframe]
    active = tables[0]
    assert active.loc["政府集中采购", "采购项目数量"] == "52"
    assert "株洲市审计局" in app.text_area[0].value  # the source text beside it


def test_uploads_can_be_switched_off(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOV_REPORTS_UPLOADS", "off")
    import importlib

    app = open_page(warehouse, "import_reports", monkeypatch)
    assert any("关闭上传" in info.value for info in app.info)
    assert not app.get("file_uploader")
    importlib.invalidate_caches()


def test_quality_lists_agencies_to_confirm_and_names_a_nameless_report(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, db)
    nameless = tmp_path / "downloads" / "2019-0001.txt"
    nameless.parent.mkdir()
    nameless.write_text(ZHUZHOU.read_text("utf-8").replace("株洲市审计局", "").replace("2019年度", "2022年度"), "utf-8")
    ingest([nameless], db)
    monkeypatch.setenv("GOV_REPORTS_WRITE_KEY", "s3cret")  # AppTest's server is not bound to localhost
    app = open_page(db, "quality", monkeypatch, state={"write-key": "s3cret"})
    to_check = next(frame.value for frame in app.dataframe if "待命名" in frame.value.columns)
    assert to_check["待命名"].iloc[0] and to_check["机关"].iloc[0].startswith("待命名：2019-0001")
    assert any(button.label.startswith("下载待确认机关名单") for button in app.get("download_button"))
    app.text_input[0].input("株洲市审计局")
    app.button[0].click().run()
    assert not app.exception
    assert any("已归入“株洲市审计局”" in message.value for message in app.success)
    assert sql(db, "SELECT count(*) FROM agencies WHERE needs_name")[0] == (0,)
    assert sql(db, "SELECT count(*) FROM reports r JOIN agencies a USING (agency_id) WHERE a.name = '株洲市审计局'")[0] == (2,)


def test_the_city_filter_and_regional_peer_groups(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "compare", monkeypatch, state={"city": ["株洲市"], "scope": "同市"})
    assert "株洲市" in app.multiselect(key="city").options
    table = app.dataframe[0].value
    expected = sql(
        warehouse,
        "SELECT count(DISTINCT agency_id) FROM reports r JOIN agencies a USING (agency_id) WHERE r.is_current AND a.city = '株洲市'",
    )[0][0]
    assert set(table["城市"]) == {"株洲市"} and 0 < len(table) <= min(expected, 30)
    assert all(group.startswith("株洲市·") for group in table["同类组"])
    assert {group.split("·")[1] for group in table["同类组"]} >= {"县级政府"}


def test_report_detail_shows_where_the_agency_is_and_its_cross_year_warnings(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ((agency, year, subjects),) = sql(
        warehouse,
        """SELECT a.name, r.year, list(c.subject ORDER BY c.subject) FROM checks c JOIN reports r USING (report_id)
           JOIN agencies a USING (agency_id) WHERE c.rule LIKE 'cross_year%' AND c.status = 'failed'
           GROUP BY ALL ORDER BY a.name, r.year LIMIT 1""",
    )
    app = open_page(warehouse, "report", monkeypatch, state={"report": f"{agency} {year}年"})
    assert not app.exception
    warnings = next(frame.value for frame in app.dataframe if "对比年度" in frame.value.columns)
    assert sorted(warnings["对象"]) == sorted(subjects)
    assert any(caption.value.startswith(f"机关：{agency}，湖南省株洲市") for caption in app.caption)


def test_the_agency_directory_lists_every_agency_with_its_years(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "agencies", monkeypatch, state={"province": ["湖南省"]})
    table = app.dataframe[0].value
    ((expected,),) = sql(
        warehouse,
        "SELECT count(DISTINCT agency_id) FROM reports r JOIN agencies a USING (agency_id) WHERE r.is_current AND a.province = '湖南省'",
    )
    assert len(table) == expected and set(table["省份"]) == {"湖南省"}
    row = table.set_index("机关").loc["株洲市审计局"]
    assert (row["城市"], row["层级"], row["类别"], row["报告年度"]) == ("株洲市", "市", "审计", "2019")
    labels = [b.label for b in app.get("download_button")]
    assert (
        labels[-3:] == ["下载 CSV", "下载 Excel", "下载 Parquet"] and "下载此图数据（CSV）" in labels
    )  # the chart's own numbers too
    app.text_input(key="directory-search").input("株洲市").run()
    assert set(app.dataframe[0].value["城市"]) == {"株洲市"}


def test_years_text_names_the_gaps() -> None:
    from etl.indicators import span_text

    assert span_text(2019, 2021) == "2019–2021" and span_text(2023, 2023) == "2023"
    assert (
        span_text(2019, 2024, [2020, 2022, 2023])
        == "2019–2024（缺 2020、2022、2023）"
        == span_text(2019, 2024, (2020, 2022, 2023))
    )
    assert span_text(2019, 2021, None) == span_text(2019, 2021, float("nan")) == span_text(2019, 2021, []) == "2019–2021"


def test_the_directory_lists_the_years_each_agency_missed_between_its_first_and_last(tmp_path: Path) -> None:
    from dashboard.queries import Filters, agency_directory
    from etl.ingest import ingest

    text = ZHUZHOU.read_text("utf-8")
    for year in (2019, 2021, 2024):
        (tmp_path / f"{year}.txt").write_text(text.replace("2019", str(year)), "utf-8")
    db = tmp_path / "w.duckdb"
    ingest(sorted(tmp_path.glob("*.txt")), db)
    ingest([PINGTAN], db)
    listed = agency_directory(db, Filters()).set_index("agency")
    assert list(listed.loc["株洲市审计局", "missing_years"]) == [2020, 2022, 2023]
    assert (listed.loc["株洲市审计局", "first_year"], listed.loc["株洲市审计局", "last_year"]) == (2019, 2024)
    assert listed["missing_years"].isna().sum() == len(listed) - 1  # one year only: nothing missing
    app_years = agency_directory(db, Filters(years=(2019, 2021))).set_index("agency").loc["株洲市审计局", "missing_years"]
    assert list(app_years) == [2020]


def test_incomplete_reports_are_listed_on_the_quality_page_and_marked_on_their_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "partial.duckdb"
    ingest([ROOT / "tests" / "fixtures" / "zhuzhou-truncated.txt"], db)
    quality = open_page(db, "quality", monkeypatch)
    listed = next(frame.value for frame in quality.dataframe if "表格" in frame.value.columns)
    assert set(listed["表格"]) == {"表三（收到和处理政府信息公开申请情况）", "表四（行政复议、行政诉讼情况）"}
    assert set(listed["情况"]) == {"表格被截断", "找不到该表"}
    report = open_page(db, "report", monkeypatch)
    assert any("本报告不完整" in error.value for error in report.error)
    assert any("截断" in warning.value for warning in report.warning)


def test_writes_on_a_shared_server_need_the_operators_key(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOV_REPORTS_WRITE_KEY", raising=False)
    app = open_page(warehouse, "import_reports", monkeypatch)  # not bound to localhost, no key set: writes off
    assert any("GOV_REPORTS_WRITE_KEY" in info.value for info in app.info) and not app.get("file_uploader")
    monkeypatch.setenv("GOV_REPORTS_WRITE_KEY", "s3cret")
    app = open_page(warehouse, "import_reports", monkeypatch, state={"write-key": "wrong"})
    assert any("口令不对" in error.value for error in app.error) and not app.get("file_uploader")
    app = open_page(warehouse, "import_reports", monkeypatch, state={"write-key": "s3cret"})
    assert app.get("file_uploader")


def test_pages_show_no_path_of_the_importing_machine(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_page(warehouse, "report", monkeypatch, state={"report": "株洲市审计局 2019年"})
    captions = [caption.value for caption in app.caption]
    assert any("samples/zhuzhou-audit-2019.txt" in caption for caption in captions)
    assert not any(str(ROOT) in caption for caption in captions)
    quality = open_page(warehouse, "quality", monkeypatch)
    assert not any(str(ROOT) in str(frame.value.to_dict()) for frame in quality.dataframe)


def test_report_detail_shows_a_pdf_cell_framed_on_its_source_page(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ((agency, year, page),) = sql(
        warehouse,
        """SELECT a.name, r.year, c.page FROM cells c JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
           WHERE r.source_format = 'pdf' AND c.key = 'requests.new_received.total'""",
    )
    label = label_for("requests.new_received.total")
    app = open_page(warehouse, "report", monkeypatch, state={"report": f"{agency} {year}年", "cell": label})
    assert [tab.label for tab in app.tabs] == ["原件页面", "原文文字"]
    assert app.selectbox(key="cell").value == label
    assert any(caption.value.startswith(f"第 {page} 页，红框处读作「3119」") for caption in app.caption)
    assert len(app.get("image")) == 1


def test_a_links_cell_is_framed_or_why_not_is_said(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ((report_id, agency, year),) = sql(
        warehouse,
        """SELECT r.report_id, a.name, r.year FROM cells c JOIN reports r USING (report_id) JOIN agencies a USING (agency_id)
           WHERE r.source_format = 'pdf' AND c.key = 'requests.new_received.total'""",
    )
    state = {"report": f"{agency} {year}年"}
    read = {key for (key,) in sql(warehouse, "SELECT key FROM cells WHERE report_id = ?", [report_id])}
    unread = next(key for key in spec_by_key() if key not in read)
    named = {
        "requests.new_received.total": None,  # by its key, as the annual review links
        label_for("requests.new_received.total"): None,  # by its label, as the picker writes it
        "no.such.cell": "链接中的单元格「no.such.cell」不是模板中的单元格",
        unread: f"这份报告中没有读到链接所指的单元格「{label_for(unread)}」",
    }
    for cell, said in named.items():
        app = open_page(warehouse, "report", monkeypatch, state=state, params={"cell": cell})
        warnings = [warning.value for warning in app.warning if "单元格" in warning.value]
        picked = app.selectbox(key="cell").value
        if said is None:
            assert picked.endswith(label_for("requests.new_received.total")) and not warnings, (cell, warnings)
        else:
            assert len(warnings) == 1 and warnings[0].startswith(said), (cell, warnings)
            assert picked == app.selectbox(key="cell").options[0]  # the first cell is framed instead


def test_a_chart_with_nothing_to_draw_is_a_sentence() -> None:
    import numpy as np
    import plotly.express as px

    from dashboard.charts import _has_data

    empty = px.bar(pd.DataFrame({"year": [2019, 2020], "v": [np.nan, np.nan]}), x="year", y="v")
    drawn = px.bar(pd.DataFrame({"year": [2019, 2020], "v": [np.nan, 3.0]}), x="year", y="v")
    ranked = px.bar(pd.DataFrame({"n": [1, 2], "r": ["a", "b"]}), x="n", y="r", orientation="h")
    assert not _has_data(empty) and _has_data(drawn) and _has_data(ranked)
    spread = px.histogram(pd.DataFrame({"新收申请": [3.0, 40.0, 7.0]}), x="新收申请", nbins=40)
    no_spread = px.histogram(pd.DataFrame({"新收申请": [np.nan, np.nan]}), x="新收申请")
    assert _has_data(spread) and not _has_data(no_spread)  # a histogram's values are on x


def test_chosen_agencies_are_compared_side_by_side_by_year(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ((first,), (second,)) = sql(
        warehouse, "SELECT DISTINCT name FROM current_reports WHERE name LIKE '株洲市%' ORDER BY name LIMIT 2"
    )
    app = open_page(warehouse, "compare", monkeypatch, state={"compare": [first, second]})
    table = next(frame.value for frame in app.dataframe if "行政复议纠错率" in frame.value.columns)
    assert set(table["机关"]) == {first, second}
    assert list(table.columns[:9]) == [
        "机关",
        "年度",
        "新收申请",
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    assert all(cell == "—" or "（" in cell for cell in table["行政复议纠错率"])  # each rate with its cases


def test_a_chart_gives_its_own_numbers_and_marks_the_2021_template() -> None:
    import plotly.express as px

    from dashboard.charts import _mark_template_change, _years_as_categories, chart_data

    frame = pd.DataFrame({"year": [2019, 2020, 2021, 2022] * 2, "件": [1, 2, 3, 4, 5, 6, 7, 8], "机关": ["甲"] * 4 + ["乙"] * 4})
    figure = px.line(frame, x="year", y="件", color="机关", labels={"year": "年度"})
    figure.for_each_xaxis(_years_as_categories)
    _mark_template_change(figure)
    (line,) = figure.layout.shapes
    assert line.x0 == 1.5 and figure.layout.annotations[-1].text == "2021 版模板"  # between 2020 and 2021
    data = chart_data(figure)
    assert list(data.columns) == ["系列", "年度", "件"] and len(data) == 8 and data["件"].sum() == 36


def test_long_bar_labels_wrap_evenly_and_the_chart_grows_to_keep_them_apart() -> None:
    import plotly.express as px

    from dashboard.charts import LINE_HEIGHT, bars_height, chart_data, wrapped

    assert wrapped("6.属于四类过程性信息") == "6.属于四类<br>过程性信息"  # 11 characters: 6 and 5, not 10 and 1
    assert wrapped("1.没有现成信息") == "1.没有现成信息"
    long = wrapped("5.要求行政机关确认或重新出具已获取信息")
    assert long.count("<br>") == 1 and long.replace("<br>", "") == "5.要求行政机关确认或重新出具已获取信息"
    one_line, two_lines = [wrapped("1.没有现成信息")] * 16, [long] * 16
    assert bars_height(two_lines) - bars_height(one_line) == 16 * LINE_HEIGHT  # each bar gets a line's room more
    figure = px.bar({"件": [3], "原因": [long]}, x="件", y="原因", orientation="h")
    assert chart_data(figure)["原因"].tolist() == ["5.要求行政机关确认或重新出具已获取信息"]  # the CSV has it on one line


def test_the_legend_stands_as_far_below_a_tall_chart_as_below_a_short_one() -> None:
    from dashboard.charts import CHART_HEIGHT, LEGEND_BELOW, MARGIN_BOTTOM, MARGIN_TOP, bars_height, legend_top

    def pixels_below(height: int) -> float:
        return -legend_top(height) * (height - MARGIN_TOP - MARGIN_BOTTOM)

    tall = bars_height(["5.要求行政机关确认<br>或重新出具已获取信息"] * 16)
    assert tall > 2 * CHART_HEIGHT
    assert pixels_below(tall) == pytest.approx(LEGEND_BELOW) == pytest.approx(pixels_below(CHART_HEIGHT))
    assert legend_top(None) == legend_top(CHART_HEIGHT)  # plotly's own height where none is given


def test_a_tile_is_as_wide_as_its_label_and_its_figure_need() -> None:
    from dashboard.ui import LABEL_FONT, TILE_WIDTH, Tile, tile_width

    assert tile_width(Tile("机关", "12")) == TILE_WIDTH  # short tiles line up
    long_label = Tile("地区或类别待确认", "3", help="到「数据质量」页下载名单改正")
    assert tile_width(long_label) >= 8 * LABEL_FONT + 24  # eight characters and the help mark, not 地区或类别…
    assert tile_width(Tile("机关", "142,858")) > TILE_WIDTH  # a million reports' figures are not cut either
    assert tile_width(Tile("发布日期", "2020-03-31")) > tile_width(Tile("发布日期", "2020"))


def test_the_tile_map_has_every_province_and_a_click_filters_by_it(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.tile_map import TILES, short_name, tiles

    assert short_name("广西壮族自治区") == "广西" and short_name("湖南省") == "湖南" and short_name("火星省") is None
    grid = tiles(pd.DataFrame({"province": ["湖南省"], "rate": [0.5]}))
    assert len(grid) == len(TILES) == 34 and grid.set_index("short").loc["湖南", "rate"] == 0.5
    app = open_page(warehouse, "regions", monkeypatch, state={"region-indicator": "公开率"})
    table = app.dataframe[0].value
    assert "湖南省" in set(table["省份"])


def test_a_year_without_a_report_is_a_gap_not_a_line_across() -> None:
    import plotly.express as px

    from dashboard.charts import _gaps_for_missing_years, _years_as_categories

    figure = px.line(pd.DataFrame({"year": [2019, 2021, 2022], "件": [5, 7, 9]}), x="year", y="件", labels={"year": "年度"})
    figure.for_each_xaxis(_years_as_categories)
    _gaps_for_missing_years(figure)
    (trace,) = figure.data
    assert list(trace.x) == [2019, 2020, 2021, 2022] and list(trace.y) == [5, None, 7, 9] and trace.connectgaps is False
    assert list(figure.layout.xaxis.categoryarray) == [2019, 2020, 2021, 2022]


def test_the_download_table_is_asked_in_full_only_for_the_download(warehouse: Path) -> None:
    from dashboard import queries
    from dashboard.queries import Filters

    keys = ("requests.new_received.total", "active.penalty.decisions")
    for chosen in (Filters(), Filters(kinds=("公安",))):
        whole = queries.agency_year(warehouse, chosen, keys)
        assert len(whole) > 5 and queries.agency_year_rows(warehouse, chosen) == len(whole)
        pd.testing.assert_frame_equal(queries.agency_year(warehouse, chosen, keys, 5), whole.head(5))
        made = queries.agency_year_download(warehouse, chosen, keys)
        assert list(made.columns[:2]) == ["报告编号", "机关"] and len(made) == len(whole)


def test_bodies_are_ranked_by_their_most_serious_findings_with_their_regions() -> None:
    from dashboard.review_tables import bodies_ranked, place

    found = pd.DataFrame(
        {
            "agency_id": [1, 1, 2, 2, 2, 2, 3, 4],
            "agency": ["甲局", "甲局", "乙局", "乙局", "乙局", "乙局", "丙局", "丁局"],
            "severity": ["错误", "错误", "错误", "提醒", "提醒", "提醒", "关注", "关注"],
            "rule": ["r"] * 8,
        }
    )
    status = pd.DataFrame(
        {
            "agency_id": [1, 2, 3],
            "agency": ["甲局", "乙局", "丙局"],
            "province": ["湖南省", "湖南省", None],
            "city": ["株洲市", None, None],
            "county": [None, None, None],
        }
    )
    ranked = bodies_ranked(found, status)
    assert ranked["机关"].tolist() == ["甲局", "乙局", "丁局", "丙局"]  # 2 errors, then 1; the ties by name (丁 before 丙)
    assert ranked[["错误", "提醒", "关注"]].values.tolist() == [[2, 0, 0], [1, 3, 0], [0, 0, 1], [0, 0, 1]]
    assert ranked["地区"].tolist() == ["湖南省株洲市", "湖南省", "地区未知", "地区未知"]
    assert place(status.iloc[:0]).tolist() == []


@pytest.mark.parametrize(
    ("page", "params", "said", "limit"),
    [
        ("review", {"review-year": "2021"}, "条问题", 3),
        ("quality", {}, "条未通过的勾稽关系", 1),
        ("compare", {}, "个机关", 3),
        ("agencies", {}, "个机关", 3),
    ],
)
def test_long_tables_show_their_first_rows_and_say_how_many_there_are(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, page: str, params: dict[str, str], said: str, limit: int
) -> None:
    import dashboard.ui

    monkeypatch.setattr(dashboard.ui, "SHOWN_ROWS", limit)
    app = open_page(warehouse, page, monkeypatch, params=params)
    notes = [c.value for c in app.caption if f"表格显示前 {limit} 行" in c.value]
    assert any(f"{said}，" in note for note in notes), [c.value for c in app.caption]
    assert any(len(frame.value) == limit for frame in app.dataframe)
    if page != "review":  # the review's tables leave the rest to its 问题清单
        assert "下载 CSV" in [b.label for b in app.get("download_button")]
    else:
        findings = [frame.value for frame in app.dataframe if "问题说明" in frame.value.columns]
        assert [len(frame) for frame in findings] == [limit]


def test_the_review_search_narrows_every_table_and_takes_any_text(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name's part is text, not a pattern: 审计局( finds nothing and breaks nothing."""

    def shown(app: AppTest) -> dict[str, set[str]]:
        return {
            column: set(frame.value[column])
            for frame in app.dataframe
            for column in ("机关",)
            if column in frame.value.columns and "问题说明" in frame.value.columns
        }

    app = open_page(warehouse, "review", monkeypatch, params={"review-year": "2021"})
    everyone = shown(app)["机关"]
    assert len(everyone) > 1
    app.text_input(key="review-search").set_value("审计").run()
    assert not app.exception
    narrowed = shown(app)["机关"]
    assert narrowed and narrowed < everyone and all("审计" in name for name in narrowed)
    app.text_input(key="review-search").set_value("审计局(").run()
    assert not app.exception
    assert not shown(app) and any("该筛选下没有" in info.value for info in app.info)


def test_every_chart_of_the_requests_page_draws_on_a_warehouse_with_requests(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spread of requests over agencies is a histogram, whose values stand on x: it was
    taken for a chart with nothing to draw."""
    app = open_page(warehouse, "requests", monkeypatch)
    assert not [info.value for info in app.info if "没有这项数据" in info.value]
    assert len(app.get("plotly_chart")) == 4


def test_the_incomplete_reports_table_is_cut_short_like_the_others(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million reports of real publications the tables missing could be tens of
    thousands of rows: the first are shown, all downloaded."""
    import dashboard.ui

    monkeypatch.setattr(dashboard.ui, "SHOWN_ROWS", 0)  # the warehouse misses one table
    app = open_page(warehouse, "quality", monkeypatch)
    assert any(c.value.startswith("共 1 个缺少的表格，表格显示前 0 行") for c in app.caption), [c.value for c in app.caption]
    assert "download-不完整的报告-csv" in [b.key for b in app.get("download_button")]
