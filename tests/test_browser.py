"""The real server in a real browser: every page opens in Debian's chromium without an
error and with its chart or table; shared links reproduce the view. Screenshots are kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pandas as pd
import pytest

from dashboard.pages import PAGES as ALL_PAGES
from dashboard.server import serving
from etl.warehouse import connect_readonly
from tests.helpers import ROOT, sql

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "screenshots"
PAGES = {page.url_path: page.title for page in ALL_PAGES}
CHARTLESS = {page.url_path for page in ALL_PAGES if not page.charts}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


@pytest.fixture(scope="module")
def server(warehouse: Path) -> Iterator[str]:
    with serving(warehouse) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield instance
        finally:
            instance.close()


def open_page(browser: object, url: str) -> object:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(1500)
    return page


def wait_until_idle(page: Any) -> None:
    """Until the app's script has stopped running (its last rerun drawn)."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'", timeout=60_000
    )


def test_a_shared_link_opened_first_on_a_fresh_server_reproduces_the_view(
    server: str, browser: object, warehouse: Path, tmp_path: Path
) -> None:
    connection = connect_readonly(warehouse)
    try:
        expected = connection.execute(
            "SELECT count(*) FROM reports r JOIN agencies a USING (agency_id) WHERE r.is_current AND a.kind = '公安'"
        ).fetchall()[0][0]
    finally:
        connection.close()
    page = open_page(browser, f"{server}/explore?kind=%E5%85%AC%E5%AE%89")  # kind=公安
    try:
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)  # type: ignore[attr-defined]
        rows = page.get_by_text(re.compile(r"^[\d,]+ 行（每行一份报告）")).inner_text()  # type: ignore[attr-defined]
        assert rows.startswith(f"{expected:,} 行")
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()  # type: ignore[attr-defined]
        assert "筛选" in sidebar and "公安" in sidebar and "数据查询与下载" in sidebar
        # The download is made when clicked: every row of the filtered table, Excel-friendly.
        with page.expect_download() as download:  # type: ignore[attr-defined]
            page.get_by_role("button", name="下载 CSV").click()  # type: ignore[attr-defined]
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        data = saved.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
        table = pd.read_csv(saved, encoding="utf-8-sig")
        assert len(table) == expected and set(table["类别"]) == {"公安"}
    finally:
        page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_with_its_chart_and_no_error(server: str, browser: object, path: str) -> None:
    page = open_page(browser, f"{server}/{path}")
    try:
        page.wait_for_selector("h1", timeout=30_000)  # type: ignore[attr-defined]
        assert PAGES[path] in page.inner_text("h1")  # type: ignore[attr-defined]
        if path not in CHARTLESS:
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)  # type: ignore[attr-defined]
        elif path != "import_reports":
            page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)  # type: ignore[attr-defined]
        assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]


def test_a_report_link_opens_that_report(server: str, browser: object, warehouse: Path) -> None:
    connection = connect_readonly(warehouse)
    try:
        assert connection.execute(
            "SELECT count(*) FROM reports JOIN agencies USING (agency_id) WHERE name = '淮安市人民政府'"
        ).fetchall() == [(1,)]
    finally:
        connection.close()
    page = open_page(browser, f"{server}/report?report={quote('淮安市人民政府 2024年')}")
    try:
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)  # type: ignore[attr-defined]
        # A PDF's page comes first, with the chosen cell framed; its text is the second tab.
        page.wait_for_selector('[data-testid="stImage"] img', timeout=60_000)  # type: ignore[attr-defined]
        assert page.get_by_text(re.compile(r"^第 \d+ 页，红框处读作")).count() == 1  # type: ignore[attr-defined]
        page.get_by_role("tab", name="原文文字").click()  # type: ignore[attr-defined]
        page.wait_for_selector("textarea", timeout=30_000)  # type: ignore[attr-defined]
        assert "淮安市人民政府" in page.locator("textarea").first.input_value()  # type: ignore[attr-defined]  # its source text
        assert "2024" in page.locator("textarea").first.input_value()  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]


