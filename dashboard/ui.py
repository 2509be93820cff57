"""The thin layer between pages and the query module: caching, shared filters, formatting,
downloads. Pages call these and draw; the questions themselves live in ``queries``."""

from __future__ import annotations

import functools
import hmac
import math
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import PurePath
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pandas as pd
import streamlit as st

from dashboard import answers, queries
from dashboard.answers import db_path
from dashboard.links import report_url
from dashboard.queries import Filters
from etl.checks import RULE_TEXT
from etl.cross_year_rules import CROSS_YEAR_TEXT
from etl.export import ExportFormat, render
from etl.indicators import Indicator
from etl.template import label_for, subject_label
from etl.warehouse import WarehouseError, needs_upgrade
from etl.words import COLUMN_WORDS

#: Keys links made before carried, the keys they are now, and whether the filter takes a list:
#: an old shared link still opens its view.
OLD_LINK_KEYS = {"prov": ("province", True), "tpl": ("template", True), "gen": ("demo", False)}


def upgrade_old_link() -> None:
    """An old link's keys (prov=, tpl=, gen=) as today's, before the widgets are made: in the
    URL, and in the filters themselves (a widget takes a link's values when a session starts)."""
    for old, (new, many) in OLD_LINK_KEYS.items():
        if old in st.query_params and new not in st.query_params:
            values = st.query_params.get_all(old)
            del st.query_params[old]
            st.query_params[new] = values if many else values[0]
            st.session_state[new] = values if many else values[0]


def filters() -> Filters:
    """The sidebar's filters, as set in app.py (and kept in the URL). Years from the first
    report's to the last's are every year: no filter on them (``Filters.every_year``)."""
    state = st.session_state
    years = state.get("years")
    chosen = (int(years[0]), int(years[1])) if years else None
    every = chosen is not None and chosen == _every_year()
    return Filters(
        years=None if every else chosen,
        every_year=chosen if every else None,
        provinces=tuple(state.get("province") or ()),
        cities=tuple(state.get("city") or ()),
        levels=tuple(state.get("level") or ()),
        kinds=tuple(state.get("kind") or ()),
        agencies=tuple(state.get("agency") or ()),
        templates=tuple(state.get("template") or ()),
        include_generated=state.get("demo", "包含") != "排除",
    )


def _every_year() -> tuple[int, int] | None:
    """The first and the last year reported (the years' slider, as it opens); None while
    the warehouse cannot say (gone, or to upgrade: the page says so, the slider still set)."""
    try:
        return answers.options().every_year
    except (WarehouseError, duckdb.Error):
        return None


#: The sidebar's filters as a link keeps them, and what each is called.
LINK_FILTERS = {"province": "省份", "city": "城市", "level": "层级", "kind": "机关类别", "agency": "机关", "template": "模板版本"}


def unrecognised_link_values(choices: queries.FilterOptions) -> list[str]:
    """Values a shared link sets that no report has (years=2030, province=火星省), in words:
    the filter widgets would drop them without a word, and the page show something else."""
    known = {
        "province": set(choices.provinces),
        "city": {city for city, _ in choices.city_province},
        "level": set(choices.levels),
        "kind": set(choices.kinds),
        "agency": set(choices.agencies),
        "template": set(choices.templates),
    }
    found = [
        f"{label}「{value}」"
        for key, label in LINK_FILTERS.items()
        for value in st.query_params.get_all(key)
        if value not in known[key]
    ]
    for value in st.query_params.get_all("years"):  # a range's ends: any year from the first report's to the last's
        span = choices.every_year
        if not value.isdigit() or span is None or not span[0] <= int(value) <= span[1]:
            found.append(f"年度「{value}」")
    return found


def about_indicators(*indicators: Indicator) -> None:
    """A "关于此指标" note: each rate's formula, denominator, template versions and source."""
    with st.expander("关于此指标", icon=":material/info:"):
        for indicator in indicators:
            st.markdown(indicator.explained())


def headed(frame: pd.DataFrame, **own: str) -> pd.DataFrame:
    """A table with Chinese headers: the product's words for its columns, and ``own`` for the
    columns only this table has (or that it heads otherwise)."""
    return frame.rename(columns={**COLUMN_WORDS, **own})


