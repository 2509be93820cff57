import pytest

from etl.document import Cell, SourceDocument
from etl.metadata import read_metadata


def document(*lines: str, path: str = "x.txt", meta: dict[str, str] | None = None) -> SourceDocument:
    return SourceDocument(path, "txt", [[Cell(line, f"第{i}行")] for i, line in enumerate(lines, 1)], meta or {})


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("株洲市审计局2019年政府信息公开工作年度报告", "株洲市审计局", 2019),
        ("平潭综合实验区2021年度政府信息公开工作年度报告", "平潭综合实验区", 2021),
        ("上海市人民政府办公厅关于2022年政府信息公开工作年度报告", "上海市人民政府办公厅", 2022),
        ("2020年株洲市审计局政府信息公开工作年度报告", "株洲市审计局", 2020),
        ("国家税务总局株洲市税务局二〇二一年政府信息公开工作年度报告", "国家税务总局株洲市税务局", 2021),
    ],
)
def test_title_forms(title: str, agency: str, year: int) -> None:
    meta = read_metadata(document(title, "一、总体情况"))
    assert (meta.agency, meta.year, meta.agency_from) == (agency, year, "title")


def test_a_title_wrapped_over_two_lines() -> None:
    meta = read_metadata(document("株洲市审计局2019年度", "政府信息公开工作年度报告", "一、总体情况"))
    assert (meta.agency, meta.year) == ("株洲市审计局", 2019)


@pytest.mark.parametrize(
    ("line", "iso"), [("2020年1月14日", "2020-01-14"), ("二〇二〇年一月十四日", "2020-01-14"), ("2021年12月31日", "2021-12-31")]
)
def test_the_dated_signature_is_the_publication_date(line: str, iso: str) -> None:
    meta = read_metadata(document("某局2019年政府信息公开工作年度报告", "正文", "某局", line))
    assert str(meta.published) == iso


def test_signature_then_file_name_stand_in_for_a_missing_title() -> None:
    meta = read_metadata(
        document("一、总体情况", "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。", "株洲市教育局", "2022年1月10日")
    )
    assert (meta.agency, meta.agency_from, meta.year) == ("株洲市教育局", "signature", 2021)
    meta = read_metadata(document("一、总体情况", path="reports/醴陵市财政局2021年政府信息公开工作年度报告.txt"))
    assert (meta.agency, meta.agency_from) == ("醴陵市财政局", "file name")


def test_crawler_publication_time_is_the_last_resort() -> None:
    meta = read_metadata(document("某局2021年度政府信息公开工作年度报告", meta={"发布时间": "2022-02-08 16:34"}))
    assert str(meta.published) == "2022-02-08"


def test_a_year_only_the_body_gives_far_down_and_a_signature_among_blank_rows() -> None:
    """The title and signature are read from the first and last rows; the rest only when the title has no year."""
    body = [f"第{i}段正文。" for i in range(40)]
    lines = ["株洲市审计局政府信息公开工作年度报告", *body, "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"]
    lines += ["", "五、存在的主要问题", "", "株洲市审计局", " ", "2022年1月10日", ""]
    meta = read_metadata(document(*lines))
    assert (meta.year, meta.year_from) == (2021, "body")
    assert str(meta.published) == "2022-01-10" and meta.published_from == "signature"