def test_the_url_always_names_the_report_and_the_review_year_shown(server: str, browser: object, warehouse: Path) -> None:
    # A linked report the list lacks (the search names another agency) comes first in the
    # picker, where Streamlit's binding would leave it out of the URL as the default; and a
    # page opened without a report shows one, which the URL names too.
    linked = f"{server}/report?report={quote('淮安市人民政府 2024年')}&report-search={quote('株洲')}"
    for url, agency in ((linked, "淮安市人民政府"), (f"{server}/report", None)):
        page = open_page(browser, url)
        try:
            shown = page.get_by_text(re.compile(r"^机关：")).first  # type: ignore[attr-defined]
            shown.wait_for(timeout=60_000)
            seen = shown.inner_text()
            assert agency is None or seen.startswith(f"机关：{agency}，"), seen
            page.wait_for_function("() => new URLSearchParams(location.search).has('report')", timeout=30_000)  # type: ignore[attr-defined]
            page.reload()  # type: ignore[attr-defined]
            wait_until_idle(page)
            again = page.get_by_text(re.compile(r"^机关：")).first  # type: ignore[attr-defined]
            again.wait_for(timeout=60_000)
            assert again.inner_text() == seen
        finally:
            page.close()  # type: ignore[attr-defined]
    # The review's year, the latest by default: a link made now keeps it when later years come.
    page = open_page(browser, f"{server}/review")
    try:
        latest = max(year for (year,) in sql(warehouse, "SELECT DISTINCT year FROM reports"))
        page.wait_for_function(  # type: ignore[attr-defined]
            f"() => new URLSearchParams(location.search).get('review-year') === '{latest}'", timeout=30_000
        )
    finally:
        page.close()  # type: ignore[attr-defined]


def test_a_cleared_report_picker_goes_back_to_the_first_report_and_the_url_names_it(server: str, browser: object) -> None:
    # Cleared, the picker's value left the URL, and setting it there again (the picker is
    # bound to it) stopped the page with Streamlit's error.
    page = open_page(browser, f"{server}/report?report={quote('淮安市人民政府 2024年')}")
    try:
        wait_until_idle(page)
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="报告").last  # type: ignore[attr-defined]
        picker.locator('[aria-label="Clear value"]').click()
        # Until the URL names another report: the fixture's list does not begin with 淮安, and
        # the URL names none for a moment after the click, before the page runs again.
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => { const named = new URLSearchParams(location.search).get('report') || '';"
            " return named !== '' && !named.startsWith('淮安市人民政府'); }",
            timeout=30_000,
        )
        wait_until_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
        named = parse_qs(urlparse(page.url).query)["report"][0]  # type: ignore[attr-defined]
        agency = named.rsplit(" ", 1)[0]  # the page shows the report the URL names
        assert page.get_by_text(re.compile(r"^机关：")).first.inner_text().startswith(f"机关：{agency}，")  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]


def test_an_uploaded_report_appears_without_restarting(server: str, browser: object, warehouse: Path, tmp_path: Path) -> None:
    source = ROOT / "tests" / "fixtures" / "formats" / "same-2019-blanks.docx"
    page = open_page(browser, f"{server}/import_reports")
    try:
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(source))  # type: ignore[attr-defined]
        # The uploader shows the chosen file's name (shortened in the middle) once it has it.
        page.get_by_text(re.compile(re.escape(source.name[-10:]) + "$")).first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
        page.get_by_role("button", name="导入").click()  # type: ignore[attr-defined]
        page.get_by_text("导入完成").wait_for(timeout=60_000)  # type: ignore[attr-defined]
        assert "新导入 1" in page.locator('[data-testid="stAlertContentSuccess"]').inner_text()  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]
    page = open_page(browser, f"{server}/report?report={quote('样例县第1局 2020年')}")
    try:
        page.wait_for_selector("textarea", timeout=30_000)  # type: ignore[attr-defined]
        assert "样例县第1局" in page.locator("textarea").first.input_value()  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]