#: A headline tile's least width in pixels: seven fit a wide screen's row, two or three a phone's.
TILE_WIDTH = 112
#: The tile's label and figure as Streamlit draws them: font sizes in pixels, and the
#: help mark after a label.
LABEL_FONT = 14
VALUE_FONT = 36
HELP_MARK = 24


class Tile(NamedTuple):
    """One headline figure: what ``st.metric`` shows."""

    label: str
    value: int | float | str | None
    delta: int | float | str | None = None
    help: str | None = None


def tiles(*figures: Tile) -> list[Any]:
    """Headline figures in tiles that wrap, two or three to a row on a phone, instead of
    stacking one per row and pushing the charts screens down. Each tile is as wide as its
    label and its figure need (a tile of fixed width cut 地区或类别待确认 to 地区或类别…);
    returns the tiles, for a line under a figure."""
    row = st.container(horizontal=True, gap="medium")
    places = []
    for figure in figures:
        place = row.container(width=tile_width(figure))
        place.metric(figure.label, figure.value, figure.delta, help=figure.help)
        places.append(place)
    return places


def tile_width(figure: Tile) -> int:
    """Pixels a tile needs for its label (with its help mark) and its figure on one line each."""
    label = _text_width(figure.label, LABEL_FONT) + (HELP_MARK if figure.help else 0)
    value = _text_width("—" if figure.value is None else str(figure.value), VALUE_FONT)
    return max(TILE_WIDTH, math.ceil(max(label, value)) + 8)


def _text_width(text: str, font: int) -> float:
    """A line's width in pixels: a Chinese character is as wide as the font is high, a
    digit or a Latin letter about six tenths of that."""
    return sum(font if ord(char) >= 0x2E80 else 0.62 * font for char in text)


def page_title(title: str) -> None:
    """A page's heading, with the filters it shows under it in words."""
    st.title(title)
    st.caption(filters().describe())


def checks_in_words(checks: pd.DataFrame) -> pd.DataFrame:
    """Checks with their rule said in words, their subject and cells as the report prints them."""
    texts = {**RULE_TEXT, **CROSS_YEAR_TEXT}
    words = checks.assign(
        rule=checks["rule"].map(lambda rule: texts.get(rule, rule)), subject=checks["subject"].map(subject_label)
    )
    if "cells" in checks.columns:
        words["cells"] = checks["cells"].map(cells_in_words)
    return words


def cells_in_words(keys: object) -> str:
    """Cell keys as the template labels them (表｜行｜列), one per line's worth, joined by ；."""
    if keys is None or isinstance(keys, float):
        return "—"
    return _labels_joined(tuple(str(key) for key in keys))  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4096)
def _labels_joined(keys: tuple[str, ...]) -> str:
    """Labels of a set of cells, once per set: tens of thousands of failed checks share a few hundred."""
    return "；".join(label_for(key) for key in keys)


_UPLOAD_FOLDER = re.compile(r"^(?:.*[/\\])?uploads[/\\][0-9a-f]{16}[/\\]")


def display_source(path: object) -> str:
    """A source file as the user imported it, never the importing machine's full path:
    an upload's name inside what was uploaded (zip folders kept), else the file's folder
    and name."""
    text = str(path)
    upload = _UPLOAD_FOLDER.match(text)
    if upload:
        return text[upload.end() :]
    parts = PurePath(text).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else text


def without_paths(text: object, path: object) -> str:
    """A message that names a file, with the file as the user imported it."""
    return str(text).replace(str(path), display_source(path))


#: Addresses that only this machine reaches: a dashboard bound to one of them is not shared.
LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})
WRITE_KEY_ENV = "GOV_REPORTS_WRITE_KEY"


def _write_key() -> str:
    """The operator's key for writes: $GOV_REPORTS_WRITE_KEY, else ``write_key`` in Streamlit secrets."""
    key = os.environ.get(WRITE_KEY_ENV, "")
    if key:
        return key
    try:
        return str(st.secrets.get("write_key", ""))
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return ""


def write_access() -> str:
    """Who may change the warehouse (upload, name a report): "off" when the operator
    switched writes off, "open" on a dashboard only this machine reaches or once the
    operator's key was given, "locked" when a key is needed, "no key" on a shared server
    whose operator set none (writes stay off)."""
    if os.environ.get("GOV_REPORTS_UPLOADS", "on").lower() in ("off", "0", "false", "no"):
        return "off"
    if str(st.get_option("server.address") or "") in LOCAL_ADDRESSES:
        return "open"
    key = _write_key()
    if not key:
        return "no key"
    given = str(st.session_state.get("write-key") or "")
    return "open" if hmac.compare_digest(given.encode(), key.encode()) else "locked"


def writes_enabled() -> bool:
    return write_access() == "open"


def explain_write_access() -> None:
    """Why writes are not open here, in words, with the way to open them."""
    access = write_access()
    if access == "off":
        st.info("本站已关闭上传和修改（GOV_REPORTS_UPLOADS=off）。请联系管理员导入报告。")
    elif access == "no key":
        st.info(
            "这个看板可以被其他电脑访问，为防止他人改动数据，上传和修改默认关闭。管理员可设置环境变量 "
            f'`{WRITE_KEY_ENV}`（或在 .streamlit/secrets.toml 中写 `write_key = "…"`）作为口令后重启看板；'
            "只在本机使用时，以 `--server.address=localhost` 启动即可直接上传（`make run` 就是这样启动的）。"
        )
    elif access == "locked":
        st.text_input("管理口令", type="password", key="write-key", help="上传和修改数据需要管理员设置的口令")
        if st.session_state.get("write-key"):
            st.error("口令不对。")


def warehouse_ready() -> bool:
    """False, with a friendly pointer to importing, when there is nothing to show yet."""
    if db_path().exists() and needs_upgrade(db_path()):
        st.warning(
            "数据库文件由旧版本写成，需要先升级结构（原有数据都会保留）。请在命令行运行 "
            f"`python -m etl upgrade --db {db_path()}`，或再导入一次报告（导入时会自动升级）。"
        )
        return False
    if queries.is_empty(db_path()):
        st.info(
            "数据库中还没有报告。请到「导入报告」页面上传年度报告文件，或在命令行运行 `python -m etl ingest 文件夹 --db "
            + str(db_path())
            + "`。"
        )
        st.page_link("views/import_reports.py", label="前往导入报告", icon=":material/upload_file:")
        return False
    return True


def fmt_count(value: object) -> str:
    """Counts for Chinese readers: 万 and 亿 where it helps, thousands separators otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "未报告"
    number = float(value)  # type: ignore[arg-type]
    if abs(number) >= 1e8:
        return f"{number / 1e8:.2f}亿"
    if abs(number) >= 1e5:
        return f"{number / 1e4:.1f}万"
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


def fmt_number(value: object, decimals: int | None = None) -> str:
    """A number exactly, with thousands separators, for a table whose column names the unit
    (采购总金额（万元）): never 万 or 亿 added inside a column already in 万元."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "未报告"
    number = float(value)  # type: ignore[arg-type]
    if decimals is None:
        decimals = 0 if number == int(number) else 2
    return f"{number:,.{decimals}f}"


#: How a table column of numbers is written (the grid's printf formats): thousands
#: separators, a percentage, a rank.
COUNT, PERCENT, RANK = "%,d", "%.1f%%", "%.0f"


def number_columns(frame: pd.DataFrame, formats: dict[str, str]) -> dict[str, Any]:
    """The grid's settings writing ``formats``' columns as they say: the numbers stay numbers
    (the columns sort as numbers; text would sort 5.6 % above 33.3 %), a missing one "—".
    Formatting in the grid, not in pandas, keeps a table of a hundred thousand rows cheap."""
    return {column: st.column_config.NumberColumn(format=style) for column, style in formats.items() if column in frame.columns}


def fmt_rate(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]