def test_a_zip_of_agency_folders_and_an_agencies_csv_are_uploaded_together(
    server: str, browser: object, warehouse: Path, tmp_path: Path
) -> None:
    """The report names no agency: the zip's folder does; the agencies.csv sets its parent."""
    import zipfile

    text = (ROOT / "data" / "samples" / "zhuzhou-audit-2019.txt").read_text("utf-8").replace("株洲市审计局", "")
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("株洲市信访局/2018.txt", text)
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("name,parent\n株洲市信访局,株洲市人民政府\n", "utf-8-sig")
    page = open_page(browser, f"{server}/import_reports")
    try:
        inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')  # type: ignore[attr-defined]
        # A file reaches the server a moment after it is chosen (the uploader then shows its
        # name); choosing the next one, or clicking 导入, before that would lose it.
        inputs.nth(0).set_input_files(str(archive))
        page.get_by_text(re.compile(r"reports\.zip$")).first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
        inputs.nth(1).set_input_files(str(agencies))
        page.get_by_text(re.compile(r"agencies\.csv$")).first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
        page.get_by_role("button", name="导入").click()  # type: ignore[attr-defined]
        page.get_by_text("导入完成").wait_for(timeout=60_000)  # type: ignore[attr-defined]
        assert "新导入 1" in page.locator('[data-testid="stAlertContentSuccess"]').inner_text()  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]
    connection = connect_readonly(warehouse)
    try:
        found = connection.execute(
            """SELECT a.name, a.county, a.level, a.parent, r.year, r.agency_from
               FROM reports r JOIN agencies a USING (agency_id) WHERE a.name = '株洲市信访局'"""
        ).fetchall()
    finally:
        connection.close()
    assert found == [("株洲市信访局", None, "市", "株洲市人民政府", 2018, "folder")]


def test_an_old_link_with_short_keys_still_opens_its_view_and_bad_values_are_named(server: str, browser: object) -> None:
    page = open_page(browser, f"{server}/explore?prov={quote('湖南省')}&gen={quote('排除')}")
    try:
        page.wait_for_selector("h1", timeout=30_000)  # type: ignore[attr-defined]
        assert "province=" in page.url and "prov=" not in page.url  # type: ignore[attr-defined]
        shown = page.get_by_text("筛选：").first.inner_text()  # type: ignore[attr-defined]
        assert shown.endswith("年；省份：湖南省；不含演示数据")  # the years depend on what other tests uploaded
    finally:
        page.close()  # type: ignore[attr-defined]
    page = open_page(browser, f"{server}/?province={quote('火星省')}")
    try:
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()  # type: ignore[attr-defined]
        assert "链接中有未识别的筛选值，已忽略：省份「火星省」" in sidebar
    finally:
        page.close()  # type: ignore[attr-defined]


def test_a_click_on_a_province_of_the_map_filters_every_page(server: str, browser: object) -> None:
    page = open_page(browser, f"{server}/regions")
    try:
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)  # type: ignore[attr-defined]
        tile = page.locator(".js-plotly-plot .textpoint").filter(has_text="湖南").first  # type: ignore[attr-defined]
        box = tile.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
        page.get_by_text("省份：湖南省").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
        page.wait_for_url(re.compile(r"province=%E6%B9%96%E5%8D%97%E7%9C%81"), timeout=30_000)  # type: ignore[attr-defined]
        assert page.locator("h1").first.inner_text() == "地区分布"  # type: ignore[attr-defined]  # the page still stands
        page.reload()  # type: ignore[attr-defined]  # and the link reproduces the view
        page.get_by_text("省份：湖南省").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]


def test_the_review_lists_findings_that_open_their_report_and_downloads_the_list(
    server: str, browser: object, warehouse: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    connection = connect_readonly(warehouse)
    try:
        year, count = connection.execute(
            "SELECT year, count(*) FROM findings WHERE report_id IS NOT NULL GROUP BY year ORDER BY 2 DESC LIMIT 1"
        ).fetchall()[0]
    finally:
        connection.close()
    page = open_page(browser, f"{server}/review?review-year={year}")
    try:
        page.get_by_text("应报").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]  # a fresh server under load takes a while
        page.get_by_role("tab", name="问题明细").click()  # type: ignore[attr-defined]
        page.wait_for_timeout(1000)  # type: ignore[attr-defined]
        with page.expect_download() as download:  # type: ignore[attr-defined]
            page.get_by_text("下载问题清单（Excel）").click()  # type: ignore[attr-defined]
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name.endswith(f"{year}_年报审查问题清单.xlsx")
        sheet = load_workbook(saved)["问题清单"]
        assert sheet.max_row == count + 1 + _missing(warehouse, year) and sheet.freeze_panes == "A2"
        page.get_by_role("tab", name="审查规则").click()  # type: ignore[attr-defined]
        assert page.get_by_text("逾期公布").count() >= 1  # type: ignore[attr-defined]
        page.screenshot(path=str(SHOTS / "review-1400.png"), full_page=True)  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]


def _missing(warehouse: Path, year: int) -> int:
    connection = connect_readonly(warehouse)
    try:
        return int(
            connection.execute("SELECT count(*) FROM findings WHERE report_id IS NULL AND year = ?", [year]).fetchall()[0][0]
        )
    finally:
        connection.close()