def rates_as_text(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rates for a table: "54.1%", or "—" where the denominator is zero (never 0, never None)."""
    return frame.assign(**{column: frame[column].map(fmt_rate) for column in columns})


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Chinese column headers for keys (the short row｜column part)."""
    return frame.rename(columns={c: short_label(c) for c in frame.columns if c.count(".") == 2})


def short_label(key: str) -> str:
    return "｜".join(label_for(key).split("｜")[1:])


def downloads(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str, rows: int | None = None) -> None:
    """The table on screen, exactly, as CSV (UTF-8 with BOM), Excel and Parquet; the file
    name says the filters, and the Excel file's second sheet what it holds and when.
    ``frame`` may be what makes the table when a button is clicked (a page showing the
    first rows of a million need not fetch them all on every run), ``rows`` its length."""
    chosen = filters()
    stem = "_".join(part for part in (name, chosen.slug()) if part)
    about = {
        "内容": name,
        "筛选": chosen.describe().removeprefix("筛选："),
        "行数": str(len(frame) if isinstance(frame, pd.DataFrame) else rows),
        "数据库版本": queries.warehouse_version(db_path()),
        "导出时间": datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    columns = st.columns(3)
    choices: tuple[tuple[ExportFormat, str, str], ...] = (
        ("csv", "下载 CSV", "text/csv"),
        ("xlsx", "下载 Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("parquet", "下载 Parquet", "application/octet-stream"),
    )
    for column, (fmt, label, mime) in zip(columns, choices, strict=True):
        data = functools.partial(_rendered, frame, fmt, about)  # built only when clicked
        column.download_button(label, data, file_name=f"{stem}.{fmt}", mime=mime, key=f"download-{name}-{fmt}", on_click="ignore")


def _rendered(frame: pd.DataFrame | Callable[[], pd.DataFrame], fmt: ExportFormat, about: dict[str, str]) -> bytes:
    return render(frame if isinstance(frame, pd.DataFrame) else frame(), fmt, about)


def generated_banner() -> None:
    if answers.shows_generated(filters()):
        st.warning(
            "当前显示的数据中包含**生成的演示数据**（机关名称为真实地名，数字为程序生成），不是官方发布的数字。可在侧栏「演示数据」中排除。",
            icon=":material/warning:",
        )


def report_links(frame: pd.DataFrame) -> pd.Series:
    """Links to each row's report detail page."""
    return pd.Series(
        [report_url(a, y) for a, y in zip(frame["agency"], frame["year"], strict=True)], index=frame.index, dtype="object"
    )


def latest_report_links(agencies: pd.Series) -> pd.Series:
    """Each agency's latest report (within the filters), as a link to its detail page: made
    for the rows shown, name by name (pandas' ``map`` over a dict of a country's 142,858
    links made a series of them all on every call)."""
    years = answers.latest_report_years(filters())
    return pd.Series(
        [report_url(agency, years[agency]) if agency in years else None for agency in agencies],
        index=agencies.index,
        dtype="object",
    )


#: A link column of a table: the agency's latest report.
REPORT_LINK = {"报告": st.column_config.LinkColumn("报告详情", display_text="查看")}


def linked_table(frame: pd.DataFrame, names: dict[str, str], extra_links: dict[str, str] | None = None) -> None:
    """A table whose rows link to their report's detail page (its 报告 column, made here
    when it has none), with Chinese headers; ``extra_links`` names other link columns
    (already renamed) and the text they show."""
    shown = headed(frame if "报告" in frame.columns else frame.assign(报告=report_links(frame)), **names)
    config: dict[str, Any] = {"报告": st.column_config.LinkColumn("报告详情", display_text="查看"), "report_id": None}
    for column, text in (extra_links or {}).items():
        config[column] = st.column_config.LinkColumn(column, display_text=text)
    data_table(shown, hide_index=True, column_config=config)


def rows_open_reports(table: Any, links: pd.Series, key: str, **options: Any) -> None:
    """A table whose rows open their report when clicked (``links``: each row's report
    link, in the table's order; a row without one opens nothing)."""
    event = data_table(table, on_select="rerun", selection_mode="single-row", key=key, **options)
    chosen = list(event.selection.rows) if event is not None else []
    if chosen and isinstance(links.iloc[chosen[0]], str):
        target = urlsplit(links.iloc[chosen[0]])
        st.switch_page(f"views{target.path}.py", query_params=dict(parse_qsl(target.query)))


#: The most rows a table on screen shows: past some thousands a grid is not read row by
#: row anyway, and at a million reports a country's findings, checks or agencies were
#: tens of MiB sent to the browser on every run of the page. Downloads hold every row.
SHOWN_ROWS = 10_000


def first_rows(frame: pd.DataFrame, what: str, rest: str = "下载的文件包含全部。") -> pd.DataFrame:
    """The first ``SHOWN_ROWS`` rows of ``frame``, saying so (``what``: its rows, counted)
    when it has more."""
    rows_cut_short(len(frame), what, rest)
    return frame.head(SHOWN_ROWS)


def rows_cut_short(rows: int, what: str, rest: str = "下载的文件包含全部。") -> None:
    """Say that a table of ``rows`` shows its first ``SHOWN_ROWS`` only, when it has more."""
    if rows > SHOWN_ROWS:
        st.caption(f"共 {rows:,} {what}，表格显示前 {SHOWN_ROWS:,} 行；选择地区、年度或机关可缩小范围，{rest}")


#: How a table writes a missing value: a dash, as the reports print it (Streamlit's default
#: is a grey "None").
MISSING = "—"


def data_table(data: Any, formats: dict[str, str] | None = None, **options: Any) -> Any:
    """``st.dataframe`` with missing values written as "—", every table the same, and the
    number columns named in ``formats`` written as they say; a table without rows says so in
    a line (Streamlit's grid would say "empty", in English)."""
    if len(getattr(data, "data", data)) == 0:  # a Styler holds its frame as ``data``
        st.caption("没有记录。")
        return None
    if formats:
        options["column_config"] = {**number_columns(data, formats), **(options.get("column_config") or {})}
    return st.dataframe(data, placeholder=MISSING, **options)


#: Streamlit's file uploader speaks English whatever the page's language (its texts cannot
#: be set: streamlit/streamlit#13500); these rules write its button and hint in Chinese.
#: The English is taken out (``display: none``, so screen readers skip it too, which a zero
#: font size did not) and the Chinese is its visible parent's ``::after``, shown and read
#: out. The hidden file input, which the button opens, is left out of what is read (its
#: name, "file upload", is Streamlit's English): the button is the control to reach.
_UPLOADER_IN_CHINESE = """<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {
  display: none;
}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]::after {
  content: "选择文件";
}
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "或把文件拖放到这里（每个文件不超过 @MB@ MB）";
  font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInput"] { visibility: hidden; }
</style>"""


#: What a screen reader says of a chosen file's remove button and of the button that adds
#: more are attributes (``aria-label="Remove a.txt"``, ``"Add files"``), which no style can
#: reach: a script names them in Chinese whenever Streamlit draws them again. It is the
#: page's own fixed text, never anything a user sent.
_UPLOADER_NAMES_IN_CHINESE = """<script>
(() => {
  if (window.uploaderNamesInChinese) return;
  window.uploaderNamesInChinese = true;
  const rename = () => {
    for (const button of document.querySelectorAll('[data-testid="stFileUploader"] button[aria-label]')) {
      const label = button.getAttribute("aria-label");
      if (label.startsWith("Remove ")) button.setAttribute("aria-label", "移除 " + label.slice(7));
      else if (label === "Add files") button.setAttribute("aria-label", "添加文件");
      else continue;
      for (const span of button.querySelectorAll("span:not([aria-hidden])")) {
        if (!span.children.length && /icon$/.test(span.textContent)) span.setAttribute("aria-hidden", "true");
      }
    }
  };
  new MutationObserver(rename).observe(document.body, {subtree: true, childList: true, attributeFilter: ["aria-label"]});
  rename();
})();
</script>"""


def uploaders_in_chinese(max_mb: int) -> None:
    """The page's file uploaders with their button and hint in Chinese, the hint with the
    size limit the uploaders enforce, and their buttons' names for screen readers too."""
    st.html(_UPLOADER_IN_CHINESE.replace("@MB@", str(int(max_mb))))
    st.html(_UPLOADER_NAMES_IN_CHINESE, unsafe_allow_javascript=True)