def test_a_click_on_a_ranked_row_opens_that_agencys_report(server: str, browser: object) -> None:
    page = open_page(browser, f"{server}/compare")
    try:
        from playwright.sync_api import TimeoutError as PageTimeout

        # The ranking's own grid (its key), not whichever grid is last while the page draws.
        # It is the page's last section: on a loaded machine it is drawn well after the page
        # opens, so it is waited for as long as the page may take to run.
        grid = page.locator('.st-key-ranking-table [data-testid="stDataFrame"]')  # type: ignore[attr-defined]
        grid.wait_for(state="visible", timeout=120_000)
        opened = re.compile(r"/report\?report=")
        # The grid is a canvas: its first row's selector is clicked where it is drawn, once
        # the app has stopped running and the grid stands still. On a busy machine the page
        # may still settle under the first click, so it is clicked again.
        for _ in range(3):
            grid.scroll_into_view_if_needed()
            box = _standing_still(page, grid)
            page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # type: ignore[attr-defined]  # the first row's selector
            try:
                page.wait_for_url(opened, timeout=10_000)  # type: ignore[attr-defined]
                break
            except PageTimeout:  # not yet: click again
                continue
        page.wait_for_url(opened, timeout=30_000)  # type: ignore[attr-defined]
        page.get_by_role("heading", name="报告详情").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    except Exception as error:
        raise AssertionError(_what_the_page_shows(page, "ranked-row-failure")) from error
    finally:
        page.close()  # type: ignore[attr-defined]


def _what_the_page_shows(page: Any, name: str) -> str:
    """The page's address, script state and text, for a failure's message (its screenshot
    is kept under tests/screenshots/ as ``name``)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    state = page.evaluate("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState")
    grids = page.locator('[data-testid="stDataFrame"]').count()
    return f"{page.url} (script {state}, {grids} grids):\n{page.inner_text('body')[:3000]}"


def _standing_still(page: Any, element: Any) -> Any:
    """``element``'s box once the app is not running and the box is the same twice, 300 ms
    apart (a grid still laid out moves under a click)."""
    wait_until_idle(page)
    box = element.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(300)
        again = element.bounding_box()
        if again == box:
            return box
        box = again
    return box


def test_the_file_uploader_speaks_chinese(server: str, browser: object, tmp_path: Path) -> None:
    page = open_page(browser, f"{server}/import_reports")
    try:
        page.wait_for_selector('[data-testid="stFileUploaderDropzone"]', timeout=30_000)  # type: ignore[attr-defined]
        zone = page.locator('[data-testid="stFileUploaderDropzone"]').first  # type: ignore[attr-defined]
        # What a screen reader is given: the Chinese, and none of the English it covers.
        spoken = zone.aria_snapshot()
        assert 'button "选择文件"' in spoken and "拖放到这里（每个文件不超过 50 MB）" in spoken, spoken
        read_out = " ".join("".join(parts) for parts in re.findall(r'"([^"]*)"|text: (.*)', spoken))
        assert not re.search(r"[A-Za-z]{3,}", read_out.replace("MB", "")), spoken  # no "Upload", "file upload", "per file"
        # The button still opens the file chooser, and the file chosen is taken.
        report = tmp_path / "report.txt"
        report.write_text("政府信息公开工作年度报告", encoding="utf-8")
        with page.expect_file_chooser() as chooser:  # type: ignore[attr-defined]
            zone.get_by_role("button", name="选择文件").click()
        chooser.value.set_files(str(report))
        page.get_by_text("report.txt").first.wait_for(timeout=10_000)  # type: ignore[attr-defined]
        # A chosen file's remove button and the button that adds more are named in Chinese too.
        uploader = page.locator('[data-testid="stFileUploader"]').first  # type: ignore[attr-defined]
        remove = uploader.get_by_role("button", name="移除 report.txt")
        remove.wait_for(timeout=10_000)
        spoken = uploader.aria_snapshot()
        assert 'button "添加文件"' in spoken, spoken
        read_out = " ".join("".join(parts) for parts in re.findall(r'"([^"]*)"|text: (.*)', spoken))
        assert not re.search(r"[A-Za-z]{3,}", read_out.replace("report.txt", "")), spoken  # no "Remove", "Add files"
        remove.click()
        page.get_by_text("report.txt").first.wait_for(state="detached", timeout=10_000)  # type: ignore[attr-defined]
    finally:
        page.close()  # type: ignore[attr-defined]
